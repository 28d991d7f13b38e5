/**
 * 'diagonal-bb': diagonal Barzilai–Borwein steps with a non-monotone line search (Park, Dhar, Boyd, Shah
 * 2020; spec §2.10). Mirrored by native/core/diagonal_bb.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { DEFAULT_MAX_BACKTRACKS, readShrinkFactor, TrialGuard } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Relative floor of U when ⟨s, r⟩ ≤ 0: Uᵢ ≥ 1e-12·max(U) (spec §2.10, ours). */
export const DIAGONAL_BB_FLOOR = 1e-12;

/** Resolved options of 'diagonal-bb'. */
export interface DiagonalBbSettings extends Settings {
  /** u₀, the initial diagonal curvature: the first trial step is g/u₀ (> 0; default 1e-6; the reference calls it `starting_stepsize`). */
  initialCurvature: number;
  /** μ, the damping of the diagonal secant update Uᵢ ← (sᵢrᵢ + μUᵢ)/(sᵢ² + μ) (> 0; default 1e-6). */
  damping: number;
  /** U ← U/backtrack after a rejected trial, halving every step at 0.5 (in (0, 1); default 0.5). */
  backtrack: number;
  /** W, the number of recent accepted f values the non-monotone test compares against (integer ≥ 1; default 15). */
  window: number;
  /** Stop with `line-search-failed` after this many consecutive rejected trials (integer ≥ 1; default 60). */
  maxBacktracks: number;
}

/**
 * Diagonal BB with a non-monotone line search (spec §2.10). State: U > 0 (the diagonal curvature estimate;
 * steps are g/U), initially u₀·1, and a window of the last W accepted f values, initially W − 1 entries of
 * −∞ plus f(x₀).
 *
 * Iteration (one trial): y = x − (1/U)⊙g, one f call. Accept if f(y) − max(window) + ½⟨g, (1/U)⊙g⟩ ≤ 0
 * (non-strict, as the reference). Rejection: U ← U/backtrack. Acceptance: one gradient call at y, the window
 * drops its oldest value and takes f(y); with s = y − x and r = g_y − g, Uᵢ ← (sᵢrᵢ + μUᵢ)/(sᵢ² + μ); if
 * ⟨s, r⟩ > 0 each Uᵢ is clamped to [⟨s,r⟩/‖s‖², ‖r‖²/⟨s,r⟩] (the scalar BB range); x ← y.
 * Cost: rejection 1 f; acceptance 1 f + 1 g. f may rise between accepted points (non-monotone), but every
 * accepted f stays below f(x₀).
 *
 * Ours (spec §2.10, §6.9): if ⟨s, r⟩ ≤ 0 (non-convex or rounding) the clamp is skipped and Uᵢ is floored at
 * 1e-12·max(U) so 1/U stays finite (the reference clamps with negative bounds and has no floor); if the
 * updated U still has an entry that is not positive and finite, the previous U is kept.
 * Ours (spec §0): a trial with non-finite f or ∇f is rejected (60 in a row → `non-finite`); `maxBacktracks`
 * consecutive rejections → `line-search-failed`.
 *
 * `stepSize` in records: ‖(1/U)⊙g‖₂, the length of the trial step.
 */
