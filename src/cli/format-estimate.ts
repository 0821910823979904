import type { RenderEstimate } from '../producer/estimate-render.ts';

const count = (n: number): string => n.toLocaleString('en-US');

/** `1 h 02 min`, `12 min 05 s`, `42 s`: a length a reader takes in at a glance (it is an estimate). */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(min).padStart(2, '0')} min`;
  if (min > 0) return `${min} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** The estimate as `tts-batch estimate` prints it: one labelled line per figure. */
export function formatEstimate(estimate: RenderEstimate): string {
  const { cached, toBill, cost } = estimate;
  const lines: [string, string][] = [
    ['provider', `${estimate.provider} · ${estimate.model} · ${estimate.voice}`],
    ['chapters', count(estimate.chapters)],
    ['segments', count(estimate.segments)],
    ['characters', count(estimate.characters)],
    ['units', `${count(estimate.units)} (${estimate.unit})`],
    ['cached', `${count(cached.segments)} segments, ${count(cached.units)} units: cost 0 (in ${estimate.output})`],
    ['to bill', `${count(toBill.segments)} segments, ${count(toBill.units)} units`],
    ['audio', `about ${formatDuration(estimate.durationMs)}`],
    [
      'cost',
      cost !== undefined
        ? `${cost.amount.toFixed(cost.amount >= 1 ? 2 : 4)} at ${cost.pricePerMillion} per million units`
        : toBill.units === 0
          ? '0: nothing to bill'
          : `not priced (PROVIDER_PRICE_PER_MILLION=${estimate.provider}=PRICE gives one)`,
    ],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return `${lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
