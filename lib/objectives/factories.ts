/**
 * Public constructors of objectives (design.md §3 "Objectives"): the built-in linear models on either backend
 * and a wrapper for user functions. Every argument is validated here, once, for both backends; the error
 * names the argument (design.md §4 "Errors").
 */
import { checkDataMatrix, type DataMatrix } from '../data';
import {
  checkFloat64Array,
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkNumber,
  checkOneOf,
  checkOptions,
  describeType,
  formatNumber,
  toFiniteFloat64Array,
  toRowIndices,
} from '../errors';
import { loadNative, nativeAvailable } from '../native';
import { LinearObjectiveJs, type LinearLoss } from './linear_js';
import { createNativeLinearObjective } from './native_objective';
import type { Backend, LineFunction, Objective } from './objective';

/** Options of {@link logistic} and {@link leastSquares}. */
export interface LinearObjectiveOptions {
  /** L2 coefficient: the objective gains (l2/2)‖w‖² (bias included). Finite, ≥ 0; default 0. */
  l2?: number;
  /**
   * 'native' (C++/Eigen/OpenMP) or 'js' (pure TypeScript). Default: 'native' when the addon loads, else 'js'.
   * Asking for 'native' when it cannot load throws the loader's descriptive error.
   */
  backend?: Backend;
}

/** Options of {@link softmax}. */
export interface SoftmaxOptions extends LinearObjectiveOptions {
  /** Number of classes K, an integer ≥ 2 (required). */
  classes: number;
}

const LINEAR_OPTIONS = ['l2', 'backend'] as const;
const SOFTMAX_OPTIONS = ['l2', 'backend', 'classes'] as const;
/** The most softmax classes accepted (the native binding's kMaxClasses). */
const MAX_CLASSES = 2 ** 24;

function resolveBackend(value: unknown): Backend {
  if (value === undefined) return nativeAvailable() ? 'native' : 'js';
  const backend = checkOneOf('backend', value, ['native', 'js'] as const);
  if (backend === 'native') loadNative(); // throws the descriptive load error
  return backend;
}

function resolveL2(value: unknown): number {
  return value === undefined ? 0 : checkNonNegative('l2', value);
}

/** The targets as a Float64Array of length X.rows with finite values (a copy only when given a number[]). */
function targets(name: string, y: unknown, X: DataMatrix): Float64Array {
  if (!(y instanceof Float64Array) && !Array.isArray(y)) {
    throw new TypeError(`${name}: expected a Float64Array or an array of numbers, got ${describeType(y)}`);
  }
  if (y.length !== X.rows) throw new RangeError(`${name}: expected one value per row of X (${X.rows}), got length ${y.length}`);
  return toFiniteFloat64Array(name, y);
}

function build(loss: LinearLoss, X: DataMatrix, y: Float64Array, l2: number, classes: number, backend: Backend): Objective {
  if (backend === 'native') return createNativeLinearObjective(loss, X, y, { l2, classes });
  return new LinearObjectiveJs(loss, X, y, l2, classes);
}

/**
 * Logistic regression (spec §3.2): f(w) = (1/n) Σ log(1 + exp(−sᵢ xᵢᵀw)) + (l2/2)‖w‖², sᵢ = ±1, computed as
 * (1/n)Σ[(1 − bᵢ)zᵢ − log σ(zᵢ)] with b ∈ {0, 1} and the stable log σ of spec §3.2. dim = X.cols (append a
 * bias column with `withBias` for an intercept).
 * @param X data (held by reference; do not modify while the objective is used)
 * @param y labels, one per row: all 0/1 or all −1/+1 (mapped 0/−1 → 0, 1 → 1 into a private copy)
 * @throws TypeError/RangeError naming X, y, l2 or backend
 */
