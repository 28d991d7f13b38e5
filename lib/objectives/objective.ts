/**
 * The objective interface shared by the native and the pure-TypeScript backends (design.md §3).
 *
 * Arrays are `Float64Array`s of length {@link Objective.dim}. Methods never modify their inputs; an `out`
 * argument, when given, is written and returned, otherwise a fresh array is returned.
 */

/** Which implementation evaluates an objective or runs a method. */
export type Backend = 'native' | 'js';

/** φ(t) = f(x + t·d) along a fixed direction (see {@link Objective.along}). */
export interface LineFunction {
  /** φ(t) = f(x + t·d). */
  value(t: number): number;
  /** φ(t) and its derivative φ'(t) = ∇f(x + t·d)·d. */
  valueAndSlope(t: number): { value: number; slope: number };
}

export interface Objective {
  /** Number of parameters. */
  readonly dim: number;
  /** Rows averaged over (the batch size for a mini-batch view); undefined for objectives without data. */
  readonly numSamples?: number;
  /** Which implementation evaluates this objective. */
  readonly backend: Backend;

  /** f(x). */
  value(x: Float64Array): number;
  /** ∇f(x), written to `out` if given. */
  gradient(x: Float64Array, out?: Float64Array): Float64Array;
  /** The primary call: returns f(x) and writes ∇f(x) to `gradOut`, with one pass over the data. */
  valueAndGradient(x: Float64Array, gradOut: Float64Array): number;
  /** ∇²f(x)·v. Optional for user objectives (Newton-CG then differences gradients). */
  hessVec?(x: Float64Array, v: Float64Array, out?: Float64Array): Float64Array;
  /** diag ∇²f(x). Optional for user objectives. */
  hessDiag?(x: Float64Array, out?: Float64Array): Float64Array;
  /**
   * The function along the line x + t·d. For built-in linear models the first call costs one pass over X
   * (X·d) and each trial afterwards is O(n) (LIBLINEAR's line search). x and d are copied.
   */
  along(x: Float64Array, d: Float64Array): LineFunction;
  /**
   * A mini-batch view that averages over `rows` (indices into the full data, repeats allowed) and shares the
   * data (no copy of X). Absent on objectives without per-row structure.
   */
  batch?(rows: Int32Array | readonly number[]): Objective;
}
