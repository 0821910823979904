import { createHash } from 'node:crypto';
import type { AudioSettings } from '../audio/audio-settings.ts';
import type { VoiceSettings } from '../providers/voice-settings.ts';
import { stableJson } from '../util/stable-json.ts';

export interface SegmentIdentity {
  provider: string;
  model: string;
  voice: string;
  voiceSettings: VoiceSettings;
  audio: AudioSettings;
  /** The text exactly as sent to the provider. */
  text: string;
}

/**
 * Content-addressed: the same words spoken the same way map to the same object, so a retry,
 * a crash or a re-render of an unchanged book finds the audio and bills nothing twice.
 */
export function segmentKey(identity: SegmentIdentity): string {
  const hash = createHash('sha256').update(stableJson(identity)).digest('hex');
  return `.segments/${identity.provider}/${hash.slice(0, 2)}/${hash}.${identity.audio.format}`;
}

/** Provider meta kept beside a segment, so a cached segment still has its trace id. */
export function segmentMetaKey(key: string): string {
  return `${key}.json`;
}

/**
 * Where a failed take of the segment at `key` waits while it is retaken (issue 15): beside the
 * cache, never under its key, so a bad take is never reused; removed once the segment is settled.
 * `owner` (the job's render id and index) keeps two jobs retaking the same segment apart.
 */
export function takeKey(key: string, take: number, owner: string): string {
  const dot = key.lastIndexOf('.');
  const stem = (dot < 0 ? key : key.slice(0, dot)).replace(/^\.segments\//u, '.takes/');
  return `${stem}.${owner}.take${take}${dot < 0 ? '' : key.slice(dot)}`;
}
