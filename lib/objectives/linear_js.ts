/**
 * The pure-TypeScript twin of the built-in linear objectives (logistic, least squares, softmax) over dense
 * and CSR data (design.md §3, spec §3.2, team rules "Objective definitions"). It mirrors
 * native/core/{stable_math,linear_model_common,linear_model,data_matrix,dense_kernels}.hpp line for line:
 * the objectives round exactly as the native ones wherever the native pass runs on one thread (the same
 * dot-product lanes, the native exp/log polynomials of loss_math.ts, the native LaneSum grouping of the loss
 * sums).
 *
 *   f(w) = (1/m) Σ_{i∈rows} ℓ(z_i, y_i) + (l2/2)‖w‖²,   z_i = x_i·w (K scores per row for softmax)
 *
 * - Every kernel is one fused pass over the selected rows (margin, loss, slope, update while the row is hot).
 * - Margins z of the last point are kept and reused only for a bit-identical point (design.md §4: keyed on
 *   the point, never on call order). A miss copies x first and kernels read the copy, so an output array may
 *   alias the caller's x, as in the native PointCache.
 * - Loss sums are compensated (double-double) and the mean is corrected, as native CompensatedSum: for
 *   logistic regression f(0) = log 2 exactly.
 * - A point, direction or step with a NaN/±Infinity entry evaluates to NaN (f = NaN, NaN-filled outputs)
 *   instead of throwing, as the native wrapper does, so a method meeting an overflowing trial point can
 *   reject it (spec §0 NaN/Inf policy).
 * - Scratch is preallocated in the constructor: no call allocates memory proportional to n (along() does:
 *   each line owns its z and X·d, as a native LinearLine does).
 */
import type { DataMatrix } from '../data';
import { checkFloat64Array, checkNumber, isAllFinite, toRowIndices } from '../errors';
import { CompensatedSum, LaneSum } from './compensated_sum';
import {
  expNonpositive,
  logAtLeastOne,
  logisticLoss,
  logisticLossAndSlope,
  sigmoidCurvature,
  signedLogisticLoss,
  signedLogisticLossAndSlope,
  slopeOut,
} from './loss_math';
import type { Backend, LineFunction, Objective } from './objective';

/** The built-in losses: names shared with the native backend and the CLI. */
export type LinearLoss = 'logistic' | 'least-squares' | 'softmax';

// ---------------------------------------------------------------------------------------------------------
// Softmax pieces (spec §3.2), mirroring native/core/stable_math.hpp (exp and log: loss_math.ts).

/** Stable log Σ_k e^{s[off+k]} for k < K (subtract the max; spec §3.2 for softmax). */
export function logSumExp(s: Float64Array, off: number, K: number): number {
  let m = s[off];
  for (let k = 1; k < K; k++) if (s[off + k] > m) m = s[off + k];
  let acc = 0;
  for (let k = 0; k < K; k++) acc += expNonpositive(s[off + k] - m);
  return m + logAtLeastOne(acc); // acc ≥ 1: the max term is e^0
}

/**
 * p = softmax(s[off..off+K)) and returns log Σ_k e^{s_k} (stable: the max is subtracted; native
 * softmax_and_lse).
 */
export function softmaxAndLse(s: Float64Array, off: number, K: number, p: Float64Array): number {
  let m = s[off];
  for (let k = 1; k < K; k++) if (s[off + k] > m) m = s[off + k];
  let acc = 0;
  for (let k = 0; k < K; k++) acc += p[k] = expNonpositive(s[off + k] - m);
  const inv = 1 / acc;
  for (let k = 0; k < K; k++) p[k] *= inv;
  return m + logAtLeastOne(acc);
}

// ---------------------------------------------------------------------------------------------------------
// Row kernels (native data_matrix.hpp / dense_kernels.cpp). Dense rows start at `off` in row-major data.