export function logistic(X: DataMatrix, y: Float64Array | readonly number[], options?: LinearObjectiveOptions): Objective {
  checkDataMatrix('X', X);
  const opts = checkOptions<LinearObjectiveOptions>('options', options, LINEAR_OPTIONS);
  const labels = targets('y', y, X);
  const l2 = resolveL2(opts.l2);
  const backend = resolveBackend(opts.backend);
  // Labels must be all 0/1 or all ±1: a mix such as {−1, 0, 1} is a 3-class problem, not a binary one.
  let sawZero = -1;
  let sawMinus = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 0) sawZero = i;
    else if (v === -1) sawMinus = i;
    else if (v !== 1) throw new RangeError(`y: logistic labels must be 0/1 or -1/+1, got y[${i}] = ${formatNumber(v)}`);
    if (sawZero >= 0 && sawMinus >= 0) {
      throw new RangeError(`y: logistic labels must be all 0/1 or all -1/+1, got both 0 (y[${sawZero}]) and -1 (y[${sawMinus}])`);
    }
  }
  let b = labels;
  if (sawMinus >= 0 || labels === y) {
    // ±1 → {0, 1}; an all-0/1 Float64Array is copied too, so later changes to the caller's array cannot leak in.
    b = new Float64Array(labels.length);
    for (let i = 0; i < labels.length; i++) b[i] = labels[i] === 1 ? 1 : 0;
  }
  return build('logistic', X, b, l2, 1, backend);
}

/**
 * Least squares (spec §3.2): f(w) = (1/2n)‖Xw − y‖² + (l2/2)‖w‖². dim = X.cols.
 * @param X data (held by reference; do not modify while the objective is used)
 * @param y finite targets, one per row (held by reference when a Float64Array)
 * @throws TypeError/RangeError naming X, y, l2 or backend
 */
export function leastSquares(X: DataMatrix, y: Float64Array | readonly number[], options?: LinearObjectiveOptions): Objective {
  checkDataMatrix('X', X);
  const opts = checkOptions<LinearObjectiveOptions>('options', options, LINEAR_OPTIONS);
  const t = targets('y', y, X);
  const l2 = resolveL2(opts.l2);
  const backend = resolveBackend(opts.backend);
  return build('least-squares', X, t, l2, 1, backend);
}

/**
 * Multinomial logistic (softmax) regression, mean cross-entropy (team rules "Objective definitions"):
 * f(w) = (1/n)Σ[logsumexp(sᵢ) − s_{i,yᵢ}] + (l2/2)‖w‖², sᵢₖ = Σⱼ x_ij w[j*K + k]. The parameter has length
 * dim = X.cols·K, laid out feature-major: w[j*K + k] is the weight of feature j for class k.
 * @param X data (held by reference; do not modify while the objective is used)
 * @param labels class of each row: integers in [0, classes) (copied)
 * @param options `classes` (required, integer in [2, 2²⁴]), `l2`, `backend`
 * @throws TypeError/RangeError naming X, labels, classes, l2 or backend
 */
export function softmax(X: DataMatrix, labels: Float64Array | readonly number[], options: SoftmaxOptions): Objective {
  checkDataMatrix('X', X);
  if (options === undefined) throw new TypeError('options: softmax needs { classes } (the number of classes, an integer ≥ 2)');
  const opts = checkOptions<SoftmaxOptions>('options', options, SOFTMAX_OPTIONS);
  if (opts.classes === undefined) throw new TypeError('classes: required (the number of classes, an integer ≥ 2)');
  // A dense softmax with more than 2^24 classes is never practical (one feature's weights alone would be
  // 128 MiB); refusing it keeps an absurd option from turning into a many-GiB allocation (SECURITY.md).
  const K = checkInteger('classes', opts.classes, 2, MAX_CLASSES);
  if (X.cols * K > 0x7fffffff) throw new RangeError(`classes: X.cols·classes = ${X.cols * K} parameters is too many`);
  // The cached scores are rows × classes doubles: the same bound and message as the native binding.
  if (X.rows * K > 0x7fffffff) {
    throw new RangeError(`classes: X.rows × classes = ${X.rows * K} cached scores is too many (at most ${0x7fffffff})`);
  }
  const t = targets('labels', labels, X);
  for (let i = 0; i < t.length; i++) {
    const v = t[i];
    if (!Number.isInteger(v) || v < 0 || v >= K) {
      throw new RangeError(`labels: expected integers in [0, ${K}) (classes = ${K}), got labels[${i}] = ${formatNumber(v)}`);
    }
  }
  const l2 = resolveL2(opts.l2);
  const backend = resolveBackend(opts.backend);
  // A number[] was already copied by targets(); copy a Float64Array too so the caller's later edits cannot leak in
  // (labels index arrays inside the kernels: an out-of-range label there would read out of bounds).
  const owned = t === labels ? t.slice() : t;
  return build('softmax', X, owned, l2, K, backend);
}

