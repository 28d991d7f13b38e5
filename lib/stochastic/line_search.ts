/**
 * The stochastic Armijo machinery shared by SLS (spec §4.1) and PoNoS (spec §4.3), plain or preconditioned
 * (spec §4.5). Mirrors native/core/stochastic_line_search.{hpp,cpp}.
 *
 * One iteration on batch B (and line-search batch B' = B unless `lineSearchBatch: 'independent'`):
 *  1. f = f_B(x), g = ∇f_B(x) (1 forward + 1 backward); directions p, D⊙m̂ and s = ⟨g, p⟩ (§4.5; p = g and
 *     s = ‖g‖² without preconditioner).
 *  2. The method's first trial η₀ (SLS: reset rule; PoNoS: Polyak step) and its bookkeeping of f.
 *  3. Skip (no step) when ‖g‖ < 1e-8 (PoNoS also when f = 0).
 *  4. Reference R: f_{B'}(x) (one extra forward when B' ≠ B), and for PoNoS max(C, f_{B'}(x)).
 *  5. Up to `maxTrials` trials y = x − η·p (from the stored x), accepting the first with
 *     f_{B'}(y) ≤ R − c·η·s; otherwise η ← decreaseFactor·η. A non-finite f_{B'}(y) is a rejection.
 *  6. Accepted: x ← x − η·D⊙m̂ (= y when the two directions coincide). Exhausted (a `backtrackExhausted`
 *     event): `onFailure` `'tinyStep'` x ← x − 1e-6·D⊙m̂ (the references' rule), `'skip'` no step, `'stop'`
 *     ends the run with status `line-search-failed`.
 */
import type { Objective } from '../objectives/objective';
import type { CountedObjective } from '../optimizers/oracle';
import { readChoice, readNumber } from '../options';
import { PRECOND_OPTION_NAMES, ScaledDirections, resolvePrecond, type PrecondSettings } from './preconditioner';
import { StochasticOptimizer, type BaseSettings, type StepOutcome } from './optimizer';
import { readBatchesPerEpoch, readOpenUnit } from './settings';

/** Where the Armijo trials are evaluated (spec §4 "Independence option", sls#8). */
export type LineSearchBatch = 'same' | 'independent';
/** What an exhausted search does (spec §5). */
export type FailurePolicy = 'tinyStep' | 'skip' | 'stop';

/** Step length applied after an exhausted search with `onFailure: 'tinyStep'` (spec §4.1 step 5, §4.3 step 5). */
export const TINY_STEP = 1e-6;
/** ‖g‖ below this: no step (spec §4.1 step 3, §4.3 step 4). */
export const GRAD_SKIP = 1e-8;

/** Settings shared by `sls` and `ponos`. */
export interface LineSearchSettings extends BaseSettings, PrecondSettings {
  /** Armijo constant c. */
  c: number;
  /** Backtracking factor (β of SLS, δ of PoNoS). */
  decreaseFactor: number;
  /** Trials per iteration (default 100, the references'; see spec §6.1 on step collapse). */
  maxTrials: number;
  /** Lower bound: SLS floors the stored step at it, PoNoS clips the first trial (η_min). */
  minStep: number;
  /** Upper bound on the first trial (η_max). */
  maxStep: number;
  /** Batch of the Armijo test (default `'same'`). */
  lineSearchBatch: LineSearchBatch;
  /** What an exhausted search does (default `'tinyStep'`). */
  onFailure: FailurePolicy;
}

/** Option names shared by `sls` and `ponos`. */
export const LINE_SEARCH_OPTION_NAMES = [
  'c', 'decreaseFactor', 'maxTrials', 'minStep', 'maxStep', 'lineSearchBatch', 'onFailure', 'batchesPerEpoch',
  'preset', ...PRECOND_OPTION_NAMES,
] as const;

