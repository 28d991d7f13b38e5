/**
 * 'rmsprop': deterministic RMSProp with a one-shot initial step search (spec §2.7). Mirrored by
 * native/core/rmsprop.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { initialSearchFailed, initialStepSearch, nonFiniteStep, readShrinkFactor } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Resolved options of 'rmsprop'. */
export interface RmspropSettings extends Settings {
  /** α₀, where the initial step search starts (> 0; default 1e-6). */
  initialStep: number;
  /** ρ, the decay of the moving average v of g² (in [0, 1); default 0.9). */
  decay: number;
  /** ε, added inside the root: P = 1/√(v + ε) (> 0; default 1e-8, the paper's experiments; solver default 1e-6). */
  epsilon: number;
  /** Initial search factor: grow α by 1/backtrack while Armijo holds, then shrink by backtrack (in (0, 1); default 0.5). */
  backtrack: number;
}

/**
 * Deterministic RMSProp (spec §2.7). State: v (EMA of g²), initially (1 − ρ)·g₀², and a scalar α fixed by the
 * initial search.
 *
 * First iteration: initial step search from α₀ with the preconditioned Armijo test
 * f(x − α·P⊙g) − f(x) + ½α⟨g, P⊙g⟩ < 0, P = 1/√(v + ε): grow ×1/backtrack while it holds, then shrink
 * ×backtrack while it fails (60 + 60 tests at most, each one counted f call). No step found →
 * `line-search-failed`. The search runs inside the first iteration, so `maxEvaluations` is checked after it.
 *
 * Every iteration: x ← x − α·g/√(v + ε), one fused value+gradient call at the new point, then
 * v ← ρv + (1 − ρ)·g_new². The driver needs f for records, so **nfev = ngev + (initial search tests)**; the
 * reference counts one gradient per iteration plus its search's f calls (spec §2.11).
 *
 * Reference bug fixed (spec §2.7, §6.9): the reference's very first search trial omits P (it tries
 * x − α·g); ours uses P in every trial.
 * Ours (spec §0): f or ∇f non-finite at the new point → stay at the last finite point, stop `non-finite`.
 *
 * `stepSize` in records: α (the multiplier of g/√(v + ε)).
 */
export class Rmsprop extends Method {
  private alpha: number;
  private searched = false;
  private readonly v: Float64Array;
  /** g/√(v + ε) at the current point. */
  private readonly dir: Float64Array;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: RmspropSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.alpha = s.initialStep;
    this.v = new Float64Array(d);
    for (let i = 0; i < d; i++) this.v[i] = (1 - s.decay) * (g0[i] * g0[i]);
    this.dir = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
  }

  private updateDirection(): void {
    const { v, dir, grad } = this;
    const eps = this.s.epsilon;
    for (let i = 0; i < dir.length; i++) dir[i] = grad[i] / Math.sqrt(v[i] + eps);
  }

  step(): StepOutcome {
    const { x, y, gy, v, dir, s } = this;
    this.updateDirection();
    if (!this.searched) {
      this.searched = true;
      const gp = dot(this.grad, dir);
      const f = this.fun;
      const found = initialStepSearch((alpha) => {
        for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * dir[i];
        return this.oracle.value(y) - f + alpha * 0.5 * gp;
      }, s.initialStep, 1 / s.backtrack, s.backtrack);
      this.alpha = found.alpha;
      if (!found.found) return { accepted: false, stepSize: this.alpha, stop: initialSearchFailed('rmsprop') };
    }
    const alpha = this.alpha;
    for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * dir[i];
    const fy = this.oracle.valueAndGradient(y, gy);
    if (!Number.isFinite(fy) || !allFinite(gy)) return { accepted: false, stepSize: alpha, stop: nonFiniteStep('rmsprop') };
    x.set(y);
    this.fun = fy;
    this.grad.set(gy);
    for (let i = 0; i < v.length; i++) v[i] = s.decay * v[i] + (1 - s.decay) * (gy[i] * gy[i]);
    return { accepted: true, stepSize: alpha };
  }
}

/** Descriptor of 'rmsprop' (spec §2.7). */
export const rmspropDescriptor: MethodDescriptor<RmspropSettings> = {
  name: 'rmsprop',
  summary: 'deterministic RMSProp with an initial Armijo step search',
  defaults: { initialStep: 1e-6, decay: 0.9, epsilon: 1e-8, backtrack: 0.5 },
  resolve(o) {
    const d = rmspropDescriptor.defaults;
    const decay = readNumber(o, 'decay', d.decay, { min: 0, max: 1 });
    if (decay === 1) throw new RangeError('decay: expected a number >= 0 and < 1, got 1');
    return {
      initialStep: readNumber(o, 'initialStep', d.initialStep, { above: 0 }),
      decay,
      epsilon: readNumber(o, 'epsilon', d.epsilon, { above: 0 }),
      backtrack: readShrinkFactor(o, 'backtrack', d.backtrack),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new Rmsprop(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(rmspropDescriptor);
