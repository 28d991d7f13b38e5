/**
 * The base of every stochastic optimizer class (`Sls`, `Sps`, `Ponos`, `Sgd`, `Adam`, `Adagrad`, `Lion`):
 * optax-style explicit steps (design.md §5: "the batch passed explicitly"). `step(rows)` performs ONE
 * iteration on the mini-batch `rows`; every evaluation inside that iteration (gradient, line-search trials)
 * uses the same rows (spec §4 "Closure requirement"), through `objective.batch(rows)`.
 *
 * Mirrors native/core/stochastic_method.hpp; the driver (lib/stochastic/driver.ts) only samples batches,
 * counts and checks stopping rules.
 */
import { checkObjective, checkStart } from '../minimize';
import type { Objective } from '../objectives/objective';
import { CountedObjective } from '../optimizers/oracle';
import type { Status } from '../result';

/** Row indices of a mini-batch (indices into the full data, 0-based; repeats allowed). */
export type Rows = Int32Array | readonly number[];

/** What a method's update computed; the base class adds the counters. */
export interface StepOutcome {
  /** f_B(x) on the gradient batch, before the step. */
  loss: number;
  /** f on the line-search batch at the accepted trial point (line searches only; undefined otherwise). */
  lossAfter?: number;
  /** ‖∇f_B(x)‖₂ before the step. */
  gradNorm: number;
  /**
   * The scalar that multiplied the step direction this iteration (η of the line searches, γ of SPS, the
   * learning rate of the baselines; 1e-6 after an exhausted search with `onFailure: 'tinyStep'`); 0 when the
   * point did not move.
   */
  stepSize: number;
  /** Rejected line-search trials in this iteration (0 for methods without a search). */
  backtracks: number;
  /** Whether x changed. */
  moved: boolean;
  /** True when every line-search trial failed (a `backtrackExhausted` event, spec §5). */
  exhausted: boolean;
  /** True when the method deliberately took no step (‖g‖ < 1e-8, f_B = 0, or `onFailure: 'skip'`). */
  skipped: boolean;
  /** Set when the run cannot continue (`non-finite`, or `line-search-failed` with `onFailure: 'stop'`). */
  stop?: { status: Status; message: string };
}

/** One iteration as returned by `step(rows)` (spec §4.4 "Report per iteration"). */
export interface StochasticStepRecord extends StepOutcome {
  /** 1-based iteration number of this optimizer. */
  iter: number;
  /** Cumulative mini-batch forward passes (value evaluations) of this optimizer. */
  nfev: number;
  /** Cumulative mini-batch backward passes (gradient evaluations) of this optimizer. */
  ngev: number;
}

/** Settings shared by every stochastic method. */
export interface BaseSettings {
  /** n_b: batches per epoch, used by the reset/smoothing rules γ^{1/n_b} and by SGD's decay (spec §4). */
  batchesPerEpoch: number;
}

/** ‖v‖₂² as a left-to-right sum (native code sums in the same order, so decisions match bit for bit). */
export function squaredNorm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}

/** ⟨a, b⟩ as a left-to-right sum. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The stop message when a step overflows x (native/core/stochastic_method.hpp uses the same words). */
export const NON_FINITE_STEP = 'the step made x non-finite; x is the last finite point';

