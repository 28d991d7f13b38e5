/**
 * `minimizeStochastic(objective, x0, options)`: the mini-batch driver (spec §4.4, design.md §3). Mirrors
 * native/core/stochastic_driver.cpp rule for rule; for a native objective with `backend: 'native'` the whole
 * loop runs there.
 *
 * - Sampling: per epoch a permutation of 0..n−1 from the seeded xoshiro128** stream (lib/stochastic/prng.ts,
 *   identical in C++), cut into ⌈n/batchSize⌉ batches, the last possibly smaller. One iteration = one batch;
 *   every evaluation in an iteration uses that batch (`objective.batch(rows)`).
 * - Full-data evaluations: f and ∇f on all n rows at x₀, after every `checkEvery`-th epoch (and the last),
 *   and at the returned point. They feed `initialFun`, the per-epoch trace/callback, `gradTol` and `fun`,
 *   and are counted apart from the mini-batch calls: `nfev`/`ngev` count mini-batch forwards/backwards
 *   (one per call, whatever the batch size), `fullEvaluations` counts full f+∇f pairs, `fullEvalMs` their time.
 * - Stopping, checked in this order: at an epoch start `epochs` done or `maxIterations` reached (status
 *   `max-iterations`); before every batch `maxIterations`, `timeLimitMs` (and the abort flag natively);
 *   after every batch the method's own stop (`non-finite`, `line-search-failed`); after a full evaluation
 *   `non-finite`, `grad-tol` (‖∇f‖ ≤ gradTol), then the callback's `'stop'`.
 */
import { checkObjective, checkStart, nativeHandle } from '../minimize';
import { loadNative } from '../native';
import type { Backend, Objective } from '../objectives/objective';
import { readBoolean, readChoice, readNumber, rejectUnknown } from '../options';
import { finishResult, type IterationRecord, type OptimizeResult, type Status } from '../result';
import { findStochasticMethod, type StochasticMethodName } from './methods';
import { squaredNorm, type BaseSettings, type StochasticMethodDescriptor, type StochasticOptimizer } from './optimizer';
import { EpochSampler, checkSeed } from './prng';

/**
 * The per-epoch record of trace and callback (one per full-data checkpoint, i.e. every `checkEvery` epochs).
 * `fun` and `gradNorm` are the FULL-data f and ‖∇f‖₂ at the current point; `iter` counts mini-batch
 * iterations so far; `stepSize` is the last iteration's step (see each method) and `accepted` whether it moved;
 * `nfev`/`ngev` count mini-batch forwards/backwards so far.
 */
export interface StochasticEpochRecord extends IterationRecord {
  /** Epochs completed. */
  epoch: number;
  /** Mean `stepSize` over the iterations since the previous record. */
  meanStepSize: number;
  /** Full-data f+∇f evaluations so far (x₀ included). */
  fullEvaluations: number;
  /** Rejected line-search trials so far. */
  backtracks: number;
  /** Line searches whose every trial failed, so far. */
  exhaustedSearches: number;
  /** Iterations without a step (‖g‖ < 1e-8, f_B = 0, or onFailure 'skip'), so far. */
  skippedSteps: number;
}

/** The result of minimizeStochastic: `fun`, `gradNorm` are full-data values at `x`; `nit` counts mini-batch iterations. */
export interface StochasticResult extends OptimizeResult {
  /** Epochs completed. */
  epochs: number;
  /** Full-data f+∇f evaluations (x₀, checkpoints, final point); not included in nfev/ngev. */
  fullEvaluations: number;
  /** Milliseconds spent in full-data evaluations (included in timeMs). */
  fullEvalMs: number;
  /** Rejected line-search trials. */
  backtracks: number;
  /** Line searches whose every trial failed. */
  exhaustedSearches: number;
  /** Iterations without a step. */
  skippedSteps: number;
  trace?: StochasticEpochRecord[];
}

