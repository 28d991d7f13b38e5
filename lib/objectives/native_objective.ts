/**
 * The built-in linear objectives on the native backend (`backend: 'native'`): a thin TypeScript class over the
 * addon's `LinearObjective` (native/binding/objective_wrap.cc; kernels in native/core/linear_model.hpp and
 * softmax.hpp). Public code reaches it through `logistic`, `leastSquares` and `softmax` (factories.ts), which
 * validate the data and labels; the addon validates everything again at its boundary (design.md §4).
 *
 * Behaviour shared with the TypeScript backend (lib/objectives/linear_js.ts), to rounding:
 * - one fused pass over the data per evaluation; the margins X·x of the last point are cached and reused only
 *   at a bit-identical x (design.md §4 "Caching");
 * - a point, direction or step with a NaN/±Infinity entry evaluates to NaN (f = NaN, NaN-filled outputs)
 *   instead of throwing, so that a method meeting an overflowing trial point can reject it (spec §0 NaN/Inf
 *   policy); the raw addon itself rejects such inputs with a RangeError;
 * - X and y are held by reference (zero-copy) and must not be modified while the objective, its views, its
 *   lines or an async run use them.
 */
import type { CsrMatrix, DenseMatrix } from '../data';
import { checkFloat64Array, checkNumber, toRowIndices } from '../errors';
import { loadNative } from '../native';
import type { Backend, LineFunction, Objective } from './objective';

/** The losses the native LinearObjective implements (team rules "Objective definitions"; spec §3.2). */
export type NativeLinearLoss = 'logistic' | 'least-squares' | 'softmax';

/** Options of {@link createNativeLinearObjective}. */
export interface NativeLinearObjectiveOptions {
  /** L2 coefficient: the objective gains (l2/2)‖w‖². Finite, ≥ 0. */
  l2: number;
  /** Number of classes K (integer ≥ 2); required for softmax, ignored otherwise. */
  classes?: number;
}

/** The raw addon objects (typed here; validated again by the addon). */
interface RawLine {
  value(t: number): number;
  valueAndSlope(t: number, out: Float64Array): number;
}
interface RawLinearObjective {
  readonly dim: number;
  readonly numSamples: number;
  value(x: Float64Array): number;
  valueAndGradient(x: Float64Array, gradOut: Float64Array): number;
  gradient(x: Float64Array, out: Float64Array): Float64Array;
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array): Float64Array;
  hessDiag(x: Float64Array, out: Float64Array): Float64Array;
  along(x: Float64Array, d: Float64Array): RawLine;
  batch(rows: Int32Array): RawLinearObjective;
}

/** True when every element is finite (v − v is NaN exactly for NaN and ±Infinity). */
function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] - a[i] !== 0) return false;
  return true;
}

/** A native objective as seen by TypeScript code; `handle` is the raw addon object for native methods. */
export type NativeLinearObjective = Objective & {
  /** The addon's LinearObjective (pass it to native minimize; it keeps X and y alive). */
  readonly handle: unknown;
};

/**
 * Builds a native linear objective. The arguments must already be valid (factories.ts checks them); the
 * addon re-checks and throws a TypeError/RangeError naming the argument otherwise.
 * @param loss 'logistic' (y ∈ {0,1}), 'least-squares' (finite targets) or 'softmax' (class indices 0..K−1)
 * @param X dense or CSR data, held by reference
 * @param y targets, one per row, held by reference
 * @param opts `l2` (≥ 0) and, for softmax, `classes`
 * @throws the loader's error when the addon cannot be loaded
 */
