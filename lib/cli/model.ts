/**
 * The model file written by `fit --weights` and read by `predict`: one JSON object (numbers written by
 * JSON.stringify round-trip exactly).
 *
 * ```json
 * { "format": "stepsearch-model", "version": 1, "loss": "logistic", "l2": 0.0017574692442882249,
 *   "bias": true, "numFeatures": 30, "classes": 2, "labels": [0, 1], "method": "lbfgs",
 *   "weights": [ ... ], "fun": 0.1038..., "status": "grad-tol", "trainedOn": "breast_cancer_wdbc.libsvm" }
 * ```
 * - `weights` has numFeatures (+1 with bias; the bias weight last) entries, K times as many for softmax,
 *   laid out feature-major: weights[j*K + k] is the weight of feature j for class k.
 * - `labels[k]` is the label, as written in the training file, of class k (logistic: the smaller label is
 *   class 0, spec §3.1; softmax: the k-th smallest label). null for least squares.
 */
import * as fs from 'node:fs';
import { LOSSES, type CliLoss } from './args';
import { CliError } from './errors';

/** Identifies a stepsearch model file. */
export const MODEL_FORMAT = 'stepsearch-model';
/** Current version of the model file layout. */
export const MODEL_VERSION = 1;

/** A fitted model as stored by `fit --weights`. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  loss: CliLoss;
  /** The L2 coefficient used in training. */
  l2: number;
  /** Whether a constant-1 column was appended (its weight is last). */
  bias: boolean;
  /** Feature columns of the training data, not counting the bias. */
  numFeatures: number;
  /** K for logistic (2) and softmax; null for least squares. */
  classes: number | null;
  /** Training-file label of each class; null for least squares. */
  labels: number[] | null;
  /** Optimization method that produced the weights. */
  method: string;
  /** Parameters, feature-major for softmax. */
  weights: number[];
  /** Final objective value. */
  fun: number;
  /** Why the run stopped. */
  status: string;
  /** Base name of the training file. */
  trainedOn: string;
}

/** Writes a model file (pretty-printed JSON). */
export function writeModel(file: string, model: ModelFile): void {
  fs.writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
}

/** Number of outputs per row: K for softmax, 1 otherwise. */
export function outputsOf(model: Pick<ModelFile, 'loss' | 'classes'>): number {
  return model.loss === 'softmax' ? model.classes! : 1;
}

/**
 * Reads and checks a model file.
 * @throws CliError (exit 1) naming the file and the field when it is not a valid model
 */
export function readModel(file: string): ModelFile {
  const text = fs.readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: not a model file (invalid JSON: ${(e as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new CliError(`${file}: not a valid stepsearch model: ${what}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) bad(`"format" must be "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION) bad(`unsupported "version" ${JSON.stringify(m.version)} (this stepsearch reads ${MODEL_VERSION})`);
  if (!(LOSSES as readonly unknown[]).includes(m.loss)) bad(`"loss" must be one of ${LOSSES.join(', ')}`);
  if (typeof m.bias !== 'boolean') bad('"bias" must be a boolean');
  if (!Number.isInteger(m.numFeatures) || (m.numFeatures as number) < 0) bad('"numFeatures" must be an integer >= 0');
  const loss = m.loss as CliLoss;
  if (loss === 'least-squares') {
    m.classes = null;
    m.labels = null;
  } else {
    if (!Number.isInteger(m.classes) || (m.classes as number) < 2) bad('"classes" must be an integer >= 2');
    if (loss === 'logistic' && m.classes !== 2) bad('"classes" must be 2 for logistic');
    const labels = m.labels;
    if (!Array.isArray(labels) || labels.length !== m.classes || !labels.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      bad('"labels" must list one finite number per class');
    }
  }
  const K = outputsOf(m as unknown as ModelFile);
  const dim = ((m.numFeatures as number) + (m.bias ? 1 : 0)) * K;
  const w = m.weights;
  if (!Array.isArray(w) || !w.every((v) => typeof v === 'number' && Number.isFinite(v))) bad('"weights" must be an array of finite numbers');
  if ((w as number[]).length !== dim) bad(`"weights" has ${(w as number[]).length} entries, expected ${dim} ((numFeatures + bias)·outputs)`);
  return m as unknown as ModelFile;
}