/** Options of minimizeStochastic; per-method options (e.g. `c`, `learningRate`, `precond`) go in the same object. */
export interface StochasticOptions {
  /** `'sls' | 'sps' | 'ponos' | 'sgd' | 'adam' | 'adagrad' | 'lion'` (default `'sls'`). */
  method?: StochasticMethodName;
  /** Rows per mini-batch (REQUIRED; integer ≥ 1; values above n use all rows). */
  batchSize: number;
  /** Epochs, i.e. passes over the shuffled data (default 10). */
  epochs?: number;
  /** Seed of the sampling stream, an integer in [0, 2^53 − 1] (default 0). Same seed ⇒ same run. */
  seed?: number;
  /** Budget of mini-batch iterations (default Infinity). */
  maxIterations?: number;
  /** Wall-clock budget in ms, checked before every batch (default Infinity). */
  timeLimitMs?: number;
  /** Stop when the full-data ‖∇f‖₂ ≤ gradTol at a checkpoint (default 0: only an exact zero). */
  gradTol?: number;
  /** Full-data evaluation every this many epochs (default 1; the last epoch is always evaluated). */
  checkEvery?: number;
  /** Keep the per-epoch records in `result.trace` (default false). */
  trace?: boolean;
  /** Called after every full-data checkpoint; return `'stop'` to stop with status `callback-stop`. */
  callback?: (record: StochasticEpochRecord) => void | 'stop';
  /** Which backend runs the loop (default the objective's; `'native'` needs a native objective). */
  backend?: Backend;
  [methodOption: string]: unknown;
}

/** Option names the driver itself reads (the rest go to the method). */
export const STOCHASTIC_COMMON_NAMES = [
  'method', 'batchSize', 'epochs', 'seed', 'maxIterations', 'timeLimitMs', 'gradTol', 'checkEvery', 'trace',
  'callback', 'backend',
] as const;

/** Driver options after validation. */
export interface StochasticCommon {
  method: string;
  numSamples: number;
  batchSize: number;
  epochs: number;
  seed: number;
  maxIterations: number;
  timeLimitMs: number;
  gradTol: number;
  checkEvery: number;
  trace: boolean;
  callback?: (record: StochasticEpochRecord) => void | 'stop';
  backend: Backend;
}

/** Validates everything up front; returns the driver options, the method and its options and settings. */
export function resolveStochastic(objective: Objective, options: unknown): {
  common: StochasticCommon; descriptor: StochasticMethodDescriptor; methodOptions: Record<string, unknown>; settings: BaseSettings;
} {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new TypeError('options: expected an object with at least batchSize');
  }
  const o = options as Record<string, unknown>;
  const n = objective.numSamples;
  if (typeof objective.batch !== 'function' || !Number.isInteger(n) || (n as number) < 1) {
    throw new TypeError('objective: minimizeStochastic needs a data objective with numSamples and batch(rows) (logistic, leastSquares, softmax, or objective(fn, dim, { numSamples }))');
  }
  const descriptor = findStochasticMethod(o.method ?? 'sls');
  rejectUnknown(o, [...STOCHASTIC_COMMON_NAMES, ...descriptor.optionNames], `minimizeStochastic with method '${descriptor.name}'`);
  if (o.batchSize === undefined) throw new TypeError('batchSize: required (rows per mini-batch, an integer >= 1)');
  const batchSize = readNumber(o, 'batchSize', 1, { min: 1, integer: true });
  const backend = readChoice(o, 'backend', objective.backend, ['native', 'js'] as const);
  if (backend === 'native' && objective.backend !== 'native') {
    throw new RangeError("backend: 'native' needs a native objective (logistic/leastSquares/softmax with backend 'native'); user JS objectives run on the 'js' backend");
  }
  const callback = o.callback;
  if (callback !== undefined && typeof callback !== 'function') throw new TypeError('callback: expected a function');
  const common: StochasticCommon = {
    method: descriptor.name,
    numSamples: n as number,
    batchSize,
    epochs: readNumber(o, 'epochs', 10, { min: 0, integer: true }),
    seed: o.seed === undefined ? 0 : checkSeed(o.seed),
    maxIterations: readNumber(o, 'maxIterations', Infinity, { min: 0, integer: true, allowInfinity: true }),
    timeLimitMs: readNumber(o, 'timeLimitMs', Infinity, { above: 0, allowInfinity: true }),
    gradTol: readNumber(o, 'gradTol', 0, { min: 0 }),
    checkEvery: readNumber(o, 'checkEvery', 1, { min: 1, integer: true }),
    trace: readBoolean(o, 'trace', false),
    callback: callback as StochasticCommon['callback'],
    backend,
  };
  const methodOptions: Record<string, unknown> = {};
  for (const k of descriptor.optionNames) if (o[k] !== undefined) methodOptions[k] = o[k];
  if (methodOptions.batchesPerEpoch === undefined) methodOptions.batchesPerEpoch = Math.ceil(common.numSamples / batchSize);
  return { common, descriptor, methodOptions, settings: descriptor.resolve(methodOptions) };
}