/** Whether every element is finite. */
export function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** base^n for an integer n ≥ 0 by repeated squaring (the same multiplications as native/core, unlike Math.pow). */
export function powInt(base: number, n: number): number {
  let result = 1;
  let b = base;
  let e = n;
  while (e > 0) {
    if (e & 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * Base class of the optimizers with explicit steps: holds x, the counters and the batch-gradient buffer;
 * subclasses implement `update` (one iteration). x0 is copied; `x` is updated in place.
 */
export abstract class StochasticOptimizer<S extends BaseSettings = BaseSettings> {
  /** The current point (updated in place by `step`). */
  readonly x: Float64Array;
  /** Iterations performed. */
  iterations = 0;
  /** Cumulative mini-batch forward passes. */
  nfev = 0;
  /** Cumulative mini-batch backward passes. */
  ngev = 0;
  /** The gradient of the last step's batch at the point before the step. */
  protected readonly grad: Float64Array;
  protected readonly objective: Objective;
  /** x before the current step (restored when the step leaves x non-finite). */
  private readonly previous: Float64Array;

  protected constructor(objective: Objective, x0: Float64Array | readonly number[], readonly settings: S) {
    this.objective = checkObjective(objective);
    if (typeof this.objective.batch !== 'function') {
      throw new TypeError('objective: stochastic methods need batch(rows) (a data objective, or objective(fn, dim, { numSamples }))');
    }
    this.x = checkStart(x0, this.objective.dim);
    this.grad = new Float64Array(this.objective.dim);
    this.previous = new Float64Array(this.objective.dim);
  }

  /** Whether `step` needs the second argument (`lineSearchBatch: 'independent'`). */
  get needsSearchRows(): boolean {
    return false;
  }

  /**
   * One iteration on the mini-batch `rows`. `searchRows` is the independent line-search batch, required
   * when the method was built with `lineSearchBatch: 'independent'` and ignored otherwise.
   */
  step(rows: Rows, searchRows?: Rows): StochasticStepRecord {
    const batch = new CountedObjective(this.objective.batch!(rows));
    let search = batch;
    if (this.needsSearchRows) {
      if (searchRows === undefined) throw new TypeError("searchRows: required with lineSearchBatch: 'independent'");
      search = new CountedObjective(this.objective.batch!(searchRows));
    }
    // A step may overflow x (an absurd learningRate, say) although f_B and ∇f_B were finite: x then returns
    // to its last finite value and the run stops as 'non-finite' (the deterministic driver's contract).
    this.previous.set(this.x);
    let outcome = this.update(batch, search);
    if (!outcome.stop && !allFinite(this.x)) {
      this.x.set(this.previous);
      outcome = { ...outcome, moved: false, stop: { status: 'non-finite', message: NON_FINITE_STEP } };
    }
    this.iterations++;
    this.nfev += batch.nfev + (search === batch ? 0 : search.nfev);
    this.ngev += batch.ngev + (search === batch ? 0 : search.ngev);
    return { ...outcome, iter: this.iterations, nfev: this.nfev, ngev: this.ngev };
  }

  /**
   * The method's iteration: `batch` gives f_B and ∇f_B; `search` is the line-search batch (the same object
   * unless `lineSearchBatch: 'independent'`). Both count their calls.
   */
  protected abstract update(batch: CountedObjective, search: CountedObjective): StepOutcome;

  /** Evaluates f_B(x), ∇f_B(x) into this.grad; returns the outcome to report when they are not finite. */
  protected evaluate(batch: CountedObjective): { loss: number; gradSq: number; gradNorm: number; bad?: StepOutcome } {
    const loss = batch.valueAndGradient(this.x, this.grad);
    const gradSq = squaredNorm(this.grad);
    const gradNorm = Math.sqrt(gradSq);
    if (!Number.isFinite(loss) || !allFinite(this.grad)) {
      return {
        loss, gradSq, gradNorm,
        bad: {
          loss, gradNorm, stepSize: 0, backtracks: 0, moved: false, exhausted: false, skipped: false,
          stop: { status: 'non-finite', message: 'the mini-batch loss or gradient is not finite at the current point' },
        },
      };
    }
    return { loss, gradSq, gradNorm };
  }
}

/** How the driver finds, validates and builds a stochastic method (the stochastic twin of MethodDescriptor). */
export interface StochasticMethodDescriptor<S extends BaseSettings = BaseSettings> {
  /** The `method` name of minimizeStochastic. */
  name: string;
  /** One line for error messages and docs. */
  summary: string;
  /** Per-method option names accepted beyond the driver's own. */
  optionNames: readonly string[];
  /** Validates the options and fills every default (and derived value) — the settings native code receives. */
  resolve(options: Record<string, unknown>): S;
  /** Builds the TypeScript optimizer (it resolves the same options itself). */
  create(objective: Objective, x0: Float64Array, options: Record<string, unknown>): StochasticOptimizer<S>;
  /** Whether step() wants an independent line-search batch with these settings. */
  independent(settings: S): boolean;
  /** Whether native/core implements it (then native objectives can run the whole loop in C++). */
  native: boolean;
}
