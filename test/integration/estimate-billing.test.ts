import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RenderEstimate } from '../../src/producer/estimate-render.ts';
import { API_TOKEN, postJson, startApi, type ApiErrorBody, type ApiHarness } from './api-harness.ts';
import { BILLING_PROVIDERS, startBillingSimulator, type BillingSimulator } from '../support/billing-simulators.ts';
import { ffprobeDurationSeconds, requireFfmpeg } from '../support/ffmpeg.ts';
import { cliRendered } from '../support/render-output.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { countKeys, deletePrefix, testConfig, uniquePrefix } from '../support/test-config.ts';

/** Prices per million units for the cost line; espeak is left unpriced on purpose (it bills nothing). */
const PRICES: Record<string, number> = { senseaudio: 15, sensenova: 350, ai302: 30, cosyvoice: 2 };
const PRICE_ENV = Object.entries(PRICES)
  .map(([provider, price]) => `${provider}=${price}`)
  .join(',');

/**
 * Issue 14 item 3: `estimate` before paying. For the sample book on every provider's simulator
 * (whose counters follow the provider documents: SenseAudio bills a Chinese character 2,
 * CosyVoice a Han character 2 and its SSML document whole, SenseNova and 302.AI code points,
 * espeak nothing): the estimate before a clean render is within 1 % of what the render bills; a
 * dry run and a capped render below the estimate ask the provider nothing and leave nothing in
 * Redis; after the render every segment is cached and nothing is left to bill; the API answers
 * the same numbers as the CLI.
 */
