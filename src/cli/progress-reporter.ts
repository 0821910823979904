import type { Progress } from '../render/render-status.ts';

function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return ` · ETA ${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

export function formatProgress(status: string, p: Progress): string {
  const cached = p.cachedSegments > 0 ? ` (${p.cachedSegments} cached)` : '';
  return `${status}: segments ${p.segmentsDone}/${p.segmentsTotal}${cached} · characters ${p.charsDone}/${p.charsTotal}${formatEta(p.etaSeconds)}`;
}

/**
 * Writes progress to stderr: one rewritten line on a terminal, a line per change (at most one
 * every few seconds) when stderr is a file or a pipe, so logs stay readable.
 */
export class ProgressReporter {
  readonly #stream: NodeJS.WriteStream;
  readonly #interactive: boolean;
  #last = '';
  #lastAt = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#interactive = Boolean(stream.isTTY);
  }

  update(line: string, force = false): void {
    if (line === this.#last) return;
    const now = Date.now();
    if (this.#interactive) {
      this.#stream.write(`\r\x1b[2K${line}`);
    } else if (force || now - this.#lastAt >= 3000) {
      this.#stream.write(`${line}\n`);
      this.#lastAt = now;
    } else {
      return;
    }
    this.#last = line;
  }

  done(line: string): void {
    this.#stream.write(this.#interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}
