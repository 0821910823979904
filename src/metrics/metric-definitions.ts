/**
 * Every metric the workers record, with the one label each carries. The names are the
 * Prometheus names; they also name the fields and keys in Redis, so they must never change
 * meaning (add a new metric instead).
 */
export const COUNTERS = {
  segmentsSynthesized: {
    name: 'ttsb_segments_synthesized_total',
    help: 'Segments a provider spoke and that were stored (cached segments not included).',
    label: 'provider',
  },
  segmentsCached: {
    name: 'ttsb_segments_cached_total',
    help: 'Segments served from storage without calling the provider (content-addressed cache).',
    label: 'provider',
  },
  segmentsFailed: {
    name: 'ttsb_segments_failed_total',
    help: 'Segments that failed for good (fatal error or attempts exhausted); each fails its render.',
    label: 'provider',
  },
  charactersBilled: {
    name: 'ttsb_characters_billed_total',
    help: 'Characters the provider reported billing (its own usage figures), for stored segments.',
    label: 'provider',
  },
  rateLimited: {
    name: 'ttsb_provider_rate_limited_total',
    help: 'Provider answers that were rate limits (HTTP 429 or the provider code for it); each pauses the provider queue.',
    label: 'provider',
  },
  retries: {
    name: 'ttsb_segment_retries_total',
    help: 'Segment attempts that failed and were scheduled for another attempt with backoff.',
    label: 'provider',
  },
  rendersEnded: {
    name: 'ttsb_renders_ended_total',
    help: 'Renders by the state they ended in (completed, failed, cancelled); each render counts once.',
    label: 'status',
  },
  sentenceTimings: {
    name: 'ttsb_sentence_timings_total',
    help: 'Segments whose sentence times a delivery needed: aligned (pauses found in their audio now) or reused (stored beside the segment by an earlier delivery).',
    label: 'outcome',
  },
  takesChecked: {
    name: 'ttsb_takes_checked_total',
    help: 'New takes of segments whose signal was checked before they were kept (issue 15); each billed.',
    label: 'provider',
  },
  retakes: {
    name: 'ttsb_retakes_total',
    help: 'Takes asked for again because the one before failed its checks; each billed.',
    label: 'provider',
  },
  segmentsFlagged: {
    name: 'ttsb_segments_flagged_total',
    help: 'Segments no take of which passed its checks: the best take was kept and the segment flagged (tts-batch qa lists them).',
    label: 'provider',
  },
  takeCheckFailures: {
    name: 'ttsb_take_check_failures_total',
    help: 'Failed checks of takes, by check (silent, leadingSilence, trailingSilence, innerSilence, clipping, dcOffset, cutEnding, duration, transcript).',
    label: 'check',
  },
} as const;

export const SENTENCE_TIMING_OUTCOMES = ['aligned', 'reused'] as const;
export type SentenceTimingOutcome = (typeof SENTENCE_TIMING_OUTCOMES)[number];

export type CounterName = keyof typeof COUNTERS;

/**
 * Fixed buckets, in seconds. A segment of the default size speaks in a few seconds on a healthy
 * provider; the long tail (queued task providers, slow streams) reaches minutes. A stitch reads
 * every segment twice: seconds for an article, minutes for a long book on S3.
 */
export const HISTOGRAMS = {
  providerLatency: {
    name: 'ttsb_provider_latency_seconds',
    help: 'Time from the provider call (or task submission) to the end of a stored segment.',
    label: 'provider',
    buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600],
  },
  stitchDuration: {
    name: 'ttsb_stitch_duration_seconds',
    help: 'Time to stitch a render: both passes over its segments and the upload of the audio.',
    label: undefined,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  },
} as const;

export type HistogramName = keyof typeof HISTOGRAMS;

export const RENDER_END_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type RenderEndStatus = (typeof RENDER_END_STATUSES)[number];
