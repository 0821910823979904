import { describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import {
  checkPausesForProfile,
  resolveDelivery,
  segmentFormatAsked,
  type DeliveryOptions,
  type RawDelivery,
} from '../../../src/producer/delivery-options.ts';
import { DEFAULT_PAUSE_RULES, type PauseRules } from '../../../src/text/pause-rules.ts';

const MP3_24K: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };
const MP3_8K: AudioSettings = { format: 'mp3', sampleRate: 8000, channels: 1, bitrate: 32000 };
const WAV_24K: AudioSettings = { format: 'wav', sampleRate: 24000, channels: 1 };
const PCM_16K: AudioSettings = { format: 'pcm', sampleRate: 16000, channels: 1 };
const FLAC_44K: AudioSettings = { format: 'flac', sampleRate: 44100, channels: 2 };

/** The InputError `run` throws; fails the test when it throws nothing or something else. */
function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, got none');
}

function expectRefused(raw: RawDelivery, segment: AudioSettings, field: string, rule: RegExp): void {
  const error = refusal(() => resolveDelivery(raw, segment, 'en-us'));
  expect(error.field).toBe(field);
  expect(error.code).toBe('INPUT_INVALID');
  expect(error.retryable).toBe(false);
  expect(error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
  expect(error.message).toMatch(rule);
}

describe('resolveDelivery: defaults', () => {
  it('nothing asked: audiobook, mp3 at 128 kbps, one file, the voice as narrator', () => {
    expect(resolveDelivery({}, MP3_24K, 'en-us')).toEqual({
      profile: 'audiobook',
      format: 'mp3',
      split: 'none',
      bitrateKbps: 128,
      tags: { narrator: 'en-us' },
    });
  });

  it('the default mp3 bitrate is the highest the frame header can say at the rate, not over the profile', () => {
    // MPEG-2.5 (8 kHz) goes up to 64 kbps in LAME; asking 128 there would be rounded silently.
    expect(resolveDelivery({}, MP3_8K, 'v').bitrateKbps).toBe(64);
    expect(resolveDelivery({ profile: 'podcast' }, WAV_24K, 'v').bitrateKbps).toBe(128);
  });

  it('acx: mp3 at 192 kbps, split by chapter (its master is 44.1 kHz whatever the segments)', () => {
    expect(resolveDelivery({ profile: 'acx' }, MP3_8K, 'v')).toMatchObject({
      profile: 'acx',
      format: 'mp3',
      split: 'chapter',
      bitrateKbps: 192,
    });
  });

  it('formats other than mp3 name no bitrate: the encoder picks one per channel', () => {
    for (const format of ['m4b', 'opus', 'flac', 'wav', 'pcm']) {
      const delivery = resolveDelivery({ format }, MP3_24K, 'v');
      expect(delivery.format).toBe(format);
      expect(delivery).not.toHaveProperty('bitrateKbps');
    }
  });

  it('raw: the segments own format, nothing re-encoded, no bitrate', () => {
    expect(resolveDelivery({ profile: 'raw' }, MP3_24K, 'v')).toEqual({
      profile: 'raw',
      format: 'mp3',
      split: 'none',
      tags: { narrator: 'v' },
    });
    expect(resolveDelivery({ profile: 'raw' }, WAV_24K, 'v').format).toBe('wav');
    expect(resolveDelivery({ profile: 'raw', format: 'pcm' }, WAV_24K, 'v').format).toBe('pcm');
    expect(resolveDelivery({ profile: 'raw', format: 'wav' }, PCM_16K, 'v').format).toBe('wav');
  });

  it('split chapter where the profile allows it; an asked bitrate kept', () => {
    expect(resolveDelivery({ split: 'chapter', format: 'm4b', outputBitrate: 96 }, MP3_24K, 'v')).toMatchObject({
      split: 'chapter',
      format: 'm4b',
      bitrateKbps: 96,
    });
    expect(resolveDelivery({ profile: 'acx', split: 'chapter', outputBitrate: 256 }, MP3_24K, 'v').bitrateKbps).toBe(256);
  });

  it('tags as given; the narrator overrides the voice', () => {
    const raw = { title: '三体', author: 'Liu Cixin', narrator: 'Someone', year: 2008, genre: 'Science fiction', language: 'chi' };
    expect(resolveDelivery(raw, MP3_24K, 'v').tags).toEqual(raw);
  });
});

describe('resolveDelivery: every rule names its field', () => {
  it.each<[string, RawDelivery, AudioSettings, string, RegExp]>([
    ['an unknown profile', { profile: 'loud' }, MP3_24K, 'profile', /must be one of audiobook, acx, podcast, raw/],
    ['an unknown format', { format: 'aac' }, MP3_24K, 'format', /must be one of mp3, m4b, flac, opus, wav, pcm/],
    ['an unknown format under raw', { profile: 'raw', format: 'ogg' }, MP3_24K, 'format', /must be one of/],
    [
      'raw asked to re-encode mp3 segments as wav',
      { profile: 'raw', format: 'wav' },
      MP3_24K,
      'format',
      /joins the mp3 segments as they are, so it writes mp3/,
    ],
    [
      'raw asked for m4b from wav segments',
      { profile: 'raw', format: 'm4b' },
      WAV_24K,
      'format',
      /writes wav or pcm; choose another profile to encode m4b/,
    ],
    ['raw from flac segments', { profile: 'raw' }, FLAC_44K, 'format', /writes nothing/],
    ['acx asked for m4b', { profile: 'acx', format: 'm4b' }, MP3_24K, 'format', /acx profile delivers MP3/],
    ['acx asked for flac', { profile: 'acx', format: 'flac' }, WAV_24K, 'format', /acx profile delivers MP3/],
    ['an unknown split', { split: 'chapters' }, MP3_24K, 'split', /must be chapter or none/],
    ['raw split by chapter', { profile: 'raw', split: 'chapter' }, MP3_24K, 'split', /raw profile writes the join as one file/],
    ['acx as one file', { profile: 'acx', split: 'none' }, MP3_24K, 'split', /acx profile delivers one file per chapter/],
    ['a bitrate under raw', { profile: 'raw', outputBitrate: 128 }, MP3_24K, 'outputBitrate', /raw profile re-encodes nothing/],
    ['a bitrate for flac', { format: 'flac', outputBitrate: 128 }, MP3_24K, 'outputBitrate', /applies to mp3, m4b and opus; flac has none/],
    ['a bitrate for wav', { format: 'wav', outputBitrate: 128 }, MP3_24K, 'outputBitrate', /wav has none/],
    ['a bitrate for pcm', { format: 'pcm', outputBitrate: 128 }, MP3_24K, 'outputBitrate', /pcm has none/],
    ['a bitrate over mp3 range', { outputBitrate: 321 }, MP3_24K, 'outputBitrate', /mp3 takes 8–320 kbps/],
    ['a fractional bitrate', { format: 'opus', outputBitrate: 64.5 }, MP3_24K, 'outputBitrate', /opus takes 6–510 kbps/],
    ['a bitrate under m4b range', { format: 'm4b', outputBitrate: 8 }, MP3_24K, 'outputBitrate', /m4b takes 16–320 kbps/],
    [
      'an mp3 bitrate the frame header cannot say',
      { outputBitrate: 100 },
      MP3_24K,
      'outputBitrate',
      /mp3 at 24000 Hz takes 8, 16, .*160 kbps/,
    ],
    ['an mp3 bitrate over the 8 kHz cap', { outputBitrate: 128 }, MP3_8K, 'outputBitrate', /mp3 at 8000 Hz takes .*64 kbps/],
    ['acx under 192 kbps', { profile: 'acx', outputBitrate: 160 }, MP3_24K, 'outputBitrate', /acx profile needs at least 192 kbps/],
    ['a three-digit year', { year: 999 }, MP3_24K, 'year', /four-digit year/],
    ['a five-digit year', { year: 10000 }, MP3_24K, 'year', /four-digit year/],
    ['a fractional year', { year: 2020.5 }, MP3_24K, 'year', /four-digit year/],
    ['a blank title', { title: '   ' }, MP3_24K, 'title', /non-empty string/],
    ['an author with a NUL', { author: 'A\u0000B' }, MP3_24K, 'author', /NUL/],
    ['an empty genre', { genre: '' }, MP3_24K, 'genre', /non-empty string/],
    ['a blank narrator', { narrator: ' ' }, MP3_24K, 'narrator', /non-empty string/],
    ['a blank language', { language: '\t' }, MP3_24K, 'language', /non-empty string/],
  ])('%s', (_name, raw, segment, field, rule) => {
    expectRefused(raw, segment, field, rule);
  });

  it('the error carries the value refused', () => {
    expect(refusal(() => resolveDelivery({ outputBitrate: 100 }, MP3_24K, 'v')).value).toBe(100);
    expect(refusal(() => resolveDelivery({ profile: 'loud' }, MP3_24K, 'v')).value).toBe('loud');
    expect(refusal(() => resolveDelivery({ profile: 'acx', format: 'm4b' }, MP3_24K, 'v')).value).toBe('m4b');
  });

  it('the first broken rule is the one reported: the profile before the format before the split', () => {
    expect(refusal(() => resolveDelivery({ profile: 'loud', format: 'aac', split: 'x' }, MP3_24K, 'v')).field).toBe('profile');
    expect(refusal(() => resolveDelivery({ format: 'aac', split: 'x' }, MP3_24K, 'v')).field).toBe('format');
    expect(refusal(() => resolveDelivery({ split: 'x', outputBitrate: 1 }, MP3_24K, 'v')).field).toBe('split');
  });
});

describe('segmentFormatAsked', () => {
  it('a forced segment format wins', () => {
    expect(segmentFormatAsked({ segmentFormat: 'wav' })).toBe('wav');
    expect(segmentFormatAsked({ profile: 'raw', format: 'mp3', segmentFormat: 'pcm' })).toBe('pcm');
  });

  it('raw asks the provider for the output format itself, when segments can come in it', () => {
    expect(segmentFormatAsked({ profile: 'raw', format: 'wav' })).toBe('wav');
    expect(segmentFormatAsked({ profile: 'raw', format: 'pcm' })).toBe('pcm');
    expect(segmentFormatAsked({ profile: 'raw', format: 'mp3' })).toBe('mp3');
    expect(segmentFormatAsked({ profile: 'raw', format: 'm4b' })).toBeUndefined();
    expect(segmentFormatAsked({ profile: 'raw' })).toBeUndefined();
  });

  it('a mastered profile leaves the segments to the provider, whatever the output', () => {
    for (const profile of [undefined, 'audiobook', 'acx', 'podcast'])
      for (const format of [undefined, 'mp3', 'wav', 'm4b']) expect(segmentFormatAsked({ profile, format })).toBeUndefined();
  });
});

describe('checkPausesForProfile', () => {
  const acx = (split: 'chapter' | 'none' = 'chapter'): DeliveryOptions => ({ profile: 'acx', format: 'mp3', split, tags: {} });
  const pauses = (overrides: Partial<PauseRules>): PauseRules => ({ ...DEFAULT_PAUSE_RULES, ...overrides });

  function expectPauseRefused(field: string, delivery: DeliveryOptions, rules: PauseRules, name: string, rule: RegExp): void {
    const error = refusal(() => checkPausesForProfile(field, delivery, rules));
    expect(error.field).toBe(`${field}.${name}`);
    expect(error.value).toBe(rules[name as keyof PauseRules]);
    expect(error.message).toMatch(rule);
  }

  it('the defaults pass every profile', () => {
    for (const profile of ['audiobook', 'acx', 'podcast', 'raw'] as const)
      for (const split of ['none', 'chapter'] as const)
        expect(() => checkPausesForProfile('pauses', { profile, format: 'mp3', split, tags: {} }, DEFAULT_PAUSE_RULES)).not.toThrow();
  });

  it('acx: head 500–1000 ms, ends included', () => {
    for (const head of [500, 1000]) expect(() => checkPausesForProfile('pauses', acx(), pauses({ head }))).not.toThrow();
    for (const head of [0, 499, 1001])
      expectPauseRefused('pauses', acx(), pauses({ head }), 'head', /acx profile needs 500–1000 ms at the head of every file/);
  });

  it('acx: tail 1000–5000 ms, ends included', () => {
    for (const tail of [1000, 5000]) expect(() => checkPausesForProfile('pauses', acx(), pauses({ tail }))).not.toThrow();
    for (const tail of [999, 5001, 10000])
      expectPauseRefused('pauses', acx(), pauses({ tail }), 'tail', /acx profile needs 1000–5000 ms at the tail of every file/);
  });

  it('acx split by chapter: a chapter pause of at least a tail and a head minimum (1500 ms)', () => {
    expect(() => checkPausesForProfile('pauses', acx(), pauses({ chapter: 1500 }))).not.toThrow();
    expectPauseRefused('--pauses', acx(), pauses({ chapter: 1499 }), 'chapter', /at least 1500 ms \(a 1000 ms tail and a 500 ms head\)/);
    // One file (not a delivery resolveDelivery allows for acx, but the rule is the split's): no cut, no minimum.
    expect(() => checkPausesForProfile('pauses', acx('none'), pauses({ chapter: 0 }))).not.toThrow();
  });

  it('acx split by chapter: a chapter pause that leaves the file before it more than a 5000 ms tail is refused', () => {
    // The cut gives the next file the profile's 750 ms head and the file before keeps the rest.
    expect(() => checkPausesForProfile('pauses', acx(), pauses({ chapter: 5750 }))).not.toThrow();
    for (const chapter of [5751, 10000])
      expectPauseRefused(
        'pauses',
        acx(),
        pauses({ chapter }),
        'chapter',
        /at most 5750 ms \(a 750 ms head for the next file, a tail of at most 5000 ms\)/,
      );
    expect(() => checkPausesForProfile('pauses', acx('none'), pauses({ chapter: 10000 }))).not.toThrow();
  });

  it('the head is checked before the tail before the chapter', () => {
    expect(refusal(() => checkPausesForProfile('pauses', acx(), pauses({ head: 0, tail: 0, chapter: 0 }))).field).toBe('pauses.head');
    expect(refusal(() => checkPausesForProfile('pauses', acx(), pauses({ tail: 0, chapter: 0 }))).field).toBe('pauses.tail');
  });

  it('profiles without head or tail rules take any pauses', () => {
    const none = pauses({ head: 0, tail: 0, chapter: 0, paragraph: 0, heading: 0 });
    const most = pauses({ head: 10000, tail: 10000, chapter: 10000 });
    for (const profile of ['audiobook', 'podcast', 'raw'] as const)
      for (const rules of [none, most])
        expect(() => checkPausesForProfile('pauses', { profile, format: 'mp3', split: 'none', tags: {} }, rules)).not.toThrow();
  });
});
