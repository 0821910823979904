/**
 * One benchmark figure: what we measured, the baseline measured in the same run, and their
 * ratio. `ratio` is always ours ÷ baseline in the unit given, so its meaning never flips:
 * `better` says which direction is good, and `target` (when there is one) bounds it.
 */
export interface BenchFigure {
  /** Stable id, e.g. `pipeline.efficiency.1x16`. */
  id: string;
  title: string;
  value: number;
  unit: string;
  baseline: number;
  baselineLabel: string;
  ratio: number;
  better: 'lower' | 'higher' | 'exact';
  /** e.g. `≤ 1.10`; absent when the brief sets none. */
  target?: { op: '<=' | '>=' | '=='; ratio: number };
  /** Whether the ratio meets the target; absent without a target. */
  pass?: boolean;
  /** The command that produced this figure. */
  command: string;
  /** Everything else measured on the way, for the JSON file. */
  details: Record<string, unknown>;
}

export interface BenchOptions {
  /** Small sizes for a fast run (development, a busy machine). */
  quick: boolean;
  redisUrl: string;
  /** Progress lines (stderr); the figures are printed by run.ts. */
  log: (line: string) => void;
}

/** A benchmark module: runs, cleans up everything it made, and returns its figures. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchFigure[]>;
}

export function meetsTarget(ratio: number, target: BenchFigure['target']): boolean | undefined {
  if (target === undefined) return undefined;
  switch (target.op) {
    case '<=':
      return ratio <= target.ratio;
    case '>=':
      return ratio >= target.ratio;
    case '==':
      return ratio === target.ratio;
  }
}

/**
 * Builds a figure, computing the ratio and whether it meets the target. `check` is a further
 * condition the ratio cannot express (which segments were billed, say); it must hold too.
 */
export function figure(fields: Omit<BenchFigure, 'ratio' | 'pass'> & { check?: boolean }): BenchFigure {
  const { check, ...rest } = fields;
  const ratio = round(fields.baseline === 0 ? (fields.value === 0 ? 1 : Number.POSITIVE_INFINITY) : fields.value / fields.baseline, 4);
  const meets = meetsTarget(ratio, fields.target);
  const pass = meets === undefined ? check : meets && check !== false;
  return { ...rest, ratio, ...(pass === undefined ? {} : { pass }) };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The command line that reruns one benchmark, as printed next to its figures. */
export function benchCommand(name: string, quick: boolean): string {
  return `npm run bench -- --only ${name}${quick ? ' --quick' : ''}`;
}