/** Reads the shared settings; `defaults` gives the method's own defaults for c, decreaseFactor, minStep, maxStep. */
export function resolveLineSearch(
  o: Record<string, unknown>, defaults: { c: number; decreaseFactor: number; minStep: number; maxStep: number },
): LineSearchSettings {
  const minStep = readNumber(o, 'minStep', defaults.minStep, { min: 0 });
  const maxStep = readNumber(o, 'maxStep', defaults.maxStep, { above: 0, allowInfinity: true });
  if (minStep > maxStep) throw new RangeError(`minStep: must be <= maxStep (${maxStep}), got ${minStep}`);
  return {
    batchesPerEpoch: readBatchesPerEpoch(o),
    c: readOpenUnit(o, 'c', defaults.c),
    decreaseFactor: readOpenUnit(o, 'decreaseFactor', defaults.decreaseFactor),
    maxTrials: readNumber(o, 'maxTrials', 100, { min: 1, max: 1000000, integer: true }),
    minStep,
    maxStep,
    lineSearchBatch: readChoice(o, 'lineSearchBatch', 'same', ['same', 'independent'] as const),
    onFailure: readChoice(o, 'onFailure', 'tinyStep', ['tinyStep', 'skip', 'stop'] as const),
    ...resolvePrecond(o),
  };
}

/** The result of one backtracking search. */
export interface BacktrackResult {
  /** The accepted η, or the last η shrunk once more after an exhausted search. */
  eta: number;
  accepted: boolean;
  /** Rejected trials (maxTrials when exhausted). */
  rejected: number;
  /** f_{B'} at the accepted trial (NaN when exhausted). */
  value: number;
}

/**
 * Armijo backtracking from the stored point: trials y = x − η·p, accept f(y) ≤ R − c·η·s, else η ← δ·η
 * (spec §4.1 step 4, §4.3 step 5, §4.5 step 6). Writes the last trial into `trial`.
 */
export function backtrack(
  search: CountedObjective, x: Float64Array, p: Float64Array, s: number, eta0: number, reference: number,
  c: number, decrease: number, maxTrials: number, trial: Float64Array,
): BacktrackResult {
  let eta = eta0;
  for (let e = 0; e < maxTrials; e++) {
    for (let i = 0; i < x.length; i++) trial[i] = x[i] - eta * p[i];
    const value = search.value(trial);
    if (value <= reference - c * eta * s) return { eta, accepted: true, rejected: e, value };
    eta *= decrease;
  }
  return { eta, accepted: false, rejected: maxTrials, value: NaN };
}

/** Floor of η in the Goldstein search's shrink branch (the reference's max(β·η, 1e-8)). */
export const GOLDSTEIN_MIN_STEP = 1e-8;

/**
 * Goldstein search (SLS's `lineSearch: 'goldstein'`, spec §4.1): trials y = x − η·p; accept when
 * R − (1−c)·η·s ≤ f(y) ≤ R − c·η·s. Armijo alone (the step is too short): η ← min(forward·η, etaMax);
 * otherwise (too long, or f(y) not finite): η ← max(decrease·η, 1e-8). Accepted too when Armijo holds at
 * η = etaMax (the reference would retry that same η until maxTrials and then take a 1e-6 step).
 */
export function goldstein(
  search: CountedObjective, x: Float64Array, p: Float64Array, s: number, eta0: number, reference: number,
  c: number, decrease: number, forward: number, etaMax: number, maxTrials: number, trial: Float64Array,
): BacktrackResult {
  let eta = eta0;
  for (let e = 0; e < maxTrials; e++) {
    for (let i = 0; i < x.length; i++) trial[i] = x[i] - eta * p[i];
    const value = search.value(trial);
    const armijo = value <= reference - c * eta * s;
    if (armijo && (value >= reference - (1 - c) * eta * s || eta >= etaMax)) return { eta, accepted: true, rejected: e, value };
    eta = armijo ? Math.min(eta * forward, etaMax) : Math.max(eta * decrease, GOLDSTEIN_MIN_STEP);
  }
  return { eta, accepted: false, rejected: maxTrials, value: NaN };
}

