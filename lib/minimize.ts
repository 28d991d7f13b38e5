/**
 * `minimize(objective, x0, options)`: the one driver for every deterministic method (design.md §1, §3).
 *
 * It validates options up front, counts every oracle call (through CountedObjective), loops `step()` and
 * checks every stopping rule in one place ({@link Run.checkStop}). For a native objective and a method the
 * core implements, the same loop runs entirely in C++ (native/core/driver.cpp mirrors this file).
 */
import { loadNative } from './native';
import type { Backend, Objective } from './objectives/objective';
import { CountedObjective } from './optimizers/oracle';
import { allFinite, norm } from './optimizers/vector_ops';
import type { Method, MethodDescriptor, Settings } from './optimizers/method';
import { findMethod } from './optimizers/registry';
import './optimizers/all';
import { readBoolean, readChoice, readNumber, rejectUnknown } from './options';
import { finishResult, type IterationRecord, type OptimizeResult, type Status } from './result';

/** Options understood by every method. Per-method options (e.g. `initialScale`, `memory`) go in the same object. */
export interface CommonOptions {
  /** Method name (default `'lbfgs'`); see the README's method table. */
  method?: string;
  /** Iteration budget (default 1000). In backtracking methods one trial is one iteration (spec §0). */
  maxIterations?: number;
  /** Budget of oracle calls, value + gradient (default Infinity). */
  maxEvaluations?: number;
  /** Stop when ‖∇f‖₂ ≤ gradTol (default 1e-6). */
  gradTol?: number;
  /** Stop when ‖∇f‖₂ ≤ relativeGradTol·‖∇f(x₀)‖₂ (LIBLINEAR's rule; default 0 = off). */
  relativeGradTol?: number;
  /** Stop when (f_k − f_{k+1})/max(|f_k|, |f_{k+1}|, 1) ≤ fTol after an accepted step (scipy's ftol; default 0 = off). */
  fTol?: number;
  /** Wall-clock budget in milliseconds (default Infinity). */
  timeLimitMs?: number;
  /** Keep every IterationRecord in `result.trace` (default false). */
  trace?: boolean;
  /** Called after every iteration; return `'stop'` to stop with status `callback-stop`. */
  callback?: (record: IterationRecord) => void | 'stop';
  /** Which backend runs the loop: default the objective's. `'native'` needs a native objective. */
  backend?: Backend;
}

/** Common options plus per-method settings. */
export type MinimizeOptions = CommonOptions & Record<string, unknown>;

export const COMMON_OPTION_NAMES = [
  'method', 'maxIterations', 'maxEvaluations', 'gradTol', 'relativeGradTol', 'fTol', 'timeLimitMs', 'trace',
  'callback', 'backend',
] as const;

/** Common options after validation and defaults. */
export interface ResolvedCommon {
  method: string;
  maxIterations: number;
  maxEvaluations: number;
  gradTol: number;
  relativeGradTol: number;
  fTol: number;
  timeLimitMs: number;
  trace: boolean;
  callback?: (record: IterationRecord) => void | 'stop';
  backend: Backend;
}

export function checkObjective(objective: unknown): Objective {
  const o = objective as Objective;
  if (o === null || typeof o !== 'object' || typeof o.valueAndGradient !== 'function' || typeof o.value !== 'function') {
    throw new TypeError('objective: expected an Objective (from logistic(), leastSquares(), softmax() or objective())');
  }
  if (!Number.isInteger(o.dim) || o.dim < 1) throw new TypeError('objective: dim must be a positive integer');
  return o;
}

