/**
 * SLS: SGD with a stochastic Armijo line search (Vaswani et al. 2019; spec §4.1), optionally preconditioned
 * (SLS-AMSGrad/Adam/AdaGrad, spec §4.5). Mirrors native/core/stochastic_sls.{hpp,cpp}.
 *
 * When it is justified: Armijo on mini-batches is backed by theory under *interpolation* (every f_i is
 * minimized at a common point: separable logistic without L2, consistent least squares). With L2 or noisy
 * data the accepted steps shrink with the batch noise and growth option 1 has no cap, so set `maxStep`
 * (e.g. 10) for non-convex or non-interpolating user functions (spec §6.2; jaxopt#324).
 *
 * First trial η₀ from the stored step η_prev (`resetOption`, spec §4.1 step 2):
 *  - 0: η_prev;  1 (default): η_prev·γ^{1/n_b} (no cap, as IssamLaradji/sls);  2: `initialStep` every iteration;
 *  - 11: option 1 capped at 10 (PoNoS repo's eta_max);
 *  then η₀ ← min(η₀, maxStep). γ = `increaseFactor`, n_b = `batchesPerEpoch`.
 * Stored step: the accepted η, or η₀ on a skipped iteration (‖g‖ < 1e-8), or after an exhausted search the
 * shrunk η₀·β^maxTrials (plain, spec §4.1 step 5) or 1e-6 (preconditioned, spec §4.5 step 6); always
 * floored at `minStep` (1e-8).
 * Step collapse (spec §6.1): one hard batch that exhausts 100 trials divides the stored step by
 * 0.9^-100 ≈ 3.8e4, and option 1 regrows it by only γ per epoch (~15 epochs to recover). Lower `maxTrials`
 * (e.g. 30), raise `minStep`, or use PoNoS, which restarts from a Polyak step every iteration.
 * Cost: 1 gradient + (backtracks + 1) forwards per iteration (+1 forward with an independent batch).
 * Goldstein variant (`lineSearch: 'goldstein'`, spec §4.1): a trial is accepted when it satisfies both
 * Armijo and the opposite Goldstein side f_B(y) ≥ f_B − (1−c)·η·s; a step that only satisfies Armijo is
 * too short and grows by `forwardFactor` (β_f = 2) up to `maxStep` (eta_max = 10, the reference's
 * bound_step_size), one that fails Armijo shrinks by β (floor 1e-8). Needs c ≤ 1/2 (the reference raises
 * otherwise). The reference's experiments pair it with resetOption 0, our default for it. One deviation:
 * a step at eta_max that satisfies Armijo is accepted (the reference retries it until maxTrials).
 * Not implemented: the `infer_c` heuristic (spec §4.1 says not to ship it).
 */
import type { Objective } from '../objectives/objective';
import type { CountedObjective } from '../optimizers/oracle';
import { readChoice, readNumber } from '../options';
import { LINE_SEARCH_OPTION_NAMES, LineSearchOptimizer, TINY_STEP, goldstein, resolveLineSearch, type BacktrackResult, type LineSearchSettings } from './line_search';
import type { StochasticMethodDescriptor } from './optimizer';
import type { PrecondKind, SearchDirectionKind } from './preconditioner';
import { applyPreset, readIntegerChoice } from './settings';

/** Goldstein's default eta_max (the reference's, with bound_step_size). */
export const GOLDSTEIN_ETA_MAX = 10;

/** Cap of reset option 11 (the PoNoS repository's eta_max). */
export const RESET11_CAP = 10;

/** Options of `sls` (all optional; defaults in brackets). */
export interface SlsOptions {
  /** Fill the values of a published configuration first: `'slsAmsgrad'` (ada_sls experiments: amsgrad, β1 0, β2 0.99, c 0.1, initialStep 100, resetOption 1). Explicit options win. */
  preset?: 'slsAmsgrad';
  /** `'armijo'` [default] or `'goldstein'` (accept only steps that are neither too long nor too short). */
  lineSearch?: 'armijo' | 'goldstein';
  /** β_f, growth of a too-short Goldstein step [2]. */
  forwardFactor?: number;
  /** Reset rule of the first trial: 0, 1, 2 or 11 [1; 0 with Goldstein]. */
  resetOption?: 0 | 1 | 2 | 11;
  /** γ of reset option 1/11 [2]. */
  increaseFactor?: number;
  /** β, backtracking factor in (0, 1) [0.9]. */
  decreaseFactor?: number;
  /** Armijo constant c in (0, 1) [0.1] (the convex theory uses 0.5). */
  c?: number;
  /** η of the first iteration, and of every iteration with resetOption 2 [1]. */
  initialStep?: number;
  /** Trials per iteration [100]. */
  maxTrials?: number;
  /** Floor of the stored step [1e-8]. */
  minStep?: number;
  /** Cap of the first trial, and Goldstein's eta_max [Infinity; 10 with Goldstein]. */
  maxStep?: number;
  /** `'same'` [default] or `'independent'` (a second batch, 1 more forward per iteration). */
  lineSearchBatch?: 'same' | 'independent';
  /** `'tinyStep'` [default], `'skip'` or `'stop'`. */
  onFailure?: 'tinyStep' | 'skip' | 'stop';
  /** n_b in γ^{1/n_b} [500; minimizeStochastic sets ⌈n/batchSize⌉]. */
  batchesPerEpoch?: number;
  /** Diagonal preconditioner ['none']. */
  precond?: PrecondKind;
  /** Momentum of the step direction [0]. */
  beta1?: number;
  /** Second-moment decay [0.99]. */
  beta2?: number;
  /** ε of the preconditioner [1e-8]. */
  eps?: number;
  /** Trial direction ['gradient']. */
  searchDirection?: SearchDirectionKind;
}