/** Σ_j a[off+j]·b[j], j < n, in 8 lanes combined pairwise (native dense_dot: same rounding). */
function denseDot(a: Float64Array, off: number, b: Float64Array, n: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = off + j;
    a0 += a[o] * b[j];
    a1 += a[o + 1] * b[j + 1];
    a2 += a[o + 2] * b[j + 2];
    a3 += a[o + 3] * b[j + 3];
    a4 += a[o + 4] * b[j + 4];
    a5 += a[o + 5] * b[j + 5];
    a6 += a[o + 6] * b[j + 6];
    a7 += a[o + 7] * b[j + 7];
  }
  let s = a0 + a4 + (a2 + a6) + (a1 + a5 + (a3 + a7));
  for (; j < n; j++) s += a[off + j] * b[j];
  return s;
}

/**
 * Σ_p values[p]·w[indices[p]] over row i in 8 lanes (lane k: entries p − start ≡ k mod 8, the tail included),
 * combined as denseDot combines them (native sparse_dot: same rounding).
 */
function csrDot(indptr: Int32Array, indices: Int32Array, values: Float64Array, i: number, w: Float64Array): number {
  const e = indptr[i + 1];
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let p = indptr[i];
  for (; p + 8 <= e; p += 8) {
    a0 += values[p] * w[indices[p]];
    a1 += values[p + 1] * w[indices[p + 1]];
    a2 += values[p + 2] * w[indices[p + 2]];
    a3 += values[p + 3] * w[indices[p + 3]];
    a4 += values[p + 4] * w[indices[p + 4]];
    a5 += values[p + 5] * w[indices[p + 5]];
    a6 += values[p + 6] * w[indices[p + 6]];
    a7 += values[p + 7] * w[indices[p + 7]];
  }
  const left = e - p;
  if (left > 0) a0 += values[p] * w[indices[p]];
  if (left > 1) a1 += values[p + 1] * w[indices[p + 1]];
  if (left > 2) a2 += values[p + 2] * w[indices[p + 2]];
  if (left > 3) a3 += values[p + 3] * w[indices[p + 3]];
  if (left > 4) a4 += values[p + 4] * w[indices[p + 4]];
  if (left > 5) a5 += values[p + 5] * w[indices[p + 5]];
  if (left > 6) a6 += values[p + 6] * w[indices[p + 6]];
  return a0 + a4 + (a2 + a6) + (a1 + a5 + (a3 + a7));
}

/** Sum of the elements a[j] * b[j] (plain loop: native dot in linear_model_common.hpp). */
function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[j] * b[j];
  return s;
}