export function checkStart(x0: unknown, dim: number): Float64Array {
  let x: Float64Array;
  if (x0 instanceof Float64Array) x = Float64Array.from(x0);
  else if (Array.isArray(x0) && x0.every((v) => typeof v === 'number')) x = Float64Array.from(x0 as number[]);
  else throw new TypeError('x0: expected a Float64Array or an array of numbers');
  if (x.length !== dim) throw new RangeError(`x0: expected length ${dim} (objective.dim), got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`x0: element ${i} is not finite (${x[i]})`);
  }
  return x;
}

/** Validates the common options (unknown names are checked together with the method's own names). */
export function resolveCommon(options: Record<string, unknown>, objective: Objective): ResolvedCommon {
  const backend = readChoice(options, 'backend', objective.backend, ['native', 'js'] as const);
  if (backend === 'native' && objective.backend !== 'native') {
    throw new RangeError("backend: 'native' needs a native objective (logistic/leastSquares/softmax with backend 'native'); user JS objectives run on the 'js' backend");
  }
  const callback = options.callback;
  if (callback !== undefined && typeof callback !== 'function') throw new TypeError('callback: expected a function');
  return {
    method: (options.method as string | undefined) ?? 'lbfgs',
    maxIterations: readNumber(options, 'maxIterations', 1000, { min: 0, integer: true, allowInfinity: false }),
    maxEvaluations: readNumber(options, 'maxEvaluations', Infinity, { min: 1, integer: true, allowInfinity: true }),
    gradTol: readNumber(options, 'gradTol', 1e-6, { min: 0 }),
    relativeGradTol: readNumber(options, 'relativeGradTol', 0, { min: 0 }),
    fTol: readNumber(options, 'fTol', 0, { min: 0 }),
    timeLimitMs: readNumber(options, 'timeLimitMs', Infinity, { above: 0, allowInfinity: true }),
    trace: readBoolean(options, 'trace', false),
    callback: callback as ResolvedCommon['callback'],
    backend,
  };
}

/** Splits options into common and per-method parts, rejecting unknown names. */
export function resolveOptions(
  options: unknown, objective: Objective, extraCommon: readonly string[] = [],
): { common: ResolvedCommon; descriptor: MethodDescriptor; settings: Settings } {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  const opts = options as Record<string, unknown>;
  const common = resolveCommon(opts, objective);
  const descriptor = findMethod(common.method);
  const methodNames = Object.keys(descriptor.defaults);
  rejectUnknown(opts, [...COMMON_OPTION_NAMES, ...extraCommon, ...methodNames], `method '${descriptor.name}'`);
  const own: Record<string, unknown> = {};
  for (const k of methodNames) if (opts[k] !== undefined) own[k] = opts[k];
  const settings = descriptor.resolve(own, objective.dim);
  for (const need of descriptor.needs ?? []) {
    if (typeof (objective as unknown as Record<string, unknown>)[need] !== 'function') {
      throw new TypeError(`objective: method '${descriptor.name}' needs ${need}, which this objective does not provide`);
    }
  }
  return { common, descriptor, settings };
}

/**
 * One run of the TypeScript loop, advanced one iteration at a time so the async driver can yield between
 * iterations. The stopping rules live in {@link Run.checkStop} only.
 */
export class Run {
  readonly oracle: CountedObjective;
  readonly method?: Method;
  readonly initialFun: number;
  readonly initialGradNorm: number;
  readonly trace: IterationRecord[] = [];
  status?: Status;
  message = '';
  nit = 0;
  private readonly start = performance.now();
  private gradNorm: number;
  private readonly x0: Float64Array;

  constructor(objective: Objective, x0: Float64Array, readonly common: ResolvedCommon,
    readonly descriptor: MethodDescriptor, settings: Settings) {
    this.oracle = new CountedObjective(objective);
    this.x0 = x0;
    const g0 = new Float64Array(x0.length);
    const f0 = this.oracle.valueAndGradient(x0, g0);
    this.initialFun = f0;
    this.gradNorm = this.initialGradNorm = norm(g0);
    if (!Number.isFinite(f0) || !allFinite(g0)) {
      this.stop('non-finite', 'f or the gradient is not finite at x0');
      return;
    }
    this.method = descriptor.create(this.oracle, x0, f0, g0, settings);
    this.checkStop(undefined, false, f0);
  }

  get elapsedMs(): number {
    return performance.now() - this.start;
  }

  private stop(status: Status, message: string): void {
    this.status = status;
    this.message = message;
  }

  /** Every stopping rule, in one place (mirrored by native/core/driver.cpp). */
  private checkStop(outcome: { accepted: boolean; stop?: { status: Status; message: string } } | undefined,
    callbackStop: boolean, previousFun: number): void {
    const c = this.common;
    const m = this.method!;
    if (outcome?.stop) return this.stop(outcome.stop.status, outcome.stop.message);
    if (!Number.isFinite(m.fun)) return this.stop('non-finite', 'f is not finite at the current point');
    if (this.gradNorm <= c.gradTol) return this.stop('grad-tol', `|grad| = ${this.gradNorm.toExponential(3)} <= gradTol = ${c.gradTol}`);
    if (this.gradNorm <= c.relativeGradTol * this.initialGradNorm) {
      return this.stop('grad-tol', `|grad| <= relativeGradTol * |grad(x0)| (${c.relativeGradTol})`);
    }
    if (outcome?.accepted && c.fTol > 0) {
      const rel = (previousFun - m.fun) / Math.max(Math.abs(previousFun), Math.abs(m.fun), 1);
      if (rel <= c.fTol) return this.stop('f-tol', `relative decrease ${rel.toExponential(3)} <= fTol = ${c.fTol}`);
    }
    if (callbackStop) return this.stop('callback-stop', "the callback returned 'stop'");
    if (this.nit >= c.maxIterations) return this.stop('max-iterations', `reached maxIterations = ${c.maxIterations}`);
    if (this.oracle.nfev + this.oracle.ngev >= c.maxEvaluations) {
      return this.stop('max-evaluations', `reached maxEvaluations = ${c.maxEvaluations} (value + gradient calls)`);
    }
    if (this.elapsedMs >= c.timeLimitMs) return this.stop('time-limit', `reached timeLimitMs = ${c.timeLimitMs}`);
  }

  /** Performs one iteration; returns its record, or undefined when the run had already stopped. */
  advance(): IterationRecord | undefined {
    if (this.status) return undefined;
    const m = this.method!;
    const previousFun = m.fun;
    const outcome = m.step();
    this.nit++;
    this.gradNorm = norm(m.grad);
    const record: IterationRecord = {
      iter: this.nit, fun: m.fun, gradNorm: this.gradNorm, stepSize: outcome.stepSize, accepted: outcome.accepted,
      ...this.oracle.counts(), elapsedMs: this.elapsedMs,
    };
    if (this.common.trace) this.trace.push(record);
    const callbackStop = this.common.callback ? this.common.callback(record) === 'stop' : false;
    this.checkStop(outcome, callbackStop, previousFun);
    return record;
  }

  /** Stops the run from outside (abort signal). */
  abort(message: string): void {
    if (!this.status) this.stop('aborted', message);
  }

  result(): OptimizeResult {
    const m = this.method;
    return finishResult({
      x: Float64Array.from(m ? m.x : this.x0),
      fun: m ? m.fun : this.initialFun,
      initialFun: this.initialFun,
      gradNorm: this.gradNorm,
      status: this.status ?? 'aborted',
      message: this.message,
      nit: this.nit,
      ...this.oracle.counts(),
      timeMs: this.elapsedMs,
      method: this.descriptor.name,
      backend: 'js',
      ...(this.common.trace ? { trace: this.trace } : {}),
    });
  }
}

/** The raw result the addon returns (native/binding/minimize_binding.cc). */
export interface NativeRawResult {
  x: Float64Array; fun: number; initialFun: number; gradNorm: number; status: Status; message: string;
  nit: number; nfev: number; ngev: number; nhdiag: number; nhvp: number; timeMs: number; trace?: IterationRecord[];
}

/** The options object the addon's minimize takes: common options plus resolved method settings, all explicit. */
export function nativeOptions(common: ResolvedCommon, settings: Settings): Record<string, unknown> {
  return {
    method: common.method, maxIterations: common.maxIterations, maxEvaluations: common.maxEvaluations,
    gradTol: common.gradTol, relativeGradTol: common.relativeGradTol, fTol: common.fTol,
    timeLimitMs: common.timeLimitMs, trace: common.trace, settings,
  };
}

export function wrapNativeResult(raw: NativeRawResult, method: string): OptimizeResult {
  return finishResult({ ...raw, method, backend: 'native' });
}

/** The handle of a native objective, for the addon. */
export function nativeHandle(objective: Objective): unknown {
  const handle = (objective as unknown as { handle?: unknown }).handle;
  if (handle === undefined) throw new TypeError('objective: not a native objective');
  return handle;
}

/**
 * Minimizes `objective` from `x0`.
 *
 * @example
 *   const f = logistic(X, y, { l2: 1 / n });
 *   const r = minimize(f, new Float64Array(f.dim), { method: 'mdb-ellipsoid', maxIterations: 500 });
 *   console.log(r.summary());
 */
export function minimize(objective: Objective, x0: Float64Array | readonly number[], options: MinimizeOptions = {}): OptimizeResult {
  const obj = checkObjective(objective);
  const start = checkStart(x0, obj.dim);
  const { common, descriptor, settings } = resolveOptions(options, obj);
  if (common.backend === 'native' && descriptor.native) {
    const addon = loadNative();
    const raw: NativeRawResult = addon.minimize(nativeHandle(obj), start, nativeOptions(common, settings), common.callback);
    return wrapNativeResult(raw, descriptor.name);
  }
  const run = new Run(obj, start, common, descriptor, settings);
  while (run.advance());
  return run.result();
}
