import { Queue } from 'bullmq';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { countCodePoints } from '../../src/text/count-units.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { planRender, type RenderPlan } from '../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../src/producer/render-options.ts';
import { segmentKey } from '../../src/queue/segment-key.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import type { TextLimits } from '../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { synthesizeQueueName } from '../../src/queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { RenderStore } from '../../src/render/render-store.ts';
import { assertSafeKey } from '../../src/storage/storage-key.ts';
import { synthesizeJobDataSchema } from '../../src/queue/job-data.ts';
import { runCli } from '../support/run-cli.ts';
import { countKeys, deletePrefix, uniquePrefix } from '../support/test-config.ts';
import { reportFigure } from '../chaos/support/figures.ts';

/**
 * Chaos scenario 6 (docs/reliability.md): hostile Unicode through the whole producer path, from
 * planRender to the job data a worker parses, and the CLI refusing what cannot be spoken. The
 * splitter's own properties (cuts, pairs, clusters, tags) are in test/unit/producer.
 */

const HOSTILE = [
  // emoji: ZWJ families, flags, skin tones, keycaps, a tag sequence
  '😀',
  '👨‍👩‍👧‍👦',
  '🇨🇳',
  '🇺🇦',
  '👍🏽',
  '#️⃣',
  '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}',
  // combining marks, alone and stacked
  '\u0301',
  'e\u0301',
  'a\u0308\u0308\u0308\u0308',
  'Z\u0351\u0352\u0353\u0354',
  'क्षि',
  // right-to-left text and bidi controls
  'مرحبا بالعالم',
  'שלום',
  '\u200F',
  '\u200E',
  '\u202E',
  '\u202B',
  '\u2066',
  '\u2067',
  '\u2069',
  // invisible format characters and unusual whitespace / line ends
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u00A0',
  '\u3000',
  '\u007F',
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\r\n',
  '\r',
  // structure the producer reads: headings, pause tags, sentence ends
  '# ',
  '## ',
  '#',
  '第一章 ',
  'Chapter 2\n',
  'Prologue\n',
  '<break time=500>',
  '<break',
  '。',
  '.',
  '!',
  '…',
  '中文',
  'word',
  'x',
];
// eslint-disable-next-line no-control-regex -- the controls validateText refuses
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Nothing a voice can say: whitespace and invisible format characters (zero-width, joiners, bidi marks). */
const SILENT = /[\s\p{Cf}]/gu;

const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE), weight: 10 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 3 },
  // full range, lone surrogates and C0 controls included
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
);
const hostileText = fc.string({ unit: piece, maxLength: 240 });
const smallLimits = fc
  .integer({ min: 8, max: 80 })
  .map((maxUnits): TextLimits => ({ maxUnits, targetUnits: Math.ceil(maxUnits / 2), count: countCodePoints }));
const OPTIONS = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });

function silentRemoved(text: string): string {
  return text.replace(SILENT, '');
}

/** True when `small`'s characters appear in `large` in order (nothing invented, nothing reordered). */
function isSubsequence(small: string, large: string): boolean {
  const wanted = [...small];
  let next = 0;
  for (const char of large) if (char === wanted[next]) next += 1;
  return next === wanted.length;
}

function keyOf(text: string): string {
  return segmentKey({
    provider: 'senseaudio',
    model: OPTIONS.model,
    voice: OPTIONS.voice,
    voiceSettings: OPTIONS.voiceSettings,
    audio: OPTIONS.audio,
    text,
  });
}