/** True when a and b hold the same bits (Object.is: -0 ≠ 0, NaN = NaN), the cache key of design.md §4. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  const n = a.length;
  for (let j = 0; j < n; j++) if (!Object.is(a[j], b[j])) return false;
  return true;
}

/** out[j] = out[j]/m + l2·w[j] (native finish_average). */
function finishAverage(out: Float64Array, n: number, m: number, l2: number, w: Float64Array): void {
  for (let j = 0; j < n; j++) out[j] = out[j] / m + l2 * w[j];
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Built-in linear objective, TypeScript backend (`backend: 'js'`). Construct it through the public factories
 * (`logistic`, `leastSquares`, `softmax`), which validate every argument; this constructor trusts them.
 *
 * Targets `y` are the kernel labels: b ∈ {0, 1} for logistic, real targets for least squares, class indices
 * 0..K−1 (as doubles) for softmax. Softmax parameters are feature-major: w[j*K + k] (feature j, class k).
 * X and y are held by reference and must not be modified while the objective is used (design.md §4).
 */
export class LinearObjectiveJs implements Objective {
  /** Number of parameters: X.cols (K·X.cols for softmax). */
  readonly dim: number;
  /** Rows averaged over: X.rows, or the batch size of a mini-batch view. */
  readonly numSamples: number;
  /** Always 'js'. */
  readonly backend: Backend = 'js';
  /** Outputs per row: the class count for softmax, 1 otherwise. */
  readonly classes: number;

  private readonly isDense: boolean;
  private readonly isLogistic: boolean;
  private readonly isSoftmax: boolean;
  private readonly cols: number;
  private readonly data: Float64Array;
  private readonly indptr: Int32Array;
  private readonly indices: Int32Array;
  private readonly values: Float64Array;
  /** Selected rows (indices into the full data); the identity for the full objective. */
  private readonly rows: Int32Array;
  /** Margins (K per row) at cachedX, valid when cacheValid. */
  private readonly z: Float64Array;
  private readonly cachedX: Float64Array;
  private cacheValid = false;
  /** Scratch: a copy of v when hessVec's out aliases it; K-vectors for softmax. */
  private readonly vCopy: Float64Array;
  private readonly sK: Float64Array;
  private readonly tK: Float64Array;
  private readonly sum = new CompensatedSum();
  private readonly lanes = new LaneSum();
  /** Rows per loss group: native LinearModel sums each chunk of short rows in its own LaneSum, long rows
   * (≥ 128 stored entries on average) one by one; value and valueAndGradient repeat that grouping. */
  private readonly chunkRows: number;
  private readonly longRows: boolean;

  /**
   * @param loss which loss
   * @param X data (validated)
   * @param y kernel targets, length X.rows (validated and mapped, see the class comment)
   * @param l2 L2 coefficient ≥ 0
   * @param classes K for softmax (≥ 2), 1 otherwise
   * @param rows mini-batch rows (validated indices into X), or undefined for all rows
   */
  constructor(
    readonly loss: LinearLoss,
    readonly X: DataMatrix,
    readonly y: Float64Array,
    readonly l2: number,
    classes: number,
    rows?: Int32Array,
  ) {
    this.classes = loss === 'softmax' ? classes : 1;
    this.isSoftmax = loss === 'softmax';
    this.isLogistic = loss === 'logistic';
    this.isDense = X.kind === 'dense';
    this.cols = X.cols;
    this.dim = X.cols * this.classes;
    const empty64 = new Float64Array(0);
    const empty32 = new Int32Array(0);
    this.data = X.kind === 'dense' ? X.data : empty64;
    this.indptr = X.kind === 'csr' ? X.indptr : empty32;
    this.indices = X.kind === 'csr' ? X.indices : empty32;
    this.values = X.kind === 'csr' ? X.values : empty64;
    if (rows === undefined) {
      rows = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) rows[i] = i;
    }
    this.rows = rows;
    this.numSamples = rows.length;
    this.z = new Float64Array(rows.length * this.classes);
    this.cachedX = new Float64Array(this.dim);
    this.vCopy = new Float64Array(this.dim);
    this.sK = new Float64Array(this.classes);
    this.tK = new Float64Array(this.classes);
    // native LinearModel: work_per_row_ (stored entries per row of the full data), kLongRow, chunk_rows().
    const stored = X.kind === 'dense' ? X.rows * X.cols : X.indptr[X.rows];
    const workPerRow = Math.max(1, X.rows > 0 ? Math.floor(stored / X.rows) : 1);
    this.longRows = workPerRow >= 128;
    this.chunkRows = Math.min(256, Math.max(8, Math.floor(32768 / (12 * workPerRow))));
  }

  // ---- loss sums in the native order (LinearModel::value / value_and_gradient at one thread) ----

  private lossCount = 0;

  private beginLosses(): void {
    this.sum.reset();
    this.lanes.reset();
    this.lossCount = 0;
  }

  private addLoss(v: number): void {
    if (this.longRows) {
      this.sum.add(v);
      return;
    }
    this.lanes.add(v);
    if (++this.lossCount === this.chunkRows) {
      this.lanes.mergeInto(this.sum);
      this.lanes.reset();
      this.lossCount = 0;
    }
  }

  /** The mean of the losses added since beginLosses over m rows. */
  private meanLoss(m: number): number {
    if (this.lossCount > 0) this.lanes.mergeInto(this.sum);
    return this.sum.mean(m);
  }

  // ---- argument checks (design.md §4: validate in TS) ----

  private checkPoint(name: string, x: unknown): Float64Array {
    return checkFloat64Array(name, x, this.dim);
  }

  private outArray(name: string, out: unknown): Float64Array {
    return out === undefined ? new Float64Array(this.dim) : checkFloat64Array(name, out, this.dim);
  }

  // ---- row operations: the only place dense and CSR differ ----

  private rowDot(i: number, w: Float64Array): number {
    return this.isDense ? denseDot(this.data, i * this.cols, w, this.cols) : csrDot(this.indptr, this.indices, this.values, i, w);
  }

  /** g += alpha·x_i. */
  private rowAxpy(i: number, alpha: number, g: Float64Array): void {
    if (this.isDense) {
      const data = this.data;
      const n = this.cols;
      const off = i * n;
      for (let j = 0; j < n; j++) g[j] += alpha * data[off + j];
    } else {
      const indices = this.indices;
      const values = this.values;
      const e = this.indptr[i + 1];
      for (let p = this.indptr[i]; p < e; p++) g[indices[p]] += alpha * values[p];
    }
  }

  /** g += alpha·x_i⊙x_i. */
  private rowSqAxpy(i: number, alpha: number, g: Float64Array): void {
    if (this.isDense) {
      const data = this.data;
      const n = this.cols;
      const off = i * n;
      for (let j = 0; j < n; j++) g[j] += alpha * (data[off + j] * data[off + j]);
    } else {
      const indices = this.indices;
      const values = this.values;
      const e = this.indptr[i + 1];
      for (let p = this.indptr[i]; p < e; p++) g[indices[p]] += alpha * (values[p] * values[p]);
    }
  }

  /** out[off+k] = Σ_j x_ij w[j*K + k] for k < K: the K scores of row i (feature-major parameters). */
  private rowScores(i: number, w: Float64Array, out: Float64Array, off: number): void {
    // Class-outer loops keep each sum in a register; every s_k still adds its terms in increasing j, the
    // order of the native feature-outer loop, so the results are the same.
    const K = this.classes;
    if (this.isDense) {
      const data = this.data;
      const n = this.cols;
      const roff = i * n;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += data[roff + j] * w[j * K + k];
        out[off + k] = s;
      }
    } else {
      const indices = this.indices;
      const values = this.values;
      const b = this.indptr[i];
      const e = this.indptr[i + 1];
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let p = b; p < e; p++) s += values[p] * w[indices[p] * K + k];
        out[off + k] = s;
      }
    }
  }

  /** g[j*K + k] += x_ij·c[k] (square: x_ij²·c[k]) for every stored entry of row i. */
  private rowScatter(i: number, c: Float64Array, g: Float64Array, square: boolean): void {
    // Class-outer loops (long inner loops); each g element still receives one addition per row, so the
    // result is the native feature-outer loop's.
    const K = this.classes;
    if (this.isDense) {
      const data = this.data;
      const n = this.cols;
      const roff = i * n;
      for (let k = 0; k < K; k++) {
        const ck = c[k];
        if (square) for (let j = 0; j < n; j++) g[j * K + k] += data[roff + j] * data[roff + j] * ck;
        else for (let j = 0; j < n; j++) g[j * K + k] += data[roff + j] * ck;
      }
    } else {
      const indices = this.indices;
      const values = this.values;
      const b = this.indptr[i];
      const e = this.indptr[i + 1];
      for (let k = 0; k < K; k++) {
        const ck = c[k];
        if (square) for (let p = b; p < e; p++) g[indices[p] * K + k] += values[p] * values[p] * ck;
        else for (let p = b; p < e; p++) g[indices[p] * K + k] += values[p] * ck;
      }
    }
  }

  // ---- the point-keyed margin cache (design.md §4) ----

  private cacheHolds(x: Float64Array): boolean {
    return this.cacheValid && sameBits(x, this.cachedX);
  }

  /** Makes z hold the margins at x (one pass over the rows on a miss). */
  private ensureMargins(x: Float64Array): void {
    if (this.cacheHolds(x)) return;
    this.cacheValid = false;
    this.cachedX.set(x);
    const w = this.cachedX;
    const rows = this.rows;
    const z = this.z;
    const m = rows.length;
    if (this.isSoftmax) {
      const K = this.classes;
      for (let r = 0; r < m; r++) this.rowScores(rows[r], w, z, r * K);
    } else {
      for (let r = 0; r < m; r++) z[r] = this.rowDot(rows[r], w);
    }
    this.cacheValid = true;
  }

  // ---- Objective ----

  /** f(x) (one pass over the rows, or none when the margins at x are cached). */
  value(x: Float64Array): number {
    this.checkPoint('x', x);
    if (!isAllFinite(x)) return NaN;
    this.ensureMargins(x);
    const rows = this.rows;
    const z = this.z;
    const y = this.y;
    const m = rows.length;
    const w = this.cachedX;
    const l2Term = 0.5 * this.l2 * dot(w, w, this.dim);
    if (this.isSoftmax) {
      const sum = this.sum;
      sum.reset();
      const K = this.classes;
      for (let r = 0; r < m; r++) sum.add(logSumExp(z, r * K, K) - z[r * K + y[rows[r]]]);
      return sum.mean(m) + l2Term;
    }
    this.beginLosses();
    if (this.isLogistic) {
      for (let r = 0; r < m; r++) this.addLoss(logisticLoss(z[r], y[rows[r]]));
    } else {
      for (let r = 0; r < m; r++) {
        const res = z[r] - y[rows[r]];
        this.addLoss(0.5 * res * res);
      }
    }
    return this.meanLoss(m) + l2Term;
  }

  /** f(x) and ∇f(x) into gradOut in one fused pass (margin, loss, slope, update per row). */
  valueAndGradient(x: Float64Array, gradOut: Float64Array): number {
    this.checkPoint('x', x);
    checkFloat64Array('gradOut', gradOut, this.dim);
    if (!isAllFinite(x)) {
      gradOut.fill(NaN);
      return NaN;
    }
    const hit = this.cacheHolds(x);
    if (!hit) {
      this.cacheValid = false;
      this.cachedX.set(x); // kernels read the copy, so gradOut may alias x
    }
    const w = this.cachedX;
    const rows = this.rows;
    const z = this.z;
    const y = this.y;
    const m = rows.length;
    gradOut.fill(0);
    const l2Term = 0.5 * this.l2 * dot(w, w, this.dim);
    let mean: number;
    if (this.isSoftmax) {
      const sum = this.sum;
      sum.reset();
      const K = this.classes;
      const p = this.sK;
      for (let r = 0; r < m; r++) {
        const i = rows[r];
        const off = r * K;
        if (!hit) this.rowScores(i, w, z, off);
        const label = y[i];
        const lse = softmaxAndLse(z, off, K, p);
        sum.add(lse - z[off + label]);
        p[label] -= 1; // ∂ℓ/∂s = p − e_y
        this.rowScatter(i, p, gradOut, false);
      }
      mean = sum.mean(m);
    } else {
      // Row by row; the native kernel stages a chunk's margins and losses before its updates, but each
      // gradient element still receives its rows' terms in row order, so the roundings are the same.
      const logistic = this.isLogistic;
      this.beginLosses();
      for (let r = 0; r < m; r++) {
        const i = rows[r];
        const zi = hit ? z[r] : (z[r] = this.rowDot(i, w));
        let slope: number;
        if (logistic) {
          this.addLoss(logisticLossAndSlope(zi, y[i]));
          slope = slopeOut[0];
        } else {
          slope = zi - y[i];
          this.addLoss(0.5 * slope * slope);
        }
        this.rowAxpy(i, slope, gradOut);
      }
      mean = this.meanLoss(m);
    }
    this.cacheValid = true;
    finishAverage(gradOut, this.dim, m, this.l2, w);
    return mean + l2Term;
  }

  /** ∇f(x) (computed with the fused pass; written to `out` if given, else a new array). */
  gradient(x: Float64Array, out?: Float64Array): Float64Array {
    this.checkPoint('x', x);
    const g = this.outArray('out', out);
    this.valueAndGradient(x, g);
    return g;
  }

  /**
   * ∇²f(x)·v: logistic (1/m)XᵀDXv + l2·v with D = σ(z)(1−σ(z)); least squares (1/m)XᵀXv + l2·v; softmax per row
   * p = softmax(s), t_k = Σ_j x_ij v[j*K+k], u = p⊙t − p(p·t), out[j*K+k] += x_ij u_k, then /m + l2·v.
   */
  hessVec(x: Float64Array, v: Float64Array, out?: Float64Array): Float64Array {
    this.checkPoint('x', x);
    checkFloat64Array('v', v, this.dim);
    const o = this.outArray('out', out);
    if (!isAllFinite(x) || !isAllFinite(v)) return o.fill(NaN);
    if (o.buffer === v.buffer && o.byteOffset < v.byteOffset + v.byteLength && v.byteOffset < o.byteOffset + o.byteLength) {
      this.vCopy.set(v); // out aliases v: read a copy (native hess_vec does the same)
      v = this.vCopy;
    }
    if (!this.isLogistic && !this.isSoftmax) {
      o.fill(0);
      const rows = this.rows;
      const m = rows.length;
      for (let r = 0; r < m; r++) {
        const i = rows[r];
        this.rowAxpy(i, this.rowDot(i, v), o); // constant curvature 1
      }
      finishAverage(o, this.dim, m, this.l2, v);
      return o;
    }
    this.ensureMargins(x);
    o.fill(0);
    const rows = this.rows;
    const z = this.z;
    const m = rows.length;
    if (this.isSoftmax) {
      const K = this.classes;
      const p = this.sK;
      const t = this.tK;
      for (let r = 0; r < m; r++) {
        const i = rows[r];
        softmaxAndLse(z, r * K, K, p);
        this.rowScores(i, v, t, 0);
        let pt = 0;
        for (let k = 0; k < K; k++) pt += p[k] * t[k];
        for (let k = 0; k < K; k++) t[k] = p[k] * (t[k] - pt); // u = p⊙t − p(p·t)
        this.rowScatter(i, t, o, false);
      }
    } else {
      for (let r = 0; r < m; r++) {
        const i = rows[r];
        const a = this.rowDot(i, v);
        this.rowAxpy(i, sigmoidCurvature(z[r]) * a, o);
      }
    }
    finishAverage(o, this.dim, m, this.l2, v);
    return o;
  }

  /**
   * diag ∇²f(x): logistic (1/m)Σ σ(1−σ)x_ij² + l2; least squares (1/m)Σ x_ij² + l2 (independent of x);
   * softmax (1/m)Σ x_ij² p_k(1−p_k) + l2 at index j*K + k.
   */
  hessDiag(x: Float64Array, out?: Float64Array): Float64Array {
    this.checkPoint('x', x);
    const o = this.outArray('out', out);
    if (!isAllFinite(x)) return o.fill(NaN);
    const rows = this.rows;
    const m = rows.length;
    if (this.isLogistic || this.isSoftmax) this.ensureMargins(x);
    o.fill(0);
    const z = this.z;
    if (this.isSoftmax) {
      const K = this.classes;
      const p = this.sK;
      for (let r = 0; r < m; r++) {
        softmaxAndLse(z, r * K, K, p);
        for (let k = 0; k < K; k++) p[k] = p[k] * (1 - p[k]);
        this.rowScatter(rows[r], p, o, true);
      }
    } else if (this.isLogistic) {
      for (let r = 0; r < m; r++) this.rowSqAxpy(rows[r], sigmoidCurvature(z[r]), o);
    } else {
      for (let r = 0; r < m; r++) this.rowSqAxpy(rows[r], 1, o);
    }
    const l2 = this.l2;
    const n = this.dim;
    for (let j = 0; j < n; j++) o[j] = o[j] / m + l2;
    return o;
  }

  /**
   * φ(t) = f(x + t·d) in O(m) per trial (LIBLINEAR's line search): X·d is computed once here (with X·x in the
   * same pass unless the margins at x are cached), then
   *   φ(t) = (1/m)Σ ℓ(z + t q) + (l2/2)(x·x + 2t x·d + t² d·d),  φ'(t) = (1/m)Σ ℓ'(z + t q)·q + l2(x·d + t d·d).
   * x and d are copied (the line does not depend on the caller's arrays afterwards).
   */
  along(x: Float64Array, d: Float64Array): LineFunction {
    this.checkPoint('x', x);
    checkFloat64Array('d', d, this.dim);
    if (!isAllFinite(x) || !isAllFinite(d)) return NON_FINITE_LINE;
    const K = this.classes;
    const rows = this.rows;
    const m = rows.length;
    const z = new Float64Array(m * K);
    const q = new Float64Array(m * K);
    this.ensureMargins(x); // a no-op when the margins at x are cached (the usual case: f(x) was just computed)
    z.set(this.z);
    if (this.isSoftmax) {
      for (let r = 0; r < m; r++) this.rowScores(rows[r], d, q, r * K);
    } else {
      for (let r = 0; r < m; r++) q[r] = this.rowDot(rows[r], d);
    }
    if (this.loss === 'logistic') {
      // The label's sign folded into the margins (native logistic_line_margins): trials read no labels.
      for (let r = 0; r < m; r++) {
        if (this.y[rows[r]] === 0) {
          z[r] = -z[r];
          q[r] = -q[r];
        }
      }
    }
    const n = this.dim;
    return new LinearLine(this.loss, this.y, rows, K, z, q, this.l2, dot(x, x, n), dot(x, d, n), dot(d, d, n));
  }

  /**
   * A mini-batch view averaging over `rows` (indices into the full data, repeats allowed; copied) that shares
   * X and y. Its value keeps the full (l2/2)‖w‖² term.
   */
  batch(rows: Int32Array | readonly number[]): LinearObjectiveJs {
    const sel = toRowIndices('rows', rows, this.X.rows);
    return new LinearObjectiveJs(this.loss, this.X, this.y, this.l2, this.classes, sel);
  }
}