// ---------------------------------------------------------------------------------------------------------
// User objectives.

/**
 * A user objective's primary call: returns f(x) and writes ∇f(x) into `gradOut` (length dim). `rows` is given
 * for mini-batch evaluations (indices into the user's data, repeats allowed) and undefined for the full
 * objective. It must not keep references to `x` or `gradOut` (they may be reused).
 */
export type UserValueAndGradient = (x: Float64Array, gradOut: Float64Array, rows?: Int32Array) => number;

/** Options of {@link objective}. */
export interface UserObjectiveOptions {
  /** f(x) alone, when cheaper than f and ∇f together (else valueAndGradient is called). */
  value?: (x: Float64Array, rows?: Int32Array) => number;
  /** ∇²f(x)·v: write it into `out` (or return a Float64Array of length dim). Enables Newton-CG's exact products. */
  hessVec?: (x: Float64Array, v: Float64Array, out: Float64Array, rows?: Int32Array) => Float64Array | void;
  /** diag ∇²f(x): write it into `out` (or return a Float64Array of length dim). */
  hessDiag?: (x: Float64Array, out: Float64Array, rows?: Int32Array) => Float64Array | void;
  /** Number of samples the function averages over; enables `batch(rows)` with rows in [0, numSamples). */
  numSamples?: number;
}

const USER_OPTIONS = ['value', 'hessVec', 'hessDiag', 'numSamples'] as const;

function checkReturnedNumber(what: string, r: unknown): number {
  if (typeof r !== 'number') throw new TypeError(`objective: ${what} must return a number, got ${describeType(r)}`);
  return r;
}

function checkReturnedArray(what: string, r: unknown, out: Float64Array): void {
  if (r === undefined || r === out) return;
  if (r instanceof Float64Array && r.length === out.length) {
    out.set(r);
    return;
  }
  throw new TypeError(`objective: ${what} must write into out or return a Float64Array of length ${out.length}, got ${describeType(r)}`);
}

/**
 * φ(t) = f(x + t·d) evaluated with full calls of the objective (for objectives without a cheaper line
 * search). x and d are copied; the trial point and gradient buffers are allocated once per line.
 */
export class PointwiseLine implements LineFunction {
  private readonly x: Float64Array;
  private readonly d: Float64Array;
  private readonly point: Float64Array;
  private readonly grad: Float64Array;

  /** @param objective the objective; x and d of length objective.dim (copied) */
  constructor(
    private readonly objective: Objective,
    x: Float64Array,
    d: Float64Array,
  ) {
    this.x = x.slice();
    this.d = d.slice();
    this.point = new Float64Array(x.length);
    this.grad = new Float64Array(x.length);
  }

  private at(t: number): Float64Array {
    checkNumber('t', t);
    const { x, d, point } = this;
    for (let j = 0; j < x.length; j++) point[j] = x[j] + t * d[j];
    return point;
  }

  /** φ(t): one f call. */
  value(t: number): number {
    return this.objective.value(this.at(t));
  }

  /** φ(t) and φ'(t) = ∇f(x + t·d)·d: one f-and-∇f call. */
  valueAndSlope(t: number): { value: number; slope: number } {
    const value = this.objective.valueAndGradient(this.at(t), this.grad);
    const { grad, d } = this;
    let slope = 0;
    for (let j = 0; j < d.length; j++) slope += grad[j] * d[j];
    return { value, slope };
  }
}

/** A user function wrapped as an {@link Objective} (backend 'js'). Created by {@link objective}. */
class UserObjective implements Objective {
  readonly backend: Backend = 'js';
  readonly numSamples?: number;
  readonly hessVec?: (x: Float64Array, v: Float64Array, out?: Float64Array) => Float64Array;
  readonly hessDiag?: (x: Float64Array, out?: Float64Array) => Float64Array;
  readonly batch?: (rows: Int32Array | readonly number[]) => Objective;
  private readonly scratch: Float64Array;
  /** Private copies of x and v handed to the user function: a function that modifies its input (or writes
   *  gradOut into the array it was given as x) cannot corrupt the caller's point or an optimizer's state. */
  private readonly xCopy: Float64Array;
  private readonly vCopy: Float64Array;

