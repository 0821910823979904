import { InputError } from '../errors/input-error.ts';
import { segmentMetaKey } from '../queue/segment-key.ts';
import { assertSafeKey, quoteForMessage } from '../storage/storage-key.ts';
import { segmentTimingsKey } from '../master/subtitles/segment-timings.ts';

/** Where every segment lives (segment-key.ts): `.segments/<provider>/xx/<sha256>.<fmt>` and its `.json` sidecar. */
export const SEGMENTS_PREFIX = '.segments';

const SEGMENT_AUDIO = /^\.segments\/[A-Za-z0-9_-]+\/[0-9a-f]{2}\/[0-9a-f]{64}\.[a-z0-9]+$/;
/** Longest first: `x.mp3.timings.json` also ends in `.json`. */
const SIDECAR_SUFFIXES = [segmentTimingsKey(''), segmentMetaKey('')];

/** A segment's audio key (not its sidecar). */
export function isSegmentAudioKey(key: string): boolean {
  return SEGMENT_AUDIO.test(key);
}

/** The audio key a sidecar (or stored sentence times) belongs to, or undefined when `key` is neither. */
export function audioKeyOfSidecar(key: string): string | undefined {
  for (const suffix of SIDECAR_SUFFIXES) {
    if (!key.endsWith(suffix)) continue;
    const audio = key.slice(0, -suffix.length);
    if (isSegmentAudioKey(audio)) return audio;
  }
  return undefined;
}

/** A segment's audio, sidecar and stored sentence times: what evicting it removes. */
export function segmentObjectKeys(audioKey: string): [audio: string, sidecar: string, timings: string] {
  return [audioKey, segmentMetaKey(audioKey), segmentTimingsKey(audioKey)];
}

/** `key` when it names a segment's audio, else InputError (field 'key'): eviction never touches renders' own files. */
export function assertSegmentKey(key: string): string {
  assertSafeKey(key);
  if (!isSegmentAudioKey(key)) {
    throw new InputError('key', `${quoteForMessage(key)} is not a segment key (.segments/<provider>/<xx>/<sha256>.<format>)`, key);
  }
  return key;
}