/** φ(t) along a line for {@link LinearObjectiveJs} (native LinearLine): O(m·K) per trial. */
class LinearLine implements LineFunction {
  private readonly sum = new CompensatedSum();
  private readonly slopeSum = new CompensatedSum();
  /** Logistic / least squares: the per-row terms go into eight lanes by row index mod 8 (native sum_line). */
  private readonly lanes = new LaneSum();
  private readonly slopeLanes = new LaneSum();
  private readonly s: Float64Array;
  private readonly p: Float64Array;

  constructor(
    private readonly loss: LinearLoss,
    private readonly y: Float64Array,
    private readonly rows: Int32Array,
    private readonly K: number,
    private readonly z: Float64Array,
    private readonly q: Float64Array,
    private readonly l2: number,
    private readonly xx: number,
    private readonly xd: number,
    private readonly dd: number,
  ) {
    this.s = new Float64Array(K);
    this.p = new Float64Array(K);
  }

  /** (l2/2)‖x + t·d‖² (native LineL2::value). */
  private l2Value(t: number): number {
    return 0.5 * this.l2 * (this.xx + t * (2 * this.xd + t * this.dd));
  }

  /** φ(t). */
  value(t: number): number {
    checkNumber('t', t);
    return Number.isFinite(t) ? this.evaluate(t, false) : NaN;
  }