/**
 * One run of the TypeScript loop, advanced one mini-batch at a time (the async driver can yield between
 * calls). Every stopping rule lives here and in native/core/stochastic_driver.cpp, in the same order.
 */
export class StochasticRun {
  readonly optimizer: StochasticOptimizer;
  readonly trace: StochasticEpochRecord[] = [];
  readonly initialFun: number;
  status?: Status;
  message = '';
  nit = 0;
  epoch = 0;
  private readonly sampler: EpochSampler;
  private readonly independent: boolean;
  private readonly start = performance.now();
  private readonly fullGrad: Float64Array;
  private fun: number;
  private gradNorm: number;
  private fullEvaluations = 0;
  private fullEvalMs = 0;
  private evaluatedAt = 0;
  private nextBatch = -1;
  private backtracks = 0;
  private exhaustedSearches = 0;
  private skippedSteps = 0;
  private stepSum = 0;
  private stepCount = 0;
  private lastStep = 0;
  private lastMoved = false;

  constructor(private readonly objective: Objective, x0: Float64Array, readonly common: StochasticCommon,
    readonly descriptor: StochasticMethodDescriptor, methodOptions: Record<string, unknown>, settings: BaseSettings) {
    this.independent = descriptor.independent(settings);
    this.sampler = new EpochSampler(common.numSamples, common.batchSize, common.seed, this.independent);
    this.optimizer = descriptor.create(objective, x0, methodOptions);
    this.fullGrad = new Float64Array(objective.dim);
    this.fun = this.evaluateFull();
    this.initialFun = this.fun;
    this.gradNorm = Math.sqrt(squaredNorm(this.fullGrad));
    if (!Number.isFinite(this.fun) || !Number.isFinite(this.gradNorm)) this.stop('non-finite', 'f or the gradient is not finite at x0');
  }

  get elapsedMs(): number {
    return performance.now() - this.start;
  }

  private stop(status: Status, message: string): void {
    this.status = status;
    this.message = message;
  }

  private evaluateFull(): number {
    const t = performance.now();
    const f = this.objective.valueAndGradient(this.optimizer.x, this.fullGrad);
    this.fullEvalMs += performance.now() - t;
    this.fullEvaluations++;
    this.evaluatedAt = this.nit;
    return f;
  }

  /** Performs one mini-batch iteration (plus the epoch's bookkeeping); false once the run has stopped. */
  advance(): boolean {
    if (this.status) return false;
    const c = this.common;
    if (this.nextBatch < 0) {
      if (this.epoch >= c.epochs) this.stop('max-iterations', `completed epochs = ${c.epochs}`);
      else if (this.nit >= c.maxIterations) this.stop('max-iterations', `reached maxIterations = ${c.maxIterations}`);
      if (this.status) return false;
      this.sampler.startEpoch();
      this.nextBatch = 0;
    }
    if (this.nit >= c.maxIterations) this.stop('max-iterations', `reached maxIterations = ${c.maxIterations}`);
    else if (this.elapsedMs >= c.timeLimitMs) this.stop('time-limit', `reached timeLimitMs = ${c.timeLimitMs}`);
    if (this.status) return false;
    const k = this.nextBatch;
    const rec = this.optimizer.step(this.sampler.batch(k), this.independent ? this.sampler.searchBatch(k) : undefined);
    this.nit++;
    this.nextBatch++;
    this.backtracks += rec.backtracks;
    if (rec.exhausted) this.exhaustedSearches++;
    if (rec.skipped) this.skippedSteps++;
    this.stepSum += rec.stepSize;
    this.stepCount++;
    this.lastStep = rec.stepSize;
    this.lastMoved = rec.moved;
    if (rec.stop) {
      this.stop(rec.stop.status, rec.stop.message);
      return false;
    }
    if (this.nextBatch === this.sampler.batchesPerEpoch) {
      this.nextBatch = -1;
      this.epoch++;
      if (this.epoch % c.checkEvery === 0 || this.epoch === c.epochs) this.checkpoint();
    }
    return !this.status;
  }