describe.each(BILLING_PROVIDERS)('estimate, then render, on %s', (name) => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix(`estimate-${name}`);
  let simulator: BillingSimulator;
  let dir: string;
  let out: string;
  let book: string;
  let text: string;
  let api: ApiHarness | undefined;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startBillingSimulator(name);
    dir = await mkdtemp(join(tmpdir(), `ttsb-estimate-${name}-`));
    out = join(dir, 'out');
    book = join(dir, 'book.txt');
    // espeak also checks the duration estimate against real speech (±25 %), on the longer book it was set against.
    text = name === 'espeak' ? makeSampleBook(6_000, 14) : makeSampleBook(2_500, 6);
    await writeFile(book, text);
  });

  afterAll(async () => {
    await api?.close();
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: readonly string[]): Promise<CliResult> =>
    runCli(args, {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      PROVIDER_PRICE_PER_MILLION: PRICE_ENV,
      ...simulator.env,
    });
  const renderArgs = (...extra: string[]): string[] => [
    'render',
    book,
    '--provider',
    simulator.provider,
    '--out',
    out,
    ...simulator.args,
    ...extra,
  ];

  async function estimate(output = out): Promise<RenderEstimate> {
    const result = await cli(['estimate', book, '--provider', simulator.provider, '--out', output, '--json', ...simulator.args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as RenderEstimate;
  }

  /** Keys under the prefix, and under any private prefix a --local render would derive from it. */
  const redisKeys = async (): Promise<number> => (await countKeys(redisUrl, prefix)) + (await countKeys(redisUrl, `${prefix}-local-*`));

  it('is within 1 % of what the render bills; afterwards every segment is cached and 0 units are left', { timeout: 240_000 }, async () => {
    const before = await estimate();
    expect(before.segments).toBeGreaterThan(10);
    expect(before.cached).toEqual({ segments: 0, units: 0 });
    expect(before.toBill).toEqual({ segments: before.segments, units: before.units });
    const price = PRICES[simulator.provider];
    if (price === undefined) expect(before.cost).toBeUndefined();
    else expect(before.cost).toEqual({ pricePerMillion: price, amount: expect.closeTo((before.units * price) / 1e6, 6) as number });

    // --dry-run prints the same estimate and stops: no request, nothing in Redis.
    const dry = await cli(renderArgs('--local', '--dry-run', '--json'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual(before);
    expect(simulator.requests(), 'requests after --dry-run').toBe(0);
    expect(await redisKeys(), 'Redis keys after --dry-run').toBe(0);
    expect(existsSync(out), 'the dry run wrote nothing, not even the output folder').toBe(false);

    if (before.units > 0) {
      // One unit under the estimate: refused before enqueue, in one line naming the field, the estimate and the cap.
      const cap = before.toBill.units - 1;
      const refused = await cli(renderArgs('--local', '--max-units', String(cap)));
      expect(refused.code).toBe(2);
      const lines = refused.stderr.trim().split('\n');
      expect(lines, refused.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^tts-batch: maxUnits: /);
      expect(lines[0]).toContain(before.toBill.units.toLocaleString('en-US'));
      expect(lines[0]).toContain(cap.toLocaleString('en-US'));
      expect(refused.stdout).toBe('');
      expect(simulator.requests(), 'requests after the refused render').toBe(0);
      expect(await redisKeys(), 'Redis keys after the refused render').toBe(0);
    }

    // The estimate itself as the cap: let through, and rendered.
    const rendered = await cli(renderArgs('--local', '--profile', 'raw', '--max-units', String(before.toBill.units)));
    expect(rendered.code, rendered.stderr).toBe(0);
    const { manifest, bookPath } = await cliRendered(rendered.stdout);
    expect(manifest.segments).toHaveLength(before.segments);
    expect(manifest.cachedSegments).toBe(0);
    expect(manifest.billedCharacters, 'the manifest counts what the provider reported').toBe(simulator.billed());
    const billed = manifest.billedCharacters;
    console.log(
      `${name}: estimate ${before.units} ${before.unit}; billed ${billed}; ${before.segments} segments, ${simulator.requests()} requests`,
    );
    if (name === 'espeak') {
      expect(before.units).toBe(0);
      expect(billed).toBe(0);
      // The one provider that really speaks: how the length estimate compares with the decoded book.
      const decodedMs = (await ffprobeDurationSeconds(bookPath)) * 1000;
      console.log(
        `espeak: estimated ${before.durationMs} ms, decoded ${Math.round(decodedMs)} ms (${(before.durationMs / decodedMs).toFixed(2)})`,
      );
      // Fixed speaking rates, not this voice's: a quarter either way is what the estimate claims (docs/api.md).
      expect(before.durationMs / decodedMs).toBeGreaterThan(0.75);
      expect(before.durationMs / decodedMs).toBeLessThan(1.25);
    } else {
      expect(billed).toBeGreaterThan(0);
      expect(Math.abs(before.units - billed) / billed, `estimate ${before.units} vs billed ${billed}`).toBeLessThanOrEqual(0.01);
    }

    const after = await estimate();
    expect(after.cached).toEqual({ segments: before.segments, units: before.units });
    expect(after.toBill).toEqual({ segments: 0, units: 0 });
    if (price !== undefined) expect(after.cost).toEqual({ pricePerMillion: price, amount: 0 });
    expect({ ...after, cached: before.cached, toBill: before.toBill, cost: before.cost }, 'the rest of the estimate is unchanged').toEqual(
      before,
    );
  });

  it('POST /v1/estimates answers the numbers the CLI prints; POST /v1/renders over maxUnits is refused', { timeout: 60_000 }, async () => {
    const config = testConfig({
      ...simulator.env,
      API_TOKENS: API_TOKEN,
      API_DEFAULT_OUTPUT: out,
      API_OUTPUT_ROOT: dir,
      PROVIDER_PRICE_PER_MILLION: PRICE_ENV,
    });
    api = await startApi(config);
    const requestsBefore = simulator.requests();
    const body = { text, provider: simulator.provider, ...simulator.body };
    // The rendered output (everything cached) and an empty one (everything to bill).
    const fresh = join(dir, 'fresh');
    for (const output of [out, fresh]) {
      const response = await postJson(api, '/v1/estimates', { ...body, output });
      expect(response.status, await response.clone().text()).toBe(200);
      const answered = (await response.json()) as RenderEstimate;
      expect(answered).toEqual(await estimate(output));
      expect(answered.toBill.units).toBe(output === out ? 0 : answered.units);
    }
    const { units } = await estimate(fresh);
    if (units > 0) {
      const refused = await postJson(api, '/v1/renders', { ...body, output: fresh, maxUnits: units - 1 });
      expect(refused.status).toBe(400);
      const { error } = (await refused.json()) as ApiErrorBody;
      expect(error.field).toBe('maxUnits');
      expect(error.message).toContain(units.toLocaleString('en-US'));
      expect(error.message).toContain((units - 1).toLocaleString('en-US'));
    }
    expect(simulator.requests(), 'estimates and a refused render ask the provider nothing').toBe(requestsBefore);
    expect(await countKeys(config.REDIS_URL, config.QUEUE_PREFIX), 'nothing written to Redis').toBe(0);
    await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
  });
});

/**
 * The estimate computes each segment's key the way the enqueue does, lexicon included: after a
 * render, a lexicon entry changes the keys of exactly the segments holding its word, and the
 * estimate's cached/to-bill split is what the next render finds in the cache and pays.
 */
describe('estimate with a lexicon (SenseAudio simulator)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('estimate-lexicon');
  let simulator: BillingSimulator;
  let dir: string;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startBillingSimulator('senseaudio');
    dir = await mkdtemp(join(tmpdir(), 'ttsb-estimate-lexicon-'));
  });

  afterAll(async () => {
    await simulator?.close();
    await deletePrefix(redisUrl, prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds cached exactly the segments the lexicon leaves alone, and the render pays the rest', { timeout: 120_000 }, async () => {
    const text = makeSampleBook(2_500, 6);
    const book = join(dir, 'book.txt');
    const lexicon = join(dir, 'lexicon.txt');
    await writeFile(book, text);
    await writeFile(lexicon, '灯塔 = 登塔\n');
    const out = join(dir, 'out');
    const cli = (...args: string[]): Promise<CliResult> =>
      runCli([...args, book, '--provider', 'senseaudio', '--out', out], {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        ...simulator.env,
      });
    const first = await cli('render', '--local', '--profile', 'raw');
    expect(first.code, first.stderr).toBe(0);
    const billedFirst = simulator.billed();

    const estimated = await cli('estimate', '--json', '--lexicon', lexicon);
    expect(estimated.code, estimated.stderr).toBe(0);
    const estimate = JSON.parse(estimated.stdout) as RenderEstimate;
    expect(estimate.toBill.segments, 'some segments hold the word').toBeGreaterThan(0);
    expect(estimate.cached.segments, 'most do not').toBeGreaterThan(estimate.toBill.segments);

    const second = await cli('render', '--local', '--profile', 'raw', '--lexicon', lexicon);
    expect(second.code, second.stderr).toBe(0);
    const { manifest } = await cliRendered(second.stdout);
    expect(manifest.cachedSegments).toBe(estimate.cached.segments);
    expect(manifest.billedCharacters).toBe(simulator.billed() - billedFirst);
    expect(manifest.billedCharacters).toBe(estimate.toBill.units);
  });
});
