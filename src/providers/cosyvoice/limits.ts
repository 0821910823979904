import { ConfigError } from '../../errors/config-error.ts';
import { countDashScope } from '../../text/count-units.ts';
import type { PauseSupportQuery } from '../pause-support.ts';
import type { TextLimits } from '../provider.ts';
import type { CosyVoiceConfig } from './config.ts';
import { cosyVoiceTakesSsml } from './ssml-support.ts';
import { countSsmlUnits, SPEAK_WRAPPER_UNITS } from './ssml-text.ts';

/** What the service allows in one task: 200,000 weighted characters in all (docs/providers/cosyvoice.md). */
export const COSYVOICE_TASK_CEILING = 200_000;
/** Per continue-task: the SDK says 2,000, the WebSocket protocol page 20,000 (docs/providers/cosyvoice.md). */
export const COSYVOICE_MESSAGE_CEILING = 20_000;
export const DEFAULT_MESSAGE_MAX_UNITS = 2_000;

/**
 * One task is one segment. The service takes 200,000 weighted characters per task, but we aim
 * for 6,000 (≈ 3,000 Chinese characters, ≈ 11 minutes of speech, ≈ 3 minutes of synthesis at
 * the documented real-time factor of 0.3, in about four continue-task messages), because:
 * - a failed task is lost whole: what it spoke is billed again on retry, and the longer a
 *   socket lives the likelier it is cut (a 200,000-unit task streams for ~2 hours);
 * - one socket speaks sequentially: big tasks leave workers idle and end on a long tail;
 * - prosody gains nothing from bigger tasks: in streaming mode the service cuts the text into
 *   sentences and speaks them one by one anyway. A segment boundary costs one more task start
 *   (connect + run-task + first packet ≈ 0.5–1 s, < 1 % of a 3-minute task) and one more join
 *   (~50 ms of mp3 encoder padding), both negligible at this size.
 * Measured with the simulator (RTF 0.3, 500 ms first packet, 4 workers, a 200,000-unit Chinese
 * book, sockets cut at random at 1 per hour of streaming; mean of 5 seeds, in real time):
 *   target   2,000: 110 tasks, 32 min, 0.9 % of the units billed twice;
 *   target   6,000:  35 tasks, 33 min, 2.6 %;
 *   target  12,000:  20 tasks, 34 min, 4.7 %;
 *   target  30,000:  10 tasks, 38 min, 8.1 % (20 % for one seed);
 *   target 100,000:   2 tasks, 61 min (one seed).
 * Re-billing grows with the target (≈ half a task per failure) while wall time is flat up to
 * ~12,000; 6,000 keeps re-billing low with a third of the task starts and joins of 2,000.
 */
export const DEFAULT_TARGET_UNITS = 6_000;

export interface CosyVoiceLimitOptions {
  /** Weighted characters per task (= per segment). */
  taskMaxUnits: number;
  /** The segment size the producer aims for. */
  targetUnits: number;
}

/** Producer limits for CosyVoice: DashScope's weighted count (each Han ideograph counts 2). */
export function cosyVoiceLimits(options: CosyVoiceLimitOptions): TextLimits {
  const { taskMaxUnits, targetUnits } = options;
  if (!Number.isInteger(taskMaxUnits) || taskMaxUnits < 1 || taskMaxUnits > COSYVOICE_TASK_CEILING) {
    throw new ConfigError(`COSYVOICE_TASK_MAX_UNITS must be an integer from 1 to ${COSYVOICE_TASK_CEILING}`, taskMaxUnits);
  }
  if (!Number.isInteger(targetUnits) || targetUnits < 1 || targetUnits > taskMaxUnits) {
    throw new ConfigError(`COSYVOICE_TARGET_UNITS must be an integer from 1 to COSYVOICE_TASK_MAX_UNITS (${taskMaxUnits})`, targetUnits);
  }
  return { maxUnits: taskMaxUnits, targetUnits, count: countDashScope };
}

/**
 * Limits for a voice that speaks SSML. With `enable_ssml` the service takes ONE continue-task per
 * task (the WebSocket page: "Text request limit violated, expected 1."), so a segment is one
 * message: at most the message maximum (2,000 by default, COSYVOICE_MESSAGE_MAX_UNITS) less the
 * `<speak>…</speak>` wrapper, counted as it will be sent (pause tags rewritten, text escaped,
 * tags counted as the SDK page says). Aiming at three quarters of it leaves room to end on a
 * sentence. At 2,000 per segment the measurements above give 0.9 % re-billed, one minute less.
 */
export function cosyVoiceSsmlLimits(options: CosyVoiceLimitOptions & { messageMaxUnits: number }): TextLimits {
  const plain = cosyVoiceLimits(options);
  const maxUnits = Math.min(plain.maxUnits, options.messageMaxUnits) - SPEAK_WRAPPER_UNITS;
  if (maxUnits < 1) throw new ConfigError('COSYVOICE_MESSAGE_MAX_UNITS leaves no room for an SSML segment', options.messageMaxUnits);
  const targetUnits = Math.min(plain.targetUnits, Math.max(1, Math.floor(maxUnits * 0.75)));
  return { maxUnits, targetUnits, count: countSsmlUnits };
}

/**
 * The limits the environment asks for (COSYVOICE_TASK_MAX_UNITS, COSYVOICE_TARGET_UNITS), and for
 * a model and voice that speak SSML, the one-message limits above.
 */
export function cosyVoiceLimitsFromConfig(config: CosyVoiceConfig, query?: PauseSupportQuery): TextLimits {
  const options = { taskMaxUnits: config.COSYVOICE_TASK_MAX_UNITS, targetUnits: config.COSYVOICE_TARGET_UNITS };
  if (query !== undefined && cosyVoiceTakesSsml(query)) {
    return cosyVoiceSsmlLimits({ ...options, messageMaxUnits: config.COSYVOICE_MESSAGE_MAX_UNITS });
  }
  return cosyVoiceLimits(options);
}

export const COSYVOICE_DEFAULT_LIMITS: TextLimits = cosyVoiceLimits({
  taskMaxUnits: COSYVOICE_TASK_CEILING,
  targetUnits: DEFAULT_TARGET_UNITS,
});
