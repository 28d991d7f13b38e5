/**
 * PoNoS: Polyak-initialized non-monotone stochastic line search (Galli, Rauhut, Schmidt 2023; spec §4.3),
 * optionally preconditioned (PoNoS_prec, spec §4.5). Mirrors native/core/stochastic_ponos.{hpp,cpp}.
 *
 * Per iteration, on top of the shared Armijo iteration of line_search.ts:
 *  - Zhang–Hager reference (every iteration, skipped ones included): Q ← ξQ + 1, C ← (ξ·Q_old·C + f_B(x))/Q;
 *    with ξ = 1, C is the mean of all mini-batch losses so far. R = max(C, f_{B'}(x)).
 *  - First trial: η₀ = (f_B − f*)/(c_p·s + 1e-8) (1e-6 when f_B − f* ≤ 0), times δ^{l} when `resetting`
 *    (the "resetting technique", save_backtracks), then clipped to [minStep, maxStep] = [η_min, η_max].
 *    (The reference ignores its f_star argument [quirk]; here `fStar` is used, default 0.)
 *  - No step when ‖g‖ < 1e-8 or f_B(x) = 0 (the reference still makes a wasted forward; we do not).
 *  - Backtrack memory: l ← max(l + e − 1, 0), e = backtracks this iteration (maxTrials − 1 when exhausted;
 *    unchanged on skipped iterations).
 * With an independent line-search batch B', C still averages the gradient-batch losses f_B(x) and the test
 * uses f_{B'} (R = max(C, f_{B'}(x))).
 * Defaults are PoNoS.py's (c 0.5, c_p 0.1, δ 0.5, η_max 10, η_min 1e-6) except ξ: 0.85, Zhang and Hager's
 * (2004) recommended value, where PoNoS.py uses ξ = 1 (pass `xi: 1` for the reference). The convex
 * experiments of the paper use η_max = 1e10.
 * Why ξ = 0.85 (measured, test/stochastic-interpolation): on consistent least squares c_p = 0.1 makes the
 * first trial 10× the Polyak step, about 2.5× the stability limit, and with ξ = 1 the reference C is the mean
 * of ALL past losses (≥ f₀/k), which keeps accepting it: the loss stalls near C (2e-1 after 1 epoch, 6e-3
 * after 20, where SLS/SPS reach 1e-10 in 2). With ξ = 0.85, C forgets old losses geometrically (weight
 * 0.85^k): 1e-4 after 1 epoch, 3e-8 after 2; on separable logistic the runs are unchanged.
 * Known behaviour of the defaults on interpolating convex problems:
 *  - separable logistic: ‖w‖ must grow while ∇f → 0, and η_max = 10 caps the steps, so the loss decays
 *    like 1/k (1e-4 after ~45 epochs, SLS ~9); `maxStep: 1e10` (the paper's convex setting) fixes it.
 */
import type { Objective } from '../objectives/objective';
import { readBoolean, readNumber } from '../options';
import { LINE_SEARCH_OPTION_NAMES, LineSearchOptimizer, TINY_STEP, resolveLineSearch, type BacktrackResult, type LineSearchSettings } from './line_search';
import { powInt, type StochasticMethodDescriptor } from './optimizer';
import type { PrecondKind, SearchDirectionKind } from './preconditioner';
import { applyPreset } from './settings';

/** stepsearch's default ξ (Zhang and Hager 2004; PoNoS.py: 1; see the note above). */
export const DEFAULT_XI = 0.85;

/** The constant in the Polyak denominator c_p·s + 1e-8 (spec §4.3 step 2). */
export const POLYAK_DENOMINATOR_EPS = 1e-8;

