import type { SenseAudioSimulator } from '../../test/simulators/senseaudio/server.ts';

/** When each simulator request ended (epoch ms), collected as they end. */
export function trackRequestEnds(simulator: SenseAudioSimulator, count: number): Map<number, number> {
  const ends = new Map<number, number>();
  for (let n = 1; n <= count; n += 1) void simulator.whenFinished(n).then((record) => ends.set(record.number, Date.now()));
  return ends;
}

export interface RequestStats {
  requests: number;
  /** Arrival to end, as the simulator saw it. */
  meanRequestMs: number;
  /** Most requests open at the same moment. */
  maxInFlight: number;
  /** Time-weighted mean of requests open, from the first arrival to the last end. */
  meanInFlight: number;
  firstArrivalMs: number;
  lastEndMs: number;
}

/** Request durations and concurrency as the provider saw them; `since` is the epoch ms all times are relative to. */
export function requestStats(simulator: SenseAudioSimulator, ends: ReadonlyMap<number, number>, since: number): RequestStats {
  const spans = simulator.requests.flatMap((record) => {
    const end = ends.get(record.number);
    return end === undefined ? [] : [{ start: record.at, end }];
  });
  const edges = spans.flatMap((span) => [
    { at: span.start, step: 1 },
    { at: span.end, step: -1 },
  ]);
  // An end and a start at the same millisecond do not overlap.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let maxInFlight = 0;
  let weighted = 0;
  let last = edges[0]?.at ?? 0;
  for (const edge of edges) {
    weighted += open * (edge.at - last);
    last = edge.at;
    open += edge.step;
    maxInFlight = Math.max(maxInFlight, open);
  }
  const first = Math.min(...spans.map((span) => span.start));
  const lastEnd = Math.max(...spans.map((span) => span.end));
  const total = spans.reduce((sum, span) => sum + (span.end - span.start), 0);
  return {
    requests: spans.length,
    meanRequestMs: spans.length === 0 ? 0 : total / spans.length,
    maxInFlight,
    meanInFlight: lastEnd > first ? weighted / (lastEnd - first) : 0,
    firstArrivalMs: first - since,
    lastEndMs: lastEnd - since,
  };
}
