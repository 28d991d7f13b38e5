/**
 * Result and per-iteration record types shared by every method and both backends (design.md §3).
 */

/**
 * Why a run stopped.
 * - `grad-tol`: ‖∇f‖₂ ≤ gradTol, or ≤ relativeGradTol·‖∇f(x₀)‖₂.
 * - `f-tol`: relative decrease (f_k − f_{k+1})/max(|f_k|, |f_{k+1}|, 1) ≤ fTol after an accepted step (scipy's meaning).
 * - `max-iterations`, `max-evaluations` (value + gradient calls), `time-limit`: budgets.
 * - `line-search-failed`: the method's step-size or preconditioner search could not make progress (the message says which rule).
 * - `non-finite`: f or ∇f was NaN/±Inf where the method could not recover (spec §0).
 * - `callback-stop`: the callback returned `'stop'`.
 * - `aborted`: an AbortSignal fired (async runs).
 */
export type Status =
  | 'grad-tol'
  | 'f-tol'
  | 'max-iterations'
  | 'max-evaluations'
  | 'time-limit'
  | 'line-search-failed'
  | 'non-finite'
  | 'callback-stop'
  | 'aborted';

export const STATUSES: readonly Status[] = [
  'grad-tol', 'f-tol', 'max-iterations', 'max-evaluations', 'time-limit',
  'line-search-failed', 'non-finite', 'callback-stop', 'aborted',
];

/** Oracle-call counters. Every call is counted, the initial point included (spec §0). */
export interface Counts {
  /** Function values (a fused value+gradient call counts one here and one in ngev). */
  nfev: number;
  /** Gradients. */
  ngev: number;
  /** Hessian diagonals. */
  nhdiag: number;
  /** Hessian-vector products. */
  nhvp: number;
}

/**
 * One iteration, identical in trace, progress and callback, from both backends. In backtracking methods an
 * iteration is one trial, accepted or rejected (spec §0).
 */
export interface IterationRecord extends Counts {
  /** 1-based iteration number. */
  iter: number;
  /** f at the current (accepted) point after this iteration. */
  fun: number;
  /** ‖∇f‖₂ at the current point. */
  gradNorm: number;
  /** The method's scalar step for this iteration (its meaning is documented per method; 0 when none). */
  stepSize: number;
  /** Whether this iteration moved the point. */
  accepted: boolean;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

/** The outcome of a run (scipy's OptimizeResult, Ceres' Summary). */
export interface OptimizeResult extends Counts {
  /** The final point (a fresh array). */
  x: Float64Array;
  /** f(x). */
  fun: number;
  /** f(x₀). */
  initialFun: number;
  /** ‖∇f(x)‖₂. */
  gradNorm: number;
  /** True when a convergence test (`grad-tol`, `f-tol`) stopped the run. */
  success: boolean;
  status: Status;
  /** One line saying why it stopped. */
  message: string;
  /** Iterations performed. */
  nit: number;
  /** Wall time of the run in milliseconds. */
  timeMs: number;
  /** Method name. */
  method: string;
  /** Which backend ran the method's loop. */
  backend: 'native' | 'js';
  /** Per-iteration records when `trace: true`. */
  trace?: IterationRecord[];
  /** A brief multi-line text report (Ceres' BriefReport). */
  summary(): string;
}

const CONVERGED: ReadonlySet<Status> = new Set<Status>(['grad-tol', 'f-tol']);

export function isSuccess(status: Status): boolean {
  return CONVERGED.has(status);
}

/** Attaches `success` and `summary()` to a plain result. */
export function finishResult(r: Omit<OptimizeResult, 'success' | 'summary'>): OptimizeResult {
  const result = r as OptimizeResult;
  result.success = isSuccess(r.status);
  Object.defineProperty(result, 'summary', { value: () => summarize(result), enumerable: false });
  return result;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toExponential(6) : String(v);
}

export function summarize(r: OptimizeResult): string {
  return [
    `stepsearch ${r.method} (${r.backend}): ${r.success ? 'CONVERGED' : 'STOPPED'} — ${r.status}: ${r.message}`,
    `  f: ${fmt(r.initialFun)} -> ${fmt(r.fun)}   |grad|: ${fmt(r.gradNorm)}`,
    `  iterations: ${r.nit}   f evals: ${r.nfev}   grad evals: ${r.ngev}   Hv: ${r.nhvp}   diag H: ${r.nhdiag}`,
    `  time: ${r.timeMs.toFixed(3)} ms`,
  ].join('\n');
}