/** Options of `ponos` (all optional; defaults in brackets). */
export interface PonosOptions {
  /** `'ponosPrec'`: the PoNoS repo's `trans` values (adam, β1 0.9, β2 0.999, c 0.1, c_p 0.1, δ 0.9, η_max 10, no η_min, no resetting, ξ 1). Explicit options win. */
  preset?: 'ponosPrec';
  /** Armijo constant c [0.5]. */
  c?: number;
  /** c_p of the Polyak first trial [0.1]. */
  polyakC?: number;
  /** δ: backtracking factor and base of the resetting factor δ^l [0.5]. */
  decreaseFactor?: number;
  /** ξ ∈ [0, 1] of the Zhang–Hager average [0.85; PoNoS.py: 1]; 0 gives the monotone Armijo test. */
  xi?: number;
  /** f* of the Polyak numerator [0]. */
  fStar?: number;
  /** Multiply the Polyak step by δ^l (save_backtracks) [true]. */
  resetting?: boolean;
  /** η_min, lower clip of the first trial [1e-6]. */
  minStep?: number;
  /** η_max, upper clip of the first trial [10]. */
  maxStep?: number;
  /** Trials per iteration [100]. */
  maxTrials?: number;
  /** `'same'` [default] or `'independent'`. */
  lineSearchBatch?: 'same' | 'independent';
  /** `'tinyStep'` [default], `'skip'` or `'stop'`. */
  onFailure?: 'tinyStep' | 'skip' | 'stop';
  /** n_b (unused by PoNoS itself; accepted for uniformity) [500]. */
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

/** Resolved `ponos` settings (what native code receives). */
export interface PonosSettings extends LineSearchSettings {
  polyakC: number;
  xi: number;
  fStar: number;
  resetting: boolean;
}

/** Option names of `ponos`. */
export const PONOS_OPTION_NAMES = [...LINE_SEARCH_OPTION_NAMES, 'polyakC', 'xi', 'fStar', 'resetting'] as const;

const PONOS_PRESETS: Record<string, Record<string, unknown>> = {
  // spec §4.5 table, PoNoS `trans` column: reset 200 = Polyak first trial without δ^l and without η_min.
  ponosPrec: {
    precond: 'adam', beta1: 0.9, beta2: 0.999, c: 0.1, polyakC: 0.1, decreaseFactor: 0.9, maxStep: 10, minStep: 0,
    resetting: false, xi: 1, // the reference's ξ (stepsearch's plain default is 0.85)
  },
};

/** Validates `ponos` options (presets applied, unknown names rejected) and fills every default. */
export function resolvePonos(options: Record<string, unknown>): PonosSettings {
  const o = applyPreset(options, PONOS_OPTION_NAMES, PONOS_PRESETS, "method 'ponos'");
  const base = resolveLineSearch(o, { c: 0.5, decreaseFactor: 0.5, minStep: 1e-6, maxStep: 10 });
  return {
    ...base,
    polyakC: readNumber(o, 'polyakC', 0.1, { above: 0 }),
    xi: readNumber(o, 'xi', DEFAULT_XI, { min: 0, max: 1 }),
    fStar: readNumber(o, 'fStar', 0),
    resetting: readBoolean(o, 'resetting', true),
  };
}

/**
 * PoNoS with explicit steps: `new Ponos(objective, x0, options).step(rows)`.
 * The record's `stepSize` is the accepted η (1e-6 after an exhausted search with `'tinyStep'`; 0 without a step).
 */
export class Ponos extends LineSearchOptimizer<PonosSettings> {
  /** Zhang–Hager weight sum Q. */
  zhangQ = 0;
  /** Zhang–Hager average C. */
  zhangC = 0;
  /** Backtrack memory l of the resetting technique. */
  backtrackMemory = 0;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: PonosOptions | Record<string, unknown> = {}) {
    super(objective, x0, resolvePonos(options as Record<string, unknown>));
  }

  protected override noteLoss(loss: number): void {
    const xi = this.settings.xi;
    const qOld = this.zhangQ;
    this.zhangQ = xi * qOld + 1;
    this.zhangC = (xi * qOld * this.zhangC + loss) / this.zhangQ;
  }

  protected firstTrial(loss: number, s: number): number {
    const st = this.settings;
    const numerator = loss - st.fStar;
    let eta = numerator > 0 ? numerator / (st.polyakC * s + POLYAK_DENOMINATOR_EPS) : TINY_STEP;
    if (st.resetting) eta *= powInt(st.decreaseFactor, this.backtrackMemory);
    return Math.min(Math.max(eta, st.minStep), st.maxStep);
  }

  protected override reference(searchLoss: number): number {
    return Math.max(this.zhangC, searchLoss);
  }

  protected override get skipsZeroLoss(): boolean {
    return true;
  }

  protected afterSearch(_eta0: number, result: BacktrackResult | undefined): void {
    if (result === undefined) return;
    const e = Math.min(result.rejected, this.settings.maxTrials - 1);
    this.backtrackMemory = Math.max(this.backtrackMemory + e - 1, 0);
  }
}

/** The `ponos` entry of the stochastic method table. */
export const ponosMethod: StochasticMethodDescriptor<PonosSettings> = {
  name: 'ponos',
  summary: 'Polyak-initialized non-monotone (Zhang–Hager) stochastic line search (Galli et al. 2023), optionally preconditioned',
  optionNames: PONOS_OPTION_NAMES,
  resolve: resolvePonos,
  create: (objective, x0, options) => new Ponos(objective, x0, options),
  independent: (s) => s.lineSearchBatch === 'independent',
  native: true,
};
