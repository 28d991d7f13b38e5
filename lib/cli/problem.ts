/**
 * From a data file and the problem flags to an objective: reading (LIBSVM or CSV, with reading progress),
 * mapping labels to what the loss needs, building the objective, and the fit metrics (accuracy, R², RMSE).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataMatrix } from '../data';
import { readCsv } from '../io/csv';
import { readLibsvm } from '../io/libsvm';
import { leastSquares, logistic, softmax } from '../objectives/factories';
import type { Objective } from '../objectives/objective';
import { nativeAvailable } from '../native';
import { setThreads } from '../threads';
import type { CliLoss, DataFlags, ProblemFlags } from './args';
import { CliError, UsageError } from './errors';
import { Reporter } from './progress';

/** A data file read into memory. */
export interface LoadedData {
  X: DataMatrix;
  /** Labels as written in the file (undefined for an unlabelled CSV). */
  y: Float64Array | undefined;
  /** Feature columns, not counting the bias column. */
  numFeatures: number;
  /** The format the file was read as. */
  format: 'libsvm' | 'csv';
}

/**
 * The file's format: `--format` if given, else by extension (.csv/.tsv → CSV; .libsvm/.svm/.txt → LIBSVM),
 * else by content: a first data line with `index:value` tokens is LIBSVM, one with a comma is CSV.
 */
export function detectFormat(file: string, flags: DataFlags): 'libsvm' | 'csv' {
  if (flags.format) return flags.format;
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.libsvm' || ext === '.svm' || ext === '.txt') return 'libsvm';
  const fd = fs.openSync(file, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(64 * 1024);
    head = buf.toString('utf8', 0, fs.readSync(fd, buf, 0, buf.length, 0));
  } finally {
    fs.closeSync(fd);
  }
  const line = head.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';
  if (/(^|\s)\d+:\S/.test(line)) return 'libsvm';
  if (line.includes(',') || line.includes('\t') || line.includes(';')) return 'csv';
  throw new UsageError(`${file}: cannot tell the format from the name or the content; pass --format libsvm or --format csv`);
}

/** Parses `--label-column`: an integer index or a header name. */
function labelColumn(flag: string | undefined): number | string {
  if (flag === undefined) return 0;
  return /^-?\d+$/.test(flag.trim()) ? Number(flag.trim()) : flag;
}

/**
 * Reads a LIBSVM or CSV file (see {@link detectFormat}). Reading progress goes to the reporter for files
 * larger than 16 MB. `numFeatures` fixes the width (a test file read for a model). `labels: 'auto'` reads a
 * CSV without a label column when it has exactly `numFeatures` columns.
 */
export async function loadData(
  file: string, flags: DataFlags, reporter: Reporter,
  fixed: { numFeatures?: number; bias?: boolean; labels?: 'required' | 'auto' } = {},
): Promise<LoadedData> {
  const format = detectFormat(file, flags);
  const bias = fixed.bias ?? flags.bias ?? false;
  const size = fs.statSync(file).size;
  const onProgress = size > 16 * 1024 * 1024 ? reporter.readingProgress(file) : undefined;
  try {
    if (format === 'libsvm') {
      const d = await readLibsvm(file, { bias, numFeatures: fixed.numFeatures, ...(onProgress ? { onProgress } : {}) });
      return { X: d.X, y: d.y, numFeatures: d.numFeatures, format };
    }
    const delimiter = flags.delimiter ?? (path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',');
    const base = { bias, delimiter, ...(flags.header === undefined ? {} : { header: flags.header }), ...(onProgress ? { onProgress } : {}) };
    let d = await readCsv(file, { ...base, label: labelColumn(flags.labelColumn) }) as { X: DataMatrix; y: Float64Array | undefined; numFeatures: number };
    if (fixed.numFeatures !== undefined && d.numFeatures !== fixed.numFeatures) {
      if (fixed.labels === 'auto' && d.numFeatures + 1 === fixed.numFeatures) {
        d = await readCsv(file, { ...base, label: null });
      } else {
        throw new UsageError(`${file}: has ${d.numFeatures} feature columns besides the label, the model expects ${fixed.numFeatures}`);
      }
    }
    return { X: d.X, y: d.y, numFeatures: d.numFeatures, format };
  } finally {
    reporter.clear();
  }
}

/** How the file's labels map to the loss's targets. */
export interface LabelMap {
  /** The targets handed to the objective (0/1 for logistic, 0..K−1 for softmax, the values for least squares). */
  targets: Float64Array;
  /** Classes K (2 for logistic), undefined for least squares. */
  classes?: number;
  /** The file's label of each class (`labels[k]` is class k), undefined for least squares. */
  labels?: number[];
}

function distinctSorted(y: Float64Array): number[] {
  return [...new Set(y)].sort((a, b) => a - b);
}

/**
 * Maps the labels for the loss:
 * - logistic: exactly two distinct values; the smaller becomes 0 and the larger 1 (spec §3.1), so 0/1, ±1 and
 *   e.g. 2/4 all work;
 * - softmax: integer labels; K = the number of distinct values; labels already 0..K−1 are kept, any other
 *   set of integers is remapped in increasing order (class k = the k-th smallest label); more than 100
 *   distinct labels with fewer than 5 rows per label on average are refused as a likely regression target;
 * - least squares: the values as they are.
 * @throws UsageError when the labels do not fit the loss
 */
