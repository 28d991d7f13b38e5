/**
 * 'hypergd-add' and 'hypergd-mult': gradient descent whose step adapts by hypergradient descent (Baydin et
 * al. 2018; spec §2.6). Mirrored by native/core/hypergd.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { initialSearchFailed, initialStepSearch, nonFiniteStep, readShrinkFactor } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot, norm } from './vector_ops';

/** Consecutive iterations with α = 0 after which the additive form stops (spec §2.6, ours). */
export const HYPERGD_MAX_ZERO_STEPS = 10;

/** Resolved options of 'hypergd-add' / 'hypergd-mult'. */
export interface HyperGdSettings extends Settings {
  /** α₀, where the initial step search starts (> 0; default 1e-10, the paper's experiments). */
  initialStep: number;
  /** β, the hypergradient step (≥ 0; default 1e-4 additive, 0.02 multiplicative, the paper's experiments). */
  hypergradientStep: number;
  /** Initial step search factor: grow α by 1/backtrack while Armijo holds, then shrink by backtrack (in (0, 1); default 0.5). */
  backtrack: number;
}

/**
 * Hypergradient descent (spec §2.6).
 *
 * First iteration: an initial step search from α₀ along −g₀ (grow by 1/backtrack while
 * f(x − αg) − f(x) + ½α‖g‖² < 0, then shrink by backtrack while > 0; at most 60 + 60 tests, each one f call,
 * **all counted** — the reference does not count them, spec §6.10). If it finds no step, the run stops with
 * `line-search-failed`. The search runs inside the first iteration, so `maxEvaluations` is checked after it.
 *
 * Every iteration, with h_t = −⟨g_t, g_{t−1}⟩ (g_{−1} = 0, so the first step keeps α):
 * - additive: α ← α − β·h_t;
 * - multiplicative: α ← α·(1 − β·h_t/(‖g_t‖‖g_{t−1}‖)), applied only when the norm product is > 0;
 * then x ← x − α·g_t and one fused value+gradient call at the new point (the driver needs f for records and
 * stopping rules), so **nfev = ngev** apart from the initial search; the paper plots HyperGD at 1 (main) or 2
 * (appendix) calls per iteration, spec §2.11.
 *
 * Reference bug fixed (spec §2.6, §6.9): the additive α can go negative in the reference (steps uphill).
 * Ours clamps α ≥ 0 (both forms); an iteration with α = 0 does not move and makes no oracle call, and
 * 10 consecutive such iterations stop the run with `line-search-failed`.
 * Ours (spec §0): f or ∇f non-finite at the new point → stay at the last finite point, stop `non-finite`.
 *
 * `stepSize` in records: α_t, the step used in this iteration.
 */
export class HyperGd extends Method {
  private alpha: number;
  private searched = false;
  private zeroRun = 0;
  private readonly gPrev: Float64Array;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array,
    private readonly s: HyperGdSettings, private readonly multiplicative: boolean) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.alpha = s.initialStep;
    this.gPrev = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
  }

  private get name(): string {
    return this.multiplicative ? 'hypergd-mult' : 'hypergd-add';
  }

  /** Spec §2.6: the one-shot Armijo search for the starting α along −g₀. */
  private searchInitialStep(): boolean {
    const { x, y, grad } = this;
    const gg = dot(grad, grad);
    const f = this.fun;
    const found = initialStepSearch((alpha) => {
      for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * grad[i];
      return this.oracle.value(y) - f + alpha * 0.5 * gg;
    }, this.s.initialStep, 1 / this.s.backtrack, this.s.backtrack);
    this.alpha = found.alpha;
    return found.found;
  }

  step(): StepOutcome {
    if (!this.searched) {
      this.searched = true;
      if (!this.searchInitialStep()) return { accepted: false, stepSize: this.alpha, stop: initialSearchFailed(this.name) };
    }
    const { x, y, gy, gPrev, grad } = this;
    const beta = this.s.hypergradientStep;
    const h = -dot(grad, gPrev);
    let alpha = this.alpha;
    if (!this.multiplicative) {
      alpha = alpha - beta * h;
    } else {
      const normProduct = norm(grad) * norm(gPrev);
      if (normProduct > 0) alpha = alpha * (1 - beta * h / normProduct);
    }
    if (!(alpha > 0)) alpha = 0; // ours: clamp α ≥ 0 (spec §2.6 [quirk])
    this.alpha = alpha;
    gPrev.set(grad);
    if (alpha === 0) {
      this.zeroRun++;
      const stop: StepOutcome['stop'] = this.zeroRun >= HYPERGD_MAX_ZERO_STEPS
        ? { status: 'line-search-failed', message: `${this.name}: the hypergradient step stayed at 0 for ${HYPERGD_MAX_ZERO_STEPS} iterations` }
        : undefined;
      return { accepted: false, stepSize: 0, stop };
    }
    this.zeroRun = 0;
    for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * grad[i];
    const fy = this.oracle.valueAndGradient(y, gy);
    if (!Number.isFinite(fy) || !allFinite(gy)) return { accepted: false, stepSize: alpha, stop: nonFiniteStep(this.name) };
    x.set(y);
    this.fun = fy;
    this.grad.set(gy);
    return { accepted: true, stepSize: alpha };
  }
}

function hyperGdDescriptor(name: 'hypergd-add' | 'hypergd-mult', beta: number, multiplicative: boolean): MethodDescriptor<HyperGdSettings> {
  const defaults: HyperGdSettings = { initialStep: 1e-10, hypergradientStep: beta, backtrack: 0.5 };
  return {
    name,
    summary: `hypergradient descent, ${multiplicative ? 'multiplicative' : 'additive'} step update (Baydin et al. 2018)`,
    defaults,
    resolve: (o) => ({
      initialStep: readNumber(o, 'initialStep', defaults.initialStep, { above: 0 }),
      hypergradientStep: readNumber(o, 'hypergradientStep', defaults.hypergradientStep, { min: 0 }),
      backtrack: readShrinkFactor(o, 'backtrack', defaults.backtrack),
    }),
    create: (oracle, x0, f0, g0, settings) => new HyperGd(oracle, x0, f0, g0, settings, multiplicative),
    native: true,
  };
}

/** Descriptor of 'hypergd-add' (spec §2.6; β default 1e-4). */
export const hyperGdAddDescriptor = hyperGdDescriptor('hypergd-add', 1e-4, false);
/** Descriptor of 'hypergd-mult' (spec §2.6; β default 0.02). */
export const hyperGdMultDescriptor = hyperGdDescriptor('hypergd-mult', 0.02, true);

registerMethod(hyperGdAddDescriptor);
registerMethod(hyperGdMultDescriptor);