  constructor(
    private readonly fg: UserValueAndGradient,
    readonly dim: number,
    private readonly opts: UserObjectiveOptions,
    private readonly rows: Int32Array | undefined,
  ) {
    this.scratch = new Float64Array(dim);
    this.xCopy = new Float64Array(dim);
    this.vCopy = new Float64Array(dim);
    this.numSamples = rows !== undefined ? rows.length : opts.numSamples;
    const hv = opts.hessVec;
    if (hv) {
      this.hessVec = (x, v, out) => {
        checkFloat64Array('x', x, dim);
        checkFloat64Array('v', v, dim);
        const o = out === undefined ? new Float64Array(dim) : checkFloat64Array('out', out, dim);
        const xc = this.input(x);
        this.vCopy.set(v);
        checkReturnedArray('hessVec', this.rows ? hv(xc, this.vCopy, o, this.rows) : hv(xc, this.vCopy, o), o);
        return o;
      };
    }
    const hd = opts.hessDiag;
    if (hd) {
      this.hessDiag = (x, out) => {
        checkFloat64Array('x', x, dim);
        const o = out === undefined ? new Float64Array(dim) : checkFloat64Array('out', out, dim);
        const xc = this.input(x);
        checkReturnedArray('hessDiag', this.rows ? hd(xc, o, this.rows) : hd(xc, o), o);
        return o;
      };
    }
    const total = opts.numSamples;
    if (total !== undefined) {
      this.batch = (rows) => new UserObjective(fg, dim, opts, toRowIndices('rows', rows, total));
    }
  }

  private input(x: Float64Array): Float64Array {
    this.xCopy.set(x);
    return this.xCopy;
  }

  value(x: Float64Array): number {
    checkFloat64Array('x', x, this.dim);
    x = this.input(x);
    const rows = this.rows;
    if (this.opts.value) return checkReturnedNumber('value', rows ? this.opts.value(x, rows) : this.opts.value(x));
    return checkReturnedNumber('valueAndGradient', rows ? this.fg(x, this.scratch, rows) : this.fg(x, this.scratch));
  }

  valueAndGradient(x: Float64Array, gradOut: Float64Array): number {
    checkFloat64Array('x', x, this.dim);
    checkFloat64Array('gradOut', gradOut, this.dim);
    x = this.input(x);
    const rows = this.rows;
    return checkReturnedNumber('valueAndGradient', rows ? this.fg(x, gradOut, rows) : this.fg(x, gradOut));
  }

  gradient(x: Float64Array, out?: Float64Array): Float64Array {
    checkFloat64Array('x', x, this.dim);
    const o = out === undefined ? new Float64Array(this.dim) : checkFloat64Array('out', out, this.dim);
    this.valueAndGradient(x, o);
    return o;
  }

  along(x: Float64Array, d: Float64Array): LineFunction {
    checkFloat64Array('x', x, this.dim);
    checkFloat64Array('d', d, this.dim);
    return new PointwiseLine(this, x, d);
  }
}

/**
 * Wraps a user function as an {@link Objective} (backend 'js'; every evaluation calls back into JS).
 * @param valueAndGradient `(x, gradOut, rows?) => f(x)`, writing ∇f(x) into gradOut (see {@link UserValueAndGradient})
 * @param dim number of parameters, an integer ≥ 1
 * @param options optional `value`, `hessVec`, `hessDiag` callbacks and `numSamples` (enables `batch(rows)`)
 * @returns an Objective whose `along` evaluates f(x + t·d) with full calls
 * @throws TypeError/RangeError naming valueAndGradient, dim or the option; at evaluation, a TypeError
 *   "objective: valueAndGradient must return a number" when the function returns something else
 */
export function objective(valueAndGradient: UserValueAndGradient, dim: number, options?: UserObjectiveOptions): Objective {
  checkFunction('valueAndGradient', valueAndGradient);
  checkInteger('dim', dim, 1, 0x7fffffff);
  const opts = checkOptions<UserObjectiveOptions>('options', options, USER_OPTIONS);
  if (opts.value !== undefined) checkFunction('value', opts.value);
  if (opts.hessVec !== undefined) checkFunction('hessVec', opts.hessVec);
  if (opts.hessDiag !== undefined) checkFunction('hessDiag', opts.hessDiag);
  if (opts.numSamples !== undefined) checkInteger('numSamples', opts.numSamples, 1, 0x7fffffff);
  return new UserObjective(valueAndGradient, dim, { ...opts }, undefined);
}
