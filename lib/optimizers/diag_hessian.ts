/**
 * 'diag-hessian': gradient descent preconditioned by the inverse Hessian diagonal, with a line search on a
 * scalar α — the paper's `DiagH` (spec §2.2). Mirrored by native/core/diag_hessian.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { DEFAULT_MAX_BACKTRACKS, TrialGuard } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Resolved options of 'diag-hessian'. */
export interface DiagHessianSettings extends Settings {
  /** α₀, the first trial multiplier (> 0; default 0.1, the paper's experiments; reference class default 1). */
  initialStep: number;
  /** α ← α·forward after an accepted trial (≥ 1; default 1.1). */
  forward: number;
  /** α ← α·backward after a rejected trial (in (0, 1]; default 0.5). */
  backward: number;
  /** Stop with `line-search-failed` after this many consecutive rejected trials (integer ≥ 1; default 60). */
  maxBacktracks: number;
}

/**
 * Diagonal-Hessian-preconditioned GD with a line search (spec §2.2). Needs `objective.hessDiag`.
 *
 * Iteration (one trial): P = 1/diag∇²f(x), step = α·(P⊙g), y = x − step, one f call. Accept if
 * f(y) < f(x) − ½⟨g, step⟩ (strict); then one gradient and one Hessian-diagonal call at y, x ← y,
 * α ← α·forward. Otherwise α ← α·backward. **The trial is α itself, not α/2 as in 'gd' (spec §6.8).**
 * Cost: rejection 1 f; acceptance 1 f + 1 g + 1 diag-Hessian (counted in `nhdiag`; the diagonal at x₀ is
 * one more, evaluated when the method starts).
 *
 * Reference bug fixed (spec §2.2, §6.9): the reference's dense logistic Hessian diagonal broadcasts wrongly;
 * stepsearch's objectives implement diag∇²f = (1/n)(Σᵢ σᵢ(1−σᵢ)x_ij² + λ) for dense and sparse data alike.
 *
 * Ours (spec §0): a trial whose f, ∇f or Hessian diagonal is not finite is rejected (60 in a row →
 * `non-finite`); `maxBacktracks` consecutive rejections → `line-search-failed`. A Hessian diagonal with an
 * entry ≤ 0 at the current point (a non-convex objective, or l2 = 0 with an all-zero column) stops the run
 * with `line-search-failed` (P = 1/diag∇²f needs a positive diagonal); a non-finite one at x₀ with `non-finite`.
 *
 * `stepSize` in records: the trial's α (the multiplier of P⊙g).
 */
export class DiagHessian extends Method {
  private alpha: number;
  /** P = 1/diag∇²f(x) at the current point. */
  private readonly p: Float64Array;
  private readonly stepVec: Float64Array;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;
  private readonly hy: Float64Array;
  private readonly guard: TrialGuard;
  /** Set when the Hessian diagonal at the current point is unusable. */
  private problem: StepOutcome['stop'];

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: DiagHessianSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.alpha = s.initialStep;
    this.p = new Float64Array(d);
    this.stepVec = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.hy = new Float64Array(d);
    this.guard = new TrialGuard('diag-hessian', s.maxBacktracks);
    oracle.hessDiag(this.x, this.hy);
    this.problem = allFinite(this.hy)
      ? undefined
      : { status: 'non-finite', message: 'diag-hessian: the Hessian diagonal is not finite at x0' };
    this.setPreconditioner(this.hy);
  }

  /** P = 1/h; records a stop if some hᵢ ≤ 0. */
  private setPreconditioner(h: Float64Array): void {
    for (let i = 0; i < h.length; i++) {
      if (!(h[i] > 0) && !this.problem) {
        this.problem = {
          status: 'line-search-failed',
          message: `diag-hessian: the Hessian diagonal has a non-positive entry (coordinate ${i}); P = 1/diag(H) needs a positive diagonal (a convex objective with l2 > 0)`,
        };
      }
      this.p[i] = 1 / h[i];
    }
  }

  step(): StepOutcome {
    if (this.problem) return { accepted: false, stepSize: 0, stop: this.problem };
    const { x, y, gy, hy, p, stepVec } = this;
    const alpha = this.alpha;
    for (let i = 0; i < x.length; i++) {
      stepVec[i] = alpha * (p[i] * this.grad[i]);
      y[i] = x[i] - stepVec[i];
    }
    const fy = this.oracle.value(y);
    let nonFinite = !Number.isFinite(fy);
    if (!nonFinite && fy < this.fun - 0.5 * dot(this.grad, stepVec)) {
      this.oracle.gradient(y, gy);
      if (allFinite(gy)) {
        this.oracle.hessDiag(y, hy);
        if (allFinite(hy)) {
          x.set(y);
          this.fun = fy;
          this.grad.set(gy);
          this.setPreconditioner(hy);
          this.alpha = alpha * this.s.forward;
          this.guard.accepted();
          return { accepted: true, stepSize: alpha };
        }
      }
      nonFinite = true;
    }
    this.alpha = alpha * this.s.backward;
    return { accepted: false, stepSize: alpha, stop: this.guard.rejected(nonFinite) };
  }
}

/** Descriptor of 'diag-hessian' (spec §2.2). */
export const diagHessianDescriptor: MethodDescriptor<DiagHessianSettings> = {
  name: 'diag-hessian',
  summary: 'GD preconditioned by 1/diag(Hessian) with a scalar backtracking line search (DiagH)',
  defaults: { initialStep: 0.1, forward: 1.1, backward: 0.5, maxBacktracks: DEFAULT_MAX_BACKTRACKS },
  resolve(o) {
    const d = diagHessianDescriptor.defaults;
    return {
      initialStep: readNumber(o, 'initialStep', d.initialStep, { above: 0 }),
      forward: readNumber(o, 'forward', d.forward, { min: 1 }),
      backward: readNumber(o, 'backward', d.backward, { above: 0, max: 1 }),
      maxBacktracks: readNumber(o, 'maxBacktracks', d.maxBacktracks, { min: 1, integer: true }),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new DiagHessian(oracle, x0, f0, g0, settings),
  native: true,
  needs: ['hessDiag'],
};

registerMethod(diagHessianDescriptor);