  /** φ(t) and φ'(t). */
  valueAndSlope(t: number): { value: number; slope: number } {
    checkNumber('t', t);
    if (!Number.isFinite(t)) return { value: NaN, slope: NaN };
    const value = this.evaluate(t, true);
    return { value, slope: this.slopeSum.mean(this.rows.length) + this.l2 * (this.xd + t * this.dd) };
  }

  private evaluate(t: number, withSlope: boolean): number {
    const { z, q, y, rows, K } = this;
    const m = rows.length;
    const sum = this.sum;
    const slopeSum = this.slopeSum;
    sum.reset();
    slopeSum.reset();
    if (this.loss === 'softmax') {
      const s = this.s;
      const p = this.p;
      for (let r = 0; r < m; r++) {
        const off = r * K;
        for (let k = 0; k < K; k++) s[k] = z[off + k] + t * q[off + k];
        const label = y[rows[r]];
        sum.add((withSlope ? softmaxAndLse(s, 0, K, p) : logSumExp(s, 0, K)) - s[label]);
        if (withSlope) {
          // ℓ' along the line: Σ_k (p_k − [k = y]) q_k with p = softmax(s).
          let sl = -q[off + label];
          for (let k = 0; k < K; k++) sl += p[k] * q[off + k];
          slopeSum.add(sl);
        }
      }
    } else {
      const lanes = this.lanes;
      const slopeLanes = this.slopeLanes;
      lanes.reset();
      slopeLanes.reset();
      if (this.loss === 'logistic') {
        // Signed margins (see along): the labels are in z and q.
        let r = 0;
        if (withSlope) {
          // Four rows per step, one per lane (the order of the loop below; fewer lane dispatches).
          for (; r + 4 <= m; r += 4) {
            const l0 = signedLogisticLossAndSlope(z[r] + t * q[r]);
            const s0 = slopeOut[0] * q[r];
            const l1 = signedLogisticLossAndSlope(z[r + 1] + t * q[r + 1]);
            const s1 = slopeOut[0] * q[r + 1];
            const l2 = signedLogisticLossAndSlope(z[r + 2] + t * q[r + 2]);
            const s2 = slopeOut[0] * q[r + 2];
            const l3 = signedLogisticLossAndSlope(z[r + 3] + t * q[r + 3]);
            lanes.add4(l0, l1, l2, l3);
            slopeLanes.add4(s0, s1, s2, slopeOut[0] * q[r + 3]);
          }
        }
        for (; r < m; r++) {
          const zt = z[r] + t * q[r];
          if (withSlope) {
            lanes.add(signedLogisticLossAndSlope(zt));
            slopeLanes.add(slopeOut[0] * q[r]);
          } else {
            lanes.add(signedLogisticLoss(zt));
          }
        }
      } else {
        for (let r = 0; r < m; r++) {
          const res = z[r] + t * q[r] - y[rows[r]];
          lanes.add(0.5 * res * res);
          if (withSlope) slopeLanes.add(res * q[r]);
        }
      }
      lanes.mergeInto(sum);
      if (withSlope) slopeLanes.mergeInto(slopeSum);
    }
    return sum.mean(m) + this.l2Value(t);
  }
}

/** The line through a non-finite point or direction: every trial is NaN (the native wrapper's behaviour). */
const NON_FINITE_LINE: LineFunction = {
  value: (t: number) => (checkNumber('t', t), NaN),
  valueAndSlope: (t: number) => (checkNumber('t', t), { value: NaN, slope: NaN }),
};
