/**
 * `stepsearch info FILE`: what a data file holds: rows, features, stored entries and density, a label summary
 * (with the loss it suits) and the spread of column scales (min and max over columns of max|x_ij|, and their
 * ratio: a large ratio is a badly scaled problem, where per-coordinate step sizes help).
 */
import { Command } from 'commander';
import type { DataMatrix } from '../data';
import { addDataOptions, addOutputOptions, type DataFlags, type OutputFlags } from './args';
import { loadData } from './problem';
import { Reporter } from './progress';

/** Flags of `info`. */
export type InfoFlags = DataFlags & OutputFlags;

/** Largest |x_ij| of each column, and the number of stored entries. */
export function columnMaxAbs(X: DataMatrix): { maxAbs: Float64Array; stored: number } {
  const maxAbs = new Float64Array(X.cols);
  if (X.kind === 'dense') {
    let stored = 0;
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < X.cols; j++) {
        const a = Math.abs(X.data[i * X.cols + j]);
        if (a !== 0) stored++;
        if (a > maxAbs[j]) maxAbs[j] = a;
      }
    }
    return { maxAbs, stored };
  }
  for (let p = 0; p < X.values.length; p++) {
    const a = Math.abs(X.values[p]);
    if (a > maxAbs[X.indices[p]]) maxAbs[X.indices[p]] = a;
  }
  return { maxAbs, stored: X.values.length };
}

/** Summary of the labels: counts per value when there are few distinct values, else range and moments. */
function labelSummary(y: Float64Array): Record<string, unknown> {
  const counts = new Map<number, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  let sq = 0;
  for (const v of y) sq += (v - mean) ** 2;
  const integer = distinct.every(Number.isInteger);
  const suggested = distinct.length === 2 ? 'logistic' : integer && distinct.length <= 100 && distinct.length > 2 ? 'softmax' : 'least-squares';
  return {
    distinct: distinct.length,
    min: distinct[0],
    max: distinct[distinct.length - 1],
    mean,
    std: Math.sqrt(sq / y.length),
    ...(distinct.length <= 20 ? { counts: Object.fromEntries(distinct.map((v) => [String(v), counts.get(v)])) } : {}),
    suggestedLoss: suggested,
  };
}

async function runInfo(file: string, flags: InfoFlags): Promise<void> {
  const reporter = new Reporter(!!(flags.quiet || flags.json));
  const data = await loadData(file, { ...flags, bias: false }, reporter, { labels: 'auto' });
  const { X } = data;
  const { maxAbs, stored } = columnMaxAbs(X);
  // Loops, not Math.min(...): sparse data can have millions of columns.
  let minScale = Infinity;
  let maxScale = 0;
  let zeroColumns = 0;
  for (const a of maxAbs) {
    if (a === 0) zeroColumns++;
    else {
      if (a < minScale) minScale = a;
      if (a > maxScale) maxScale = a;
    }
  }
  if (minScale === Infinity) minScale = 0;
  const info = {
    file, format: data.format, storage: X.kind, rows: X.rows, features: data.numFeatures, stored,
    density: stored / (X.rows * X.cols),
    labels: data.y ? labelSummary(data.y) : null,
    columnScale: {
      minMaxAbs: minScale, maxMaxAbs: maxScale, ratio: minScale > 0 ? maxScale / minScale : null,
      zeroColumns,
    },
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const g = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));
  const lines = [
    `file:      ${file} (${data.format}, read as ${X.kind === 'dense' ? 'dense' : 'sparse CSR'})`,
    `rows:      ${X.rows}`,
    `features:  ${data.numFeatures}`,
    `stored:    ${stored} nonzeros, density ${(100 * info.density).toFixed(2)} %`,
  ];
  const l = info.labels as Record<string, number | string | Record<string, number>> | null;
  if (l) {
    const counts = l.counts as Record<string, number> | undefined;
    // Sorted numerically: an object lists integer-like keys ("1") before others ("-1").
    const detail = counts
      ? Object.entries(counts).sort((a, b) => Number(a[0]) - Number(b[0])).map(([v, c]) => `${v}: ${c}`).join(', ')
      : `range [${g(l.min as number)}, ${g(l.max as number)}], mean ${g(l.mean as number)}, std ${g(l.std as number)}`;
    lines.push(`labels:    ${l.distinct} distinct (${detail}); suggested --loss ${l.suggestedLoss}`);
  } else {
    lines.push('labels:    none');
  }
  lines.push(
    `scales:    column max|x| from ${g(minScale)} to ${g(maxScale)}` +
      (info.columnScale.ratio !== null ? ` (ratio ${info.columnScale.ratio.toPrecision(3)})` : '') +
      (info.columnScale.zeroColumns ? `; ${info.columnScale.zeroColumns} all-zero column(s)` : ''),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The `info` command. */
export function infoCommand(): Command {
  const cmd = new Command('info')
    .description('describe a data file: size, density, labels, column scales')
    .argument('<file>', 'data (LIBSVM or CSV)');
  addDataOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action((file: string, flags: InfoFlags) => runInfo(file, flags));
}
