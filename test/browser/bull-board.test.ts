import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/runtime/app-config.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { STITCH_QUEUE, synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { WEBHOOK_QUEUE } from '../../src/queue/webhook-queue.ts';
import { findChromium } from '../support/find-chromium.ts';
import { deletePrefix, testConfig } from '../support/test-config.ts';
import { API_TOKEN, postJson, startApi, type ApiHarness } from '../integration/api-harness.ts';

/** The system's Chromium (scripts/ensure-system-tools.sh installs it; CHROMIUM_PATH names another). */
const CHROMIUM = findChromium() ?? 'chromium';
const SCREENSHOT = join(tmpdir(), 'ttsb-bull-board.png');

/** A headless Chromium with a profile of its own, optionally sending HTTP Basic credentials. */
async function openBrowser(profiles: string[], credentials?: { username: string; password: string }): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'ttsb-chromium-'));
  profiles.push(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...(credentials ? { httpCredentials: credentials } : {}),
  });
}

/** Bull Board in a real browser: it lists the deployment's queues behind Basic auth. */
describe('Bull Board in a browser', () => {
  let config: AppConfig;
  let api: ApiHarness;
  const profiles: string[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await access(CHROMIUM).catch(() => {
      throw new Error(
        `${CHROMIUM} is missing: run \`bash scripts/ensure-system-tools.sh\` (installs Debian's chromium) or set CHROMIUM_PATH`,
      );
    });
    config = testConfig({ API_TOKENS: API_TOKEN });
    api = await startApi(config);
    // A render waiting (no worker runs here), so the board has jobs to count.
    const posted = await postJson(api, '/v1/renders', { text: 'A book for the board.', provider: 'senseaudio' });
    expect(posted.status).toBe(202);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await api?.close();
    if (config) await deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    for (const profile of profiles) await rm(profile, { recursive: true, force: true });
  });

  it('with an API token as the Basic password, shows every provider queue, the stitch queue and the webhooks queue', async () => {
    const context = await openBrowser(profiles, { username: 'ops', password: API_TOKEN });
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto(`${api.url}/admin/queues`);
    expect(response?.status()).toBe(200);
    const queueNames = [...[...PROVIDERS.keys()].map(synthesizeQueueName), STITCH_QUEUE, WEBHOOK_QUEUE];
    expect(queueNames).toContain('synthesize-senseaudio');
    for (const name of queueNames) await page.getByText(name, { exact: true }).first().waitFor({ timeout: 20_000 });
    // The overview fills in from the board's own JSON API (through the same Basic credentials).
    await page.getByText('Loading...').waitFor({ state: 'hidden', timeout: 20_000 });
    const text = await page.locator('body').innerText();
    for (const name of queueNames) expect(text).toContain(name);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('is refused (401, Basic challenge) without credentials or with a wrong password', async () => {
    for (const credentials of [undefined, { username: 'ops', password: 'not-the-token-123456' }]) {
      const context = await openBrowser(profiles, credentials);
      contexts.push(context);
      const page = await context.newPage();
      const answers: { status: number; challenge: string | null }[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).pathname === '/admin/queues')
          answers.push({ status: response.status(), challenge: response.headers()['www-authenticate'] ?? null });
      });
      // With credentials the server refuses, Chromium gives up on the page (ERR_INVALID_AUTH_CREDENTIALS).
      const loaded = await page.goto(`${api.url}/admin/queues`).catch((error: unknown) => error);
      const what = credentials ? 'wrong password' : 'no credentials';
      if (loaded instanceof Error) expect(loaded.message, what).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
      expect(answers.length, `${what}: the server answered`).toBeGreaterThan(0);
      for (const answer of answers) {
        expect(answer.status, what).toBe(401);
        expect(answer.challenge).toMatch(/^Basic realm="tts-batch admin"/);
      }
      expect(await page.locator('body').innerText(), `${what}: no queue shown`).not.toContain('synthesize-senseaudio');
    }
  });
});