  /** Full-data evaluation, record, callback and the checks that depend on them. */
  private checkpoint(): void {
    this.fun = this.evaluateFull();
    this.gradNorm = Math.sqrt(squaredNorm(this.fullGrad));
    const record: StochasticEpochRecord = {
      iter: this.nit, epoch: this.epoch, fun: this.fun, gradNorm: this.gradNorm, stepSize: this.lastStep,
      accepted: this.lastMoved, nfev: this.optimizer.nfev, ngev: this.optimizer.ngev, nhdiag: 0, nhvp: 0,
      elapsedMs: this.elapsedMs, meanStepSize: this.stepCount > 0 ? this.stepSum / this.stepCount : 0,
      fullEvaluations: this.fullEvaluations, backtracks: this.backtracks, exhaustedSearches: this.exhaustedSearches,
      skippedSteps: this.skippedSteps,
    };
    this.stepSum = 0;
    this.stepCount = 0;
    if (this.common.trace) this.trace.push(record);
    const callbackStop = this.common.callback ? this.common.callback(record) === 'stop' : false;
    if (!Number.isFinite(this.fun) || !Number.isFinite(this.gradNorm)) this.stop('non-finite', 'the full-data f or gradient is not finite');
    else if (this.gradNorm <= this.common.gradTol) this.stop('grad-tol', `|grad| = ${this.gradNorm.toExponential(3)} <= gradTol = ${this.common.gradTol}`);
    else if (callbackStop) this.stop('callback-stop', "the callback returned 'stop'");
  }

  /** Stops the run from outside (abort signal). */
  abort(message: string): void {
    if (!this.status) this.stop('aborted', message);
  }

  /** The result; evaluates the full objective at the final point if it moved since the last checkpoint. */
  result(): StochasticResult {
    if (this.evaluatedAt !== this.nit) {
      this.fun = this.evaluateFull();
      this.gradNorm = Math.sqrt(squaredNorm(this.fullGrad));
    }
    return finishResult({
      x: Float64Array.from(this.optimizer.x),
      fun: this.fun,
      initialFun: this.initialFun,
      gradNorm: this.gradNorm,
      status: this.status ?? 'aborted',
      message: this.message,
      nit: this.nit,
      nfev: this.optimizer.nfev,
      ngev: this.optimizer.ngev,
      nhdiag: 0,
      nhvp: 0,
      timeMs: this.elapsedMs,
      method: this.descriptor.name,
      backend: 'js',
      epochs: this.epoch,
      fullEvaluations: this.fullEvaluations,
      fullEvalMs: this.fullEvalMs,
      backtracks: this.backtracks,
      exhaustedSearches: this.exhaustedSearches,
      skippedSteps: this.skippedSteps,
      ...(this.common.trace ? { trace: this.trace } : {}),
    } as Omit<StochasticResult, 'success' | 'summary'>) as StochasticResult;
  }
}

/** The options object the addon's minimizeStochastic takes: driver options plus resolved settings, all explicit. */
export function nativeStochasticOptions(common: StochasticCommon, settings: BaseSettings): Record<string, unknown> {
  return {
    method: common.method, batchSize: common.batchSize, epochs: common.epochs, seed: common.seed,
    maxIterations: common.maxIterations, timeLimitMs: common.timeLimitMs, gradTol: common.gradTol,
    checkEvery: common.checkEvery, trace: common.trace, settings,
  };
}

/**
 * Minimizes f(x) = (1/n)Σ f_i(x) with a stochastic method over shuffled mini-batches (spec §4).
 *
 * @example
 *   const f = logistic(X, y);                       // separable data, no L2: an interpolating problem
 *   const r = minimizeStochastic(f, new Float64Array(f.dim), { method: 'sls', batchSize: 64, epochs: 20, seed: 1 });
 *   console.log(r.fun, r.trace?.map((e) => e.fun));
 */
export function minimizeStochastic(objective: Objective, x0: Float64Array | readonly number[], options: StochasticOptions): StochasticResult {
  const obj = checkObjective(objective);
  const start = checkStart(x0, obj.dim);
  const { common, descriptor, methodOptions, settings } = resolveStochastic(obj, options);
  if (common.backend === 'native' && descriptor.native) {
    const addon = loadNative();
    if (typeof addon.minimizeStochastic !== 'function') {
      throw new Error("backend: the loaded native addon has no minimizeStochastic (rebuild it), or pass backend: 'js'");
    }
    const raw = addon.minimizeStochastic(nativeHandle(obj), start, nativeStochasticOptions(common, settings), common.callback);
    return finishResult({ ...raw, method: descriptor.name, backend: 'native' }) as StochasticResult;
  }
  const run = new StochasticRun(obj, start, common, descriptor, methodOptions, settings);
  while (run.advance());
  return run.result();
}