/** Resolved `sls` settings (what native code receives). */
export interface SlsSettings extends LineSearchSettings {
  lineSearch: 'armijo' | 'goldstein';
  forwardFactor: number;
  resetOption: 0 | 1 | 2 | 11;
  increaseFactor: number;
  initialStep: number;
  /** Derived: increaseFactor^(1/batchesPerEpoch), computed once so both backends use the same bits. */
  stepGrowth: number;
}

/** Option names of `sls`. */
export const SLS_OPTION_NAMES = [...LINE_SEARCH_OPTION_NAMES, 'resetOption', 'increaseFactor', 'initialStep', 'lineSearch', 'forwardFactor'] as const;

const SLS_PRESETS: Record<string, Record<string, unknown>> = {
  // spec §4.5, ada_sls adaptive_exps.py (the configuration kept in its final ImageNet list).
  slsAmsgrad: { precond: 'amsgrad', beta1: 0, beta2: 0.99, c: 0.1, initialStep: 100, resetOption: 1, decreaseFactor: 0.9, increaseFactor: 2 },
};

/** Validates `sls` options (presets applied, unknown names rejected) and fills every default. */
export function resolveSls(options: Record<string, unknown>): SlsSettings {
  const o = applyPreset(options, SLS_OPTION_NAMES, SLS_PRESETS, "method 'sls'");
  const lineSearch = readChoice(o, 'lineSearch', 'armijo', ['armijo', 'goldstein'] as const);
  const isGoldstein = lineSearch === 'goldstein';
  const base = resolveLineSearch(o, { c: 0.1, decreaseFactor: 0.9, minStep: 1e-8, maxStep: isGoldstein ? GOLDSTEIN_ETA_MAX : Infinity });
  if (isGoldstein && base.c > 0.5) throw new RangeError(`c: must be <= 0.5 with lineSearch 'goldstein' (no step can satisfy both sides otherwise), got ${base.c}`);
  const increaseFactor = readNumber(o, 'increaseFactor', 2, { min: 1 });
  return {
    ...base,
    lineSearch,
    forwardFactor: readNumber(o, 'forwardFactor', 2, { above: 1 }),
    resetOption: readIntegerChoice(o, 'resetOption', isGoldstein ? 0 : 1, [0, 1, 2, 11] as const),
    increaseFactor,
    initialStep: readNumber(o, 'initialStep', 1, { above: 0 }),
    stepGrowth: Math.pow(increaseFactor, 1 / base.batchesPerEpoch),
  };
}

/**
 * SLS as an optimizer with explicit steps: `new Sls(objective, x0, options).step(rows)`.
 * The record's `stepSize` is the accepted η (1e-6 after an exhausted search with `'tinyStep'`; 0 without a step).
 */
export class Sls extends LineSearchOptimizer<SlsSettings> {
  /** η_prev, the stored step (spec §4.1 state). */
  storedStep: number;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: SlsOptions | Record<string, unknown> = {}) {
    super(objective, x0, resolveSls(options as Record<string, unknown>));
    this.storedStep = this.settings.initialStep;
  }

  protected firstTrial(): number {
    const st = this.settings;
    let eta: number;
    if (st.resetOption === 0) eta = this.storedStep;
    else if (st.resetOption === 1) eta = this.storedStep * st.stepGrowth;
    else if (st.resetOption === 2) eta = st.initialStep;
    else eta = Math.min(this.storedStep * st.stepGrowth, RESET11_CAP);
    return Math.min(eta, st.maxStep);
  }

  protected override search(search: CountedObjective, s: number, eta0: number, reference: number): BacktrackResult {
    const st = this.settings;
    if (st.lineSearch === 'armijo') return super.search(search, s, eta0, reference);
    return goldstein(search, this.x, this.directions.searchDir, s, eta0, reference, st.c, st.decreaseFactor,
      st.forwardFactor, st.maxStep, st.maxTrials, this.trial);
  }

  protected afterSearch(eta0: number, result: BacktrackResult | undefined): void {
    const st = this.settings;
    let eta: number;
    if (result === undefined) eta = eta0;
    else if (result.accepted) eta = result.eta;
    else eta = st.precond === 'none' ? result.eta : TINY_STEP;
    this.storedStep = Math.max(eta, st.minStep);
  }
}

/** The `sls` entry of the stochastic method table. */
export const slsMethod: StochasticMethodDescriptor<SlsSettings> = {
  name: 'sls',
  summary: 'SGD with a stochastic Armijo line search (Vaswani et al. 2019), optionally Adam/AMSGrad/AdaGrad-preconditioned',
  optionNames: SLS_OPTION_NAMES,
  resolve: resolveSls,
  create: (objective, x0, options) => new Sls(objective, x0, options),
  independent: (s) => s.lineSearchBatch === 'independent',
  native: true,
};