export function createNativeLinearObjective(
  loss: NativeLinearLoss,
  X: DenseMatrix | CsrMatrix,
  y: Float64Array,
  opts: NativeLinearObjectiveOptions,
): NativeLinearObjective {
  const addon = loadNative();
  // Plain objects with the field names of lib/data.ts, so class instances with extra fields or getters
  // reach the addon in the shape it reads.
  const matrix =
    X.kind === 'dense'
      ? { kind: 'dense', data: X.data, rows: X.rows, cols: X.cols }
      : { kind: 'csr', rows: X.rows, cols: X.cols, indptr: X.indptr, indices: X.indices, values: X.values };
  const raw: RawLinearObjective = new addon.LinearObjective(loss, matrix, y, opts.l2, opts.classes ?? 0);
  return new NativeObjective(raw, X.rows);
}

class NativeObjective implements Objective {
  /** Number of parameters: X.cols (X.cols·K for softmax, feature-major). */
  readonly dim: number;
  /** Always 'native'. */
  readonly backend: Backend = 'native';

  /**
   * @param handle the addon objective
   * @param fullRows rows of the full data (the range of batch row indices)
   */
  constructor(
    readonly handle: RawLinearObjective,
    private readonly fullRows: number,
  ) {
    this.dim = handle.dim;
  }

  /** Rows averaged over: X.rows, or the batch size of a mini-batch view. */
  get numSamples(): number {
    return this.handle.numSamples;
  }

  private point(name: string, x: unknown): Float64Array {
    return checkFloat64Array(name, x, this.dim);
  }

  private output(name: string, out: unknown): Float64Array {
    return out === undefined ? new Float64Array(this.dim) : checkFloat64Array(name, out, this.dim);
  }

  value(x: Float64Array): number {
    return allFinite(this.point('x', x)) ? this.handle.value(x) : NaN;
  }

  gradient(x: Float64Array, out?: Float64Array): Float64Array {
    this.point('x', x);
    const o = this.output('out', out);
    return allFinite(x) ? this.handle.gradient(x, o) : o.fill(NaN);
  }

  valueAndGradient(x: Float64Array, gradOut: Float64Array): number {
    this.point('x', x);
    checkFloat64Array('gradOut', gradOut, this.dim);
    if (allFinite(x)) return this.handle.valueAndGradient(x, gradOut);
    gradOut.fill(NaN);
    return NaN;
  }

  hessVec(x: Float64Array, v: Float64Array, out?: Float64Array): Float64Array {
    this.point('x', x);
    this.point('v', v);
    const o = this.output('out', out);
    return allFinite(x) && allFinite(v) ? this.handle.hessVec(x, v, o) : o.fill(NaN);
  }

  hessDiag(x: Float64Array, out?: Float64Array): Float64Array {
    this.point('x', x);
    const o = this.output('out', out);
    return allFinite(x) ? this.handle.hessDiag(x, o) : o.fill(NaN);
  }

  along(x: Float64Array, d: Float64Array): LineFunction {
    this.point('x', x);
    this.point('d', d);
    return allFinite(x) && allFinite(d) ? new NativeLine(this.handle.along(x, d)) : NON_FINITE_LINE;
  }

  batch(rows: Int32Array | readonly number[]): Objective {
    const sel = toRowIndices('rows', rows, this.fullRows);
    return new NativeObjective(this.handle.batch(sel), this.fullRows);
  }
}

/** φ(t) on a native line: O(n) per trial (X·d was computed once by along). */
class NativeLine implements LineFunction {
  private readonly slope = new Float64Array(1);

  constructor(private readonly raw: RawLine) {}

  value(t: number): number {
    checkNumber('t', t);
    return Number.isFinite(t) ? this.raw.value(t) : NaN;
  }

  valueAndSlope(t: number): { value: number; slope: number } {
    checkNumber('t', t);
    if (!Number.isFinite(t)) return { value: NaN, slope: NaN };
    const value = this.raw.valueAndSlope(t, this.slope);
    return { value, slope: this.slope[0] };
  }
}

/** The line through a non-finite point or direction: every trial is non-finite. */
const NON_FINITE_LINE: LineFunction = {
  value: (t: number) => (checkNumber('t', t), NaN),
  valueAndSlope: (t: number) => (checkNumber('t', t), { value: NaN, slope: NaN }),
};
