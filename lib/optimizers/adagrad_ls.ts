/**
 * 'adagrad-ls': diagonal AdaGrad preconditioner with a backtracking line search on a scalar step — the
 * paper's "Diag. AdaGrad+LS" (spec §2.9). Mirrored by native/core/adagrad_ls.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { DEFAULT_MAX_BACKTRACKS, initialSearchFailed, initialStepSearch, readShrinkFactor, TrialGuard } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Resolved options of 'adagrad-ls'. */
export interface AdagradLsSettings extends Settings {
  /** Where the initial step search starts (> 0; default 1, the reference's value). */
  initialStep: number;
  /** α ← α·forward after an accepted trial, and the initial search's growth factor (> 1; default 1.1). */
  forward: number;
  /** α ← α·backward after a rejected trial, and the initial search's shrink factor (in (0, 1); default 0.5). */
  backward: number;
  /** Stop with `line-search-failed` after this many consecutive rejected trials (integer ≥ 1; default 60). */
  maxBacktracks: number;
}

/**
 * Diagonal AdaGrad + line search (spec §2.9). State: S = Σ g² over accepted points (initially g₀²) and α.
 * precond(g) = g/√S where S > 0, and 0 where S = 0.
 *
 * First iteration: initial step search from `initialStep` along p = precond(g₀): grow ×forward while
 * f(x − α·p) − f(x) + ½α⟨g, p⟩ < 0, then shrink ×backward while > 0 (60 + 60 tests at most, each one counted f
 * call; no step found → `line-search-failed`; the search runs inside the first iteration, so
 * `maxEvaluations` is checked after it). Then, in every iteration (one trial): step = α·precond(g),
 * y = x − step, one f call; accept if f(y) − f(x) + ½⟨g, step⟩ < 0 (strict) → one gradient call at y,
 * x ← y, S ← S + g_y², α ← α·forward; else α ← α·backward. Cost: rejection 1 f; acceptance 1 f + 1 g.
 *
 * Reference bug fixed (spec §2.9, §6.9): the reference's initial search forms p with √S in place of S
 * (p = sign(g₀)·|g₀|^{1/2}), unlike its iterations; ours uses precond(g) in both places.
 * Ours (spec §0): a trial with non-finite f or ∇f is rejected (60 in a row → `non-finite`); `maxBacktracks`
 * consecutive rejections → `line-search-failed`.
 *
 * `stepSize` in records: the trial's α (the multiplier of precond(g)).
 */
export class AdagradLs extends Method {
  private alpha: number;
  private searched = false;
  private readonly sumSq: Float64Array;
  /** precond(g) at the current point, and ⟨g, precond(g)⟩. */
  private readonly p: Float64Array;
  private gp = 0;
  /** f at the last trial point. */
  private fy = 0;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;
  private readonly guard: TrialGuard;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: AdagradLsSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.alpha = s.initialStep;
    this.sumSq = new Float64Array(d);
    for (let i = 0; i < d; i++) this.sumSq[i] = g0[i] * g0[i];
    this.p = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.guard = new TrialGuard('adagrad-ls', s.maxBacktracks);
    this.updateDirection();
  }

  /** p = precond(g) = g/√S where S > 0, else 0 (spec §2.9); gp = ⟨g, p⟩. */
  private updateDirection(): void {
    const { p, sumSq, grad } = this;
    for (let i = 0; i < p.length; i++) p[i] = sumSq[i] > 0 ? (1 / Math.sqrt(sumSq[i])) * grad[i] : 0;
    this.gp = dot(grad, p);
  }

  /** f(x − α·p) − f(x) + ½α⟨g, p⟩ at one trial point (one counted f call); y holds the point, fy its value. */
  private gap(alpha: number): number {
    const { x, y, p } = this;
    for (let i = 0; i < x.length; i++) y[i] = x[i] - alpha * p[i];
    this.fy = this.oracle.value(y);
    return this.fy - this.fun + 0.5 * (alpha * this.gp);
  }

  step(): StepOutcome {
    if (!this.searched) {
      this.searched = true;
      const found = initialStepSearch((a) => this.gap(a), this.s.initialStep, this.s.forward, this.s.backward);
      this.alpha = found.alpha;
      if (!found.found) return { accepted: false, stepSize: this.alpha, stop: initialSearchFailed('adagrad-ls') };
    }
    const { x, y, gy, sumSq } = this;
    const alpha = this.alpha;
    const gap = this.gap(alpha);
    let nonFinite = !Number.isFinite(this.fy);
    if (!nonFinite && gap < 0) {
      this.oracle.gradient(y, gy);
      if (allFinite(gy)) {
        x.set(y);
        this.fun = this.fy;
        this.grad.set(gy);
        for (let i = 0; i < sumSq.length; i++) sumSq[i] = sumSq[i] + gy[i] * gy[i];
        this.updateDirection();
        this.alpha = alpha * this.s.forward;
        this.guard.accepted();
        return { accepted: true, stepSize: alpha };
      }
      nonFinite = true;
    }
    this.alpha = alpha * this.s.backward;
    return { accepted: false, stepSize: alpha, stop: this.guard.rejected(nonFinite) };
  }
}

/** Descriptor of 'adagrad-ls' (spec §2.9). */
export const adagradLsDescriptor: MethodDescriptor<AdagradLsSettings> = {
  name: 'adagrad-ls',
  summary: 'diagonal AdaGrad preconditioner with a scalar backtracking line search (Diag. AdaGrad+LS)',
  defaults: { initialStep: 1, forward: 1.1, backward: 0.5, maxBacktracks: DEFAULT_MAX_BACKTRACKS },
  resolve(o) {
    const d = adagradLsDescriptor.defaults;
    const forward = readNumber(o, 'forward', d.forward, { above: 1 });
    return {
      initialStep: readNumber(o, 'initialStep', d.initialStep, { above: 0 }),
      forward,
      backward: readShrinkFactor(o, 'backward', d.backward),
      maxBacktracks: readNumber(o, 'maxBacktracks', d.maxBacktracks, { min: 1, integer: true }),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new AdagradLs(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(adagradLsDescriptor);