/** What must hold for every planned segment on its way to the provider. */
function expectSpeakablePlan(text: string, plan: RenderPlan, limits: TextLimits): void {
  expect(plan.segments.length, 'a plan with nothing in it').toBeGreaterThan(0);
  const keys = new Map<string, string>();
  for (const segment of plan.segments) {
    const where = `segment ${segment.index} ${JSON.stringify(segment.text.slice(0, 40))}`;
    expect(limits.count(segment.text), `${where} is over the limit`).toBeLessThanOrEqual(limits.maxUnits);
    const speech = toSpeechText(segment.text);
    expect(silentRemoved(speech), `${where} has nothing to say, but would be sent and billed`).not.toBe('');
    expect(limits.count(speech), `${where}: the speech text is over the limit`).toBeLessThanOrEqual(limits.maxUnits);
    expect(LONE_SURROGATE.test(speech), `${where}: the speech text holds half a surrogate pair`).toBe(false);
    expect(isSubsequence(speech.replace(/\s/gu, ''), segment.text), `${where}: the speech text says what the book does not`).toBe(true);
    const key = keyOf(speech);
    expect(() => assertSafeKey(key)).not.toThrow();
    expect(key).toMatch(/^\.segments\/senseaudio\/[0-9a-f]{2}\/[0-9a-f]{64}\.mp3$/);
    const earlier = keys.get(key);
    if (earlier !== undefined) expect(earlier, 'two different texts share a key').toBe(speech);
    keys.set(key, speech);
  }
  // The segments, joined, are the book with whitespace aside, less only stretches with nothing
  // to say (invisible characters, and the `#` of a heading whose title is invisible).
  const joined = plan.segments
    .map((s) => s.text)
    .join('')
    .replace(/\s/gu, '');
  const book = text.replace(/\s/gu, '');
  expect(isSubsequence(joined, book), 'the segments are not the book, in order').toBe(true);
  expect(
    missingCharacters(book, joined).filter((char) => !/^[\p{Cf}#]$/u.test(char)),
    'audible text was dropped',
  ).toEqual([]);
}

/** Characters of `whole` not accounted for in `part` (as a multiset difference). */
function missingCharacters(whole: string, part: string): string[] {
  const left = new Map<string, number>();
  for (const char of part) left.set(char, (left.get(char) ?? 0) + 1);
  const missing: string[] = [];
  for (const char of whole) {
    const count = left.get(char) ?? 0;
    if (count > 0) left.set(char, count - 1);
    else missing.push(char);
  }
  return missing;
}

describe('chaos (fast): hostile Unicode through the producer path', () => {
  const tally = { planned: 0, refused: 0, segments: 0 };
  afterAll(() => {
    reportFigure(
      'hostile input',
      `${tally.planned + tally.refused} generated texts: ${tally.planned} planned (${tally.segments} segments checked through toSpeechText, segmentKey, job data), ${tally.refused} refused with one InputError line`,
    );
  });

  it('plans within the limit, loses nothing audible, sends nothing silent and gives every text a safe key', () => {
    fc.assert(
      fc.property(hostileText, smallLimits, (text, limits) => {
        let plan: RenderPlan;
        try {
          plan = planRender(text, limits);
        } catch (error) {
          tally.refused += 1;
          expect(error).toBeInstanceOf(InputError);
          const message = (error as InputError).message;
          expect(message, 'one line').not.toContain('\n');
          if (LONE_SURROGATE.test(text) || FORBIDDEN_CONTROL.test(text)) {
            // The first offender, by UTF-16 offset, is the one named.
            const surrogate = LONE_SURROGATE.exec(text)?.index ?? Number.POSITIVE_INFINITY;
            const control = FORBIDDEN_CONTROL.exec(text)?.index ?? Number.POSITIVE_INFINITY;
            const offset = Math.min(surrogate, control);
            const kind = offset === surrogate ? 'lone surrogate' : 'control character';
            const unit = `U+${text.charCodeAt(offset).toString(16).toUpperCase().padStart(4, '0')}`;
            const expected = `text: ${kind} ${unit} at code-unit offset ${offset}`;
            expect(message.startsWith(expected), `expected "${expected} …", got "${message}"`).toBe(true);
          } else if (/^text: (text is empty|has nothing to say)/.test(message)) {
            // Besides whitespace and invisible characters, only heading markers go unsaid.
            expect(silentRemoved(text).replace(/#/g, ''), `refused as silent: ${JSON.stringify(text)}`).toBe('');
          } else {
            // Only an indivisible piece over the maximum may be refused (see split-text.property.test.ts).
            expect(message).toMatch(/^text: the piece at code-unit offset \d+ cannot be split further/);
          }
          return;
        }
        tally.planned += 1;
        tally.segments += plan.segments.length;
        expectSpeakablePlan(text, plan, limits);
      }),
      { numRuns: 1500 },
    );
  });

  it('holds at SenseAudio’s own limits on long hostile books', () => {
    const longText = fc.array(hostileText, { minLength: 20, maxLength: 120 }).map((parts) => parts.join('\n\n'));
    fc.assert(
      fc.property(longText, (text) => {
        let plan: RenderPlan;
        try {
          plan = planRender(text, senseAudioDefinition.limits);
        } catch (error) {
          tally.refused += 1;
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).message).toMatch(/^text: /);
          return;
        }
        tally.planned += 1;
        tally.segments += plan.segments.length;
        expectSpeakablePlan(text, plan, senseAudioDefinition.limits);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a text of nothing but invisible characters, and drops a silent stretch before the first heading', () => {
    expect(() => planRender('\u200B\u2060\u200F\n\uFEFF\u200D', senseAudioDefinition.limits)).toThrow(InputError);
    const plan = planRender('\u200B\n\n# Chapter 1\nHello there.', senseAudioDefinition.limits);
    // The heading line is a segment of its own (issue 11 item 1).
    expect(plan.segments.map((s) => toSpeechText(s.text))).toEqual(['Chapter 1', 'Hello there.']);
    expect(plan.chapters).toEqual([{ index: 0, title: 'Chapter 1', firstSegment: 0, textStart: 3, textEnd: 27 }]);
  });

  describe('through Redis: the job data a worker parses carries the text byte for byte', () => {
    const redisUrl = inject('redisUrl');
    const prefix = uniquePrefix('hostile');
    const connection = createRedisConnection(redisUrl, 'producer');
    const store = new RenderStore(connection, prefix);
    let queue: Queue;
    beforeAll(async () => {
      await connectProducer(connection, redisUrl);
      queue = new Queue(synthesizeQueueName('senseaudio'), { connection, prefix });
    });
    afterAll(async () => {
      await queue.close();
      await connection.quit();
      await deletePrefix(redisUrl, prefix);
    });

    it('for arbitrary hostile books', async () => {
      let render = 0;
      await fc.assert(
        fc.asyncProperty(
          hostileText.filter((t) => !LONE_SURROGATE.test(t) && !FORBIDDEN_CONTROL.test(t) && silentRemoved(t) !== ''),
          async (text) => {
            const limits: TextLimits = { maxUnits: 60, targetUnits: 30, count: countCodePoints };
            let plan: RenderPlan;
            try {
              plan = planRender(text, limits);
            } catch (error) {
              expect(error).toBeInstanceOf(InputError);
              return;
            }
            const id = `hostile-${(render += 1)}`;
            await enqueueRender(
              { connection, prefix, store, retry: { attempts: 1, backoffMs: 10 } },
              { id, plan, provider: senseAudioDefinition, options: OPTIONS, output: 'file:///nowhere' },
            );
            for (const segment of plan.segments) {
              const job = await queue.getJob(`${id}-s${String(segment.index).padStart(5, '0')}`);
              const data = synthesizeJobDataSchema.parse(job?.data);
              expect(data.text).toBe(toSpeechText(segment.text));
              expect(data.key).toBe(keyOf(data.text));
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('the CLI refuses text that cannot be spoken with one clear line, and enqueues nothing', () => {
    const redisUrl = inject('redisUrl');
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'ttsb-hostile-cli-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    // Bytes on disk: a lone surrogate cannot be valid UTF-8, so it arrives as invalid UTF-8 (WTF-8 / CESU-8).
    const cases: { name: string; bytes: Buffer; expected: RegExp }[] = [
      {
        name: 'a lone high surrogate (WTF-8)',
        bytes: Buffer.concat([Buffer.from('Chapter 1\n\nHello '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(' world.\n')]),
        expected: /^tts-batch: file: is not valid UTF-8 text: /,
      },
      {
        name: 'a lone low surrogate (WTF-8)',
        bytes: Buffer.concat([Buffer.from('😀 '), Buffer.from([0xed, 0xb0, 0x80])]),
        expected: /^tts-batch: file: is not valid UTF-8 text: /,
      },
      {
        name: 'an escape character',
        bytes: Buffer.from('مرحبا 👨‍👩‍👧 \u001B[31m red\n', 'utf8'),
        expected: /^tts-batch: text: control character U\+001B at code-unit offset 15; only tab, newline and carriage return are allowed$/,
      },
      {
        name: 'a NUL after RTL and combining marks',
        bytes: Buffer.from('שלום e\u0301\u0308\u0000 end', 'utf8'),
        expected: /^tts-batch: text: control character U\+0000 at code-unit offset 8; /,
      },
      {
        name: 'nothing but invisible characters',
        bytes: Buffer.from('\u200B\u2060\n\u200F\u200D\n', 'utf8'),
        expected: /^tts-batch: text: /,
      },
    ];
    for (const testCase of cases) {
      // Concurrent: each case is a CLI process mostly starting up.
      it.concurrent(testCase.name, async ({ expect }) => {
        const file = join(dir, `${testCase.name.replace(/\W+/g, '-')}.txt`);
        await writeFile(file, testCase.bytes);
        const prefix = uniquePrefix('hostile-cli');
        const result = await runCli(['render', file, '--provider', 'senseaudio'], {
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          SENSEAUDIO_API_KEY: 'k',
        });
        expect(result.code, result.stderr).toBe(2);
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines, `exactly one line on stderr, got:\n${result.stderr}`).toHaveLength(1);
        expect(lines[0]).toMatch(testCase.expected);
        expect(result.stdout).toBe('');
        expect(await countKeys(redisUrl, prefix), 'nothing may be enqueued').toBe(0);
      });
    }
  });
});
