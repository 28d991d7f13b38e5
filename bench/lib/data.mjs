// Seeded synthetic problems shared by every table, and their export to files the Python tools read.
//
// Every problem is L2 logistic regression as the issue fixes it: a bias column of ones appended last (spec §3.1)
// and regularized with the rest, labels 0/1, l2 = 1/n (spec §3.2: one pseudo-observation; liblinear's C = 1,
// scikit-learn's C = 1), w₀ = 0. Labels are drawn from a planted model, y ~ Bernoulli(σ(x·w*)), so the
// optimum is finite and the problem is not separable.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gaussian, lib, rng } from './common.mjs';

function sigmoid(t) {
  return 1 / (1 + Math.exp(-t));
}

/**
 * Dense n × (d+1): feature j is s_j·N(0,1) with s_j = 10^(lo + (hi−lo)·j/(d−1)) (a spread of column scales, as in
 * raw, unscaled data; lo = hi = 0 gives unit scales), then the bias column. Planted w*_j = 3·N(0,1)/(s_j·√d),
 * so x·w* ~ N(0, 9): every feature matters whatever its scale.
 */
export function denseLogistic({ n, d, seed = 1, logScaleLo = -1, logScaleHi = 1 }) {
  const rand = rng(seed);
  const cols = d + 1;
  const data = new Float64Array(n * cols);
  const scale = Float64Array.from({ length: d }, (_, j) => 10 ** (logScaleLo + ((logScaleHi - logScaleLo) * j) / Math.max(1, d - 1)));
  const w = Float64Array.from({ length: d }, (_, j) => (3 * gaussian(rand)) / (scale[j] * Math.sqrt(d)));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    const row = i * cols;
    for (let j = 0; j < d; j++) {
      const v = scale[j] * gaussian(rand);
      data[row + j] = v;
      z += v * w[j];
    }
    data[row + d] = 1;
    y[i] = rand() < sigmoid(z + 0.5) ? 1 : 0;
  }
  return {
    X: new lib.DenseMatrix(data, n, cols), y, l2: 1 / n,
    spec: { generator: 'denseLogistic', n, d, seed, columnScales: `10^[${logScaleLo}, ${logScaleHi}]`, bias: 'appended, regularized', l2: '1/n' },
  };
}

/**
 * CSR n × (d+1) with ~nnzPerRow entries per row: columns drawn with Zipf(1) frequencies (as bench/kernels.mjs,
 * like words in text), positive values U(0,1] scaled to unit row norm (tf-idf style, like rcv1/news20), then
 * the bias entry 1 at column d. Planted w*_j = 3·N(0,1): with unit-norm rows, x·w* ~ N(0, 9).
 */
export function csrLogistic({ n, d, nnzPerRow, seed = 2 }) {
  const rand = rng(seed);
  const logD = Math.log(d + 1);
  const cap = n * (nnzPerRow + 1);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(cap);
  const values = new Float64Array(cap);
  const w = Float64Array.from({ length: d }, () => 3 * gaussian(rand));
  const y = new Float64Array(n);
  const row = new Int32Array(nnzPerRow);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    // Zipf(1): P(j) ∝ 1/(j+1), by inverting the continuous CDF log(j+1)/log(d+1).
    for (let k = 0; k < nnzPerRow; k++) row[k] = Math.min(d - 1, Math.floor(Math.exp(rand() * logD)) - 1);
    row.sort();
    const start = nnz;
    let norm2 = 0;
    for (let k = 0; k < nnzPerRow; k++) {
      if (k > 0 && row[k] === row[k - 1]) continue;
      indices[nnz] = row[k];
      const v = 1 - rand();
      values[nnz] = v;
      norm2 += v * v;
      nnz++;
    }
    const inv = 1 / Math.sqrt(norm2);
    let z = 0;
    for (let k = start; k < nnz; k++) {
      values[k] *= inv;
      z += values[k] * w[indices[k]];
    }
    indices[nnz] = d;
    values[nnz] = 1;
    nnz++;
    indptr[i + 1] = nnz;
    y[i] = rand() < sigmoid(z) ? 1 : 0;
  }
  return {
    X: new lib.CsrMatrix(n, d + 1, indptr, indices.slice(0, nnz), values.slice(0, nnz)), y, l2: 1 / n, nnz,
    spec: { generator: 'csrLogistic', n, d, nnzPerRow, seed, columns: 'Zipf(1)', rows: 'unit norm', bias: 'appended, regularized', l2: '1/n' },
  };
}

/**
 * The optimizer-core issue's badly scaled problem ("feature scales span 15+ orders of magnitude with d > n"):
 * dense, column scales 10^(−10 … +10) (20 orders). Curvatures of the coordinates then span ~40 orders: a
 * method without per-coordinate scaling crawls. (At 16 orders scikit-learn's newton-cg still reached 1e-6
 * within the 10 s budget, in 3117 iterations; at 20 it needs ~68 000 iterations, ~5 minutes on this machine,
 * and sits at a relative gap of 0.15 after 10 s.)
 */
export function badlyScaledLogistic({ n = 200, d = 400, seed = 7 } = {}) {
  return { ...denseLogistic({ n, d, seed, logScaleLo: -10, logScaleHi: 10 }), scaleOrders: 20 };
}

/** The bundled real data set (examples/data: breast cancer, 569 × 30, raw features), bias column appended. */
export function breastCancerLogistic() {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'examples', 'data', 'breast_cancer_wdbc.libsvm');
  const { X, y } = lib.readLibsvmSync(file, { bias: true, format: 'dense' });
  return { X, y, l2: 1 / X.rows, spec: { generator: 'bundled', file: 'examples/data/breast_cancer_wdbc.libsvm', bias: 'appended, regularized', l2: '1/n' } };
}

/** Labels in {0,1} as a plain copy (for tools that want ±1 or integers). */
export function labelsPlusMinus(y) {
  return Float64Array.from(y, (v) => (v === 1 ? 1 : -1));
}

// ---------------------------------------------------------------------------------------------------------
// Files for the Python tools: raw little-endian arrays plus meta.json (numpy.fromfile reads them directly).

/** A fresh temporary folder for one benchmark run's exchange files. */
export function exchangeDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-bench-'));
}

/** Writes X (dense or CSR) and y under dir/name/; returns the folder. */
export function writeProblem(dir, name, problem, extraMeta = {}) {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  const { X, y } = problem;
  const put = (file, arr) => fs.writeFileSync(path.join(folder, file), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
  if (X.kind === 'dense') put('X.f64', X.data);
  else {
    put('indptr.i32', X.indptr);
    put('indices.i32', X.indices);
    put('values.f64', X.values);
  }
  put('y.f64', y);
  const meta = { name, kind: X.kind, rows: X.rows, cols: X.cols, l2: problem.l2, ...extraMeta };
  fs.writeFileSync(path.join(folder, 'meta.json'), JSON.stringify(meta, null, 1));
  return folder;
}