export function mapLabels(loss: CliLoss, y: Float64Array, file: string): LabelMap {
  if (loss === 'least-squares') return { targets: y };
  const values = distinctSorted(y);
  const shown = values.length > 6 ? `${values.slice(0, 6).join(', ')}, ...` : values.join(', ');
  if (loss === 'logistic') {
    if (values.length !== 2) {
      const hint = values.length > 2 ? (values.every(Number.isInteger) ? '; use --loss softmax for more than two classes' : '; use --loss least-squares for real-valued targets') : '';
      throw new UsageError(`${file}: logistic needs exactly 2 distinct labels, found ${values.length} (${shown})${hint}`);
    }
    const [lo] = values;
    return { targets: y.map((v) => (v === lo ? 0 : 1)), classes: 2, labels: values };
  }
  if (!values.every(Number.isInteger)) {
    throw new UsageError(`${file}: softmax needs integer class labels, found ${values.length} distinct values (${shown}); use --loss least-squares for real-valued targets`);
  }
  if (values.length < 2) throw new UsageError(`${file}: softmax needs at least 2 classes, found ${values.length} (${shown})`);
  // Many distinct integers relative to the rows are almost surely a regression target (e.g. diabetes: 214
  // values in 442 rows), not classes: refuse rather than fit hundreds of near-empty classes.
  if (values.length > 100 && values.length * 5 > y.length) {
    throw new UsageError(`${file}: softmax: ${values.length} distinct labels in ${y.length} rows look like real-valued targets; use --loss least-squares`);
  }
  const index = new Map(values.map((v, k) => [v, k]));
  return { targets: y.map((v) => index.get(v)!), classes: values.length, labels: values };
}

/** The objective for a loaded data set: default l2 = 1/n (one pseudo-observation, spec §3.2). */
export function buildObjective(data: LoadedData, flags: ProblemFlags, labels: LabelMap, reporter: Reporter): { objective: Objective; l2: number } {
  if (flags.threads !== undefined) {
    if (flags.backend !== 'js' && nativeAvailable()) setThreads(flags.threads);
    else reporter.note('--threads has no effect: the js backend is single-threaded');
  }
  const l2 = flags.l2 ?? 1 / data.X.rows;
  const common = { l2, ...(flags.backend ? { backend: flags.backend } : {}) };
  try {
    if (flags.loss === 'logistic') return { objective: logistic(data.X, labels.targets, common), l2 };
    if (flags.loss === 'softmax') return { objective: softmax(data.X, labels.targets, { ...common, classes: labels.classes! }), l2 };
    return { objective: leastSquares(data.X, labels.targets, common), l2 };
  } catch (e) {
    // The loader's error when --backend native cannot load: a runtime failure, reported in one line.
    throw new CliError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Scores s = X·W of every row: one per row (K = 1) or K per row for softmax, with W feature-major
 * (w[j*K + k]). Returns n·K values, row-major.
 */
export function scores(X: DataMatrix, w: Float64Array | readonly number[], K: number): Float64Array {
  const n = X.rows;
  const out = new Float64Array(n * K);
  if (X.kind === 'dense') {
    const d = X.cols;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const x = X.data[i * d + j];
        if (x === 0) continue;
        for (let k = 0; k < K; k++) out[i * K + k] += x * w[j * K + k];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      for (let p = X.indptr[i]; p < X.indptr[i + 1]; p++) {
        const j = X.indices[p];
        const x = X.values[p];
        for (let k = 0; k < K; k++) out[i * K + k] += x * w[j * K + k];
      }
    }
  }
  return out;
}

/** Predictions from scores: class indices (logistic, softmax) or values (least squares), plus probabilities. */
export interface Predictions {
  /** Class index (0..K−1) per row for classification; the predicted value for least squares. */
  predicted: Float64Array;
  /** Class probabilities, K per row (row-major), for classification. */
  probabilities?: Float64Array;
}

/** Turns scores into predictions for `loss` (logistic: P(class 1) = σ(s); softmax: normalized exp). */
export function predict(loss: CliLoss, s: Float64Array, K: number): Predictions {
  if (loss === 'least-squares') return { predicted: s };
  const n = s.length / (loss === 'logistic' ? 1 : K);
  const predicted = new Float64Array(n);
  const probabilities = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    if (loss === 'logistic') {
      const p1 = 1 / (1 + Math.exp(-s[i]));
      probabilities[2 * i] = 1 - p1;
      probabilities[2 * i + 1] = p1;
      predicted[i] = s[i] > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < K; k++) if (s[i * K + k] > s[i * K + best]) best = k;
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(s[i * K + k] - s[i * K + best]);
    for (let k = 0; k < K; k++) probabilities[i * K + k] = Math.exp(s[i * K + k] - s[i * K + best]) / z;
    predicted[i] = best;
  }
  return { predicted, probabilities };
}

/** Quality of a fit: accuracy for classification; R² and RMSE for regression. */
export interface Metrics {
  accuracy?: number;
  r2?: number;
  rmse?: number;
}

/** Accuracy of class predictions against class targets, or R²/RMSE of values against targets. */
export function metrics(loss: CliLoss, predicted: Float64Array, targets: Float64Array): Metrics {
  const n = targets.length;
  if (loss !== 'least-squares') {
    let right = 0;
    for (let i = 0; i < n; i++) if (predicted[i] === targets[i]) right++;
    return { accuracy: right / n };
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i];
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (targets[i] - predicted[i]) ** 2;
    tot += (targets[i] - mean) ** 2;
  }
  return { r2: tot > 0 ? 1 - res / tot : NaN, rmse: Math.sqrt(res / n) };
}

/** One line describing metrics, e.g. `training accuracy: 95.61 %`. */
export function describeMetrics(m: Metrics, prefix: string): string {
  if (m.accuracy !== undefined) return `${prefix} accuracy: ${(100 * m.accuracy).toFixed(2)} %`;
  return `${prefix} R²: ${m.r2!.toFixed(6)}   RMSE: ${m.rmse!.toPrecision(6)}`;
}