export class DiagonalBb extends Method {
  private readonly u: Float64Array;
  private readonly uNew: Float64Array;
  /** 1/U⊙g at the current point (the trial step). */
  private readonly stepVec: Float64Array;
  private readonly windowValues: Float64Array;
  /** Index of the oldest window entry (the next one replaced). */
  private windowNext = 0;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;
  private readonly sVec: Float64Array;
  private readonly rVec: Float64Array;
  private readonly guard: TrialGuard;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: DiagonalBbSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.u = new Float64Array(d).fill(s.initialCurvature);
    this.uNew = new Float64Array(d);
    this.stepVec = new Float64Array(d);
    this.windowValues = new Float64Array(s.window).fill(-Infinity);
    this.windowValues[s.window - 1] = f0; // entries 0..W−2 are −∞ (oldest first), f(x₀) the newest
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.sVec = new Float64Array(d);
    this.rVec = new Float64Array(d);
    this.guard = new TrialGuard('diagonal-bb', s.maxBacktracks);
  }

  private windowMax(): number {
    let m = -Infinity;
    for (let k = 0; k < this.windowValues.length; k++) if (this.windowValues[k] > m) m = this.windowValues[k];
    return m;
  }

  /** The diagonal secant update of U from s, r (spec §2.10), written to uNew; returns false to keep U. */
  private updateCurvature(): boolean {
    const { u, uNew, sVec, rVec } = this;
    const mu = this.s.damping;
    for (let i = 0; i < u.length; i++) uNew[i] = (sVec[i] * rVec[i] + mu * u[i]) / (sVec[i] * sVec[i] + mu);
    const sr = dot(sVec, rVec);
    if (sr > 0) {
      const lower = sr / dot(sVec, sVec); // 1/BB1
      const upper = dot(rVec, rVec) / sr; // 1/BB2
      for (let i = 0; i < u.length; i++) {
        if (uNew[i] < lower) uNew[i] = lower;
        if (uNew[i] > upper) uNew[i] = upper;
      }
    } else {
      let maxU = -Infinity;
      for (let i = 0; i < u.length; i++) if (uNew[i] > maxU) maxU = uNew[i];
      const floor = DIAGONAL_BB_FLOOR * maxU;
      for (let i = 0; i < u.length; i++) if (uNew[i] < floor) uNew[i] = floor;
    }
    for (let i = 0; i < u.length; i++) if (!(uNew[i] > 0 && uNew[i] < Infinity)) return false;
    return true;
  }

  step(): StepOutcome {
    const { x, y, gy, u, stepVec } = this;
    for (let i = 0; i < x.length; i++) {
      stepVec[i] = (1 / u[i]) * this.grad[i];
      y[i] = x[i] - stepVec[i];
    }
    let stepSq = 0;
    for (let i = 0; i < stepVec.length; i++) stepSq += stepVec[i] * stepVec[i];
    const stepSize = Math.sqrt(stepSq);
    const fy = this.oracle.value(y);
    let nonFinite = !Number.isFinite(fy);
    if (!nonFinite && fy - this.windowMax() + 0.5 * dot(this.grad, stepVec) <= 0) {
      this.oracle.gradient(y, gy);
      if (allFinite(gy)) {
        this.windowValues[this.windowNext] = fy;
        this.windowNext = (this.windowNext + 1) % this.windowValues.length;
        for (let i = 0; i < x.length; i++) {
          this.sVec[i] = y[i] - x[i];
          this.rVec[i] = gy[i] - this.grad[i];
        }
        if (this.updateCurvature()) u.set(this.uNew);
        x.set(y);
        this.fun = fy;
        this.grad.set(gy);
        this.guard.accepted();
        return { accepted: true, stepSize };
      }
      nonFinite = true;
    }
    for (let i = 0; i < u.length; i++) u[i] = u[i] / this.s.backtrack;
    return { accepted: false, stepSize, stop: this.guard.rejected(nonFinite) };
  }
}

/** Descriptor of 'diagonal-bb' (spec §2.10). */
export const diagonalBbDescriptor: MethodDescriptor<DiagonalBbSettings> = {
  name: 'diagonal-bb',
  summary: 'diagonal Barzilai-Borwein steps with a non-monotone line search (Park et al. 2020)',
  defaults: { initialCurvature: 1e-6, damping: 1e-6, backtrack: 0.5, window: 15, maxBacktracks: DEFAULT_MAX_BACKTRACKS },
  resolve(o) {
    const d = diagonalBbDescriptor.defaults;
    return {
      initialCurvature: readNumber(o, 'initialCurvature', d.initialCurvature, { above: 0 }),
      damping: readNumber(o, 'damping', d.damping, { above: 0 }),
      backtrack: readShrinkFactor(o, 'backtrack', d.backtrack),
      window: readNumber(o, 'window', d.window, { min: 1, max: 1e6, integer: true }),
      maxBacktracks: readNumber(o, 'maxBacktracks', d.maxBacktracks, { min: 1, integer: true }),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new DiagonalBb(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(diagonalBbDescriptor);
