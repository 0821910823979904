import type { BenchFigure } from './bench-figure.ts';

const TARGET_SIGN = { '<=': '≤', '>=': '≥', '==': '=' } as const;

function cells(f: BenchFigure): string[] {
  const target = f.target ? `${TARGET_SIGN[f.target.op]} ${f.target.ratio}` : '—';
  const verdict = f.pass === undefined ? '' : f.pass ? 'yes' : 'NO';
  return [f.title, `${f.value} ${f.unit}`, `${f.baseline} (${f.baselineLabel})`, f.ratio.toFixed(3), target, verdict, `\`${f.command}\``];
}

const HEADER = ['figure', 'ours', 'baseline (same run)', 'ratio', 'target', 'met', 'command'];

/** The figures as a Markdown table (what docs/benchmarks.md holds). */
export function markdownTable(figures: readonly BenchFigure[]): string {
  const rows = [HEADER, HEADER.map(() => '---'), ...figures.map(cells)];
  return rows.map((row) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}
