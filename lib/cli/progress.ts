/**
 * Progress and notes on stderr. A one-line bar, redrawn in place with `\r`, appears only when stderr is a
 * terminal, only after a run has lasted about a second, and never with `--json` or `--quiet`; notes (one-line
 * remarks) are printed unless `--quiet` or `--json`. Hand-written: one line needs no dependency.
 */
import type { IterationRecord } from '../result';

/** Delay before a bar appears (ms): short runs print nothing. */
const SHOW_AFTER_MS = 1000;
/** Minimum time between redraws (ms). */
const REDRAW_MS = 100;

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(4) : String(v);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Writes progress bars and notes to stderr according to the output flags. */
export class Reporter {
  private readonly bar: boolean;
  private drawn = false;

  /**
   * @param quiet no notes and no bar (`--quiet` or `--json`)
   * @param stream where to write (default process.stderr); the bar needs `isTTY`
   */
  constructor(private readonly quiet: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.bar = !quiet && stream.isTTY === true;
  }

  /** A one-line remark (e.g. a flag that has no effect). */
  note(message: string): void {
    if (this.quiet) return;
    this.clear();
    this.stream.write(`stepsearch: ${message}\n`);
  }

  private draw(text: string): void {
    const width = Math.max(20, (this.stream.columns || 80) - 1); // a pty may report 0 columns
    this.stream.write(`\r${text.length > width ? text.slice(0, width) : text}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar, if one is shown. */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  /** An `onProgress(bytesRead, totalBytes)` for the readers, or undefined when no bar is shown. */
  readingProgress(file: string): ((bytesRead: number, totalBytes: number) => void) | undefined {
    if (!this.bar) return undefined;
    const start = performance.now();
    let last = 0;
    return (read, total) => {
      const now = performance.now();
      if (now - start < SHOW_AFTER_MS || now - last < REDRAW_MS) return;
      last = now;
      const pct = total > 0 ? (100 * read) / total : 100;
      const rate = read / ((now - start) / 1000);
      this.draw(`reading ${file}: ${pct.toFixed(0)} % (${megabytes(read)} of ${megabytes(total)}, ${megabytes(rate)}/s)`);
    };
  }

  /**
   * A minimize `callback` that draws `label  iter N  f …  |g| …  R it/s`, or undefined when no bar is shown.
   * `extra` may return a further field (e.g. the relative suboptimality in `compare`).
   */
  iterationProgress(label: string, extra?: (r: IterationRecord) => string): ((r: IterationRecord) => void) | undefined {
    if (!this.bar) return undefined;
    let last = 0;
    return (r) => {
      if (r.elapsedMs < SHOW_AFTER_MS || r.elapsedMs - last < REDRAW_MS) return;
      last = r.elapsedMs;
      const rate = r.iter / (r.elapsedMs / 1000);
      const more = extra ? `  ${extra(r)}` : '';
      this.draw(`${label}  iter ${r.iter}  f ${fmt(r.fun)}  |g| ${fmt(r.gradNorm)}${more}  ${rate.toFixed(rate < 10 ? 1 : 0)} it/s`);
    };
  }
}