/** The shared iteration of SLS and PoNoS; subclasses give the first trial, the reference and the bookkeeping. */
export abstract class LineSearchOptimizer<S extends LineSearchSettings> extends StochasticOptimizer<S> {
  /** Preconditioner/momentum state and the directions of the last iteration (spec §4.5). */
  readonly directions: ScaledDirections;
  protected readonly trial: Float64Array;

  protected constructor(objective: Objective, x0: Float64Array | readonly number[], settings: S) {
    super(objective, x0, settings);
    this.directions = new ScaledDirections(this.x.length, settings);
    this.trial = new Float64Array(this.x.length);
  }

  override get needsSearchRows(): boolean {
    return this.settings.lineSearchBatch === 'independent';
  }

  /** The first trial η₀ for batch loss f and decrease term s. */
  protected abstract firstTrial(loss: number, s: number): number;
  /** Bookkeeping of the batch loss f_B(x), every iteration (skipped ones included). */
  protected noteLoss(_loss: number): void {}
  /** The Armijo reference R from f_{B'}(x). */
  protected reference(searchLoss: number): number {
    return searchLoss;
  }
  /** Whether f_B(x) = 0 also means "no step" (PoNoS). */
  protected get skipsZeroLoss(): boolean {
    return false;
  }
  /** State update after the iteration: `result` is undefined on a skipped iteration. */
  protected abstract afterSearch(eta0: number, result: BacktrackResult | undefined): void;
  /** The search from η₀ against reference R along the search direction (Armijo backtracking by default). */
  protected search(search: CountedObjective, s: number, eta0: number, reference: number): BacktrackResult {
    const st = this.settings;
    return backtrack(search, this.x, this.directions.searchDir, s, eta0, reference, st.c, st.decreaseFactor, st.maxTrials, this.trial);
  }

  protected update(batch: CountedObjective, search: CountedObjective): StepOutcome {
    const { loss, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const dirs = this.directions;
    dirs.update(this.grad);
    const s = dirs.s;
    this.noteLoss(loss);
    const eta0 = this.firstTrial(loss, s);
    const base = { loss, gradNorm, backtracks: 0, exhausted: false };
    if (gradNorm < GRAD_SKIP || (this.skipsZeroLoss && loss === 0)) {
      this.afterSearch(eta0, undefined);
      return { ...base, stepSize: 0, moved: false, skipped: true };
    }
    const searchLoss = search === batch ? loss : search.value(this.x);
    if (!Number.isFinite(searchLoss)) {
      return {
        ...base, stepSize: 0, moved: false, skipped: false,
        stop: { status: 'non-finite', message: 'the line-search batch loss is not finite at the current point' },
      };
    }
    const st = this.settings;
    const result = this.search(search, s, eta0, this.reference(searchLoss));
    this.afterSearch(eta0, result);
    const out = { ...base, backtracks: result.rejected };
    if (result.accepted) {
      this.move(result.eta);
      return { ...out, lossAfter: result.value, stepSize: result.eta, moved: true, skipped: false };
    }
    if (st.onFailure === 'tinyStep') {
      this.move(TINY_STEP);
      return { ...out, stepSize: TINY_STEP, moved: true, exhausted: true, skipped: false };
    }
    if (st.onFailure === 'skip') return { ...out, stepSize: 0, moved: false, exhausted: true, skipped: true };
    return {
      ...out, stepSize: 0, moved: false, exhausted: true, skipped: false,
      stop: { status: 'line-search-failed', message: `all ${st.maxTrials} Armijo trials failed (onFailure: 'stop')` },
    };
  }

  /** x ← x − η·D⊙m̂ from the stored point. */
  private move(eta: number): void {
    const step = this.directions.stepDir;
    for (let i = 0; i < this.x.length; i++) this.x[i] = this.x[i] - eta * step[i];
  }
}
