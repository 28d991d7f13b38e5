/**
 * 'rprop': resilient propagation, iRprop⁻ style without weight backtracking (spec §2.5). Mirrored by
 * native/core/rprop.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { nonFiniteStep } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite } from './vector_ops';

/** Resolved options of 'rprop'. */
export interface RpropSettings extends Settings {
  /** Δ₀, the initial per-coordinate step (> 0; default 1e-2). */
  initialStep: number;
  /** η⁺: Δᵢ ← η⁺Δᵢ when the gradient keeps its sign (≥ 1; default 1.2). */
  increaseFactor: number;
  /** η⁻: Δᵢ ← η⁻Δᵢ when it flips (in (0, 1]; default 0.5). */
  decreaseFactor: number;
  /** Δ_max, upper clip of every Δᵢ (default 50). */
  maxStep: number;
  /** Δ_min, lower clip of every Δᵢ (> 0, ≤ maxStep; default 1e-6). */
  minStep: number;
}

/**
 * RPROP (spec §2.5). Per coordinate: sᵢ = g_prev,ᵢ·gᵢ; sᵢ > 0 → Δᵢ ← η⁺Δᵢ; sᵢ < 0 → Δᵢ ← η⁻Δᵢ and gᵢ is
 * masked to 0 (no move now, and the next product is 0); then every Δᵢ is clipped to [Δ_min, Δ_max] and
 * x ← x − Δ⊙sign(g̃) with g̃ the masked gradient, which is stored as g_prev (initially 0).
 *
 * There is no acceptance test. Each iteration evaluates f and ∇f at the new point with one fused call (the
 * driver needs f for records and stopping rules), so **nfev = ngev** for this method; the paper's plots
 * count RPROP at 1 call per iteration (main figure) or 2 (appendix), spec §2.11.
 *
 * Ours (spec §0): if f or ∇f is not finite at the new point, the method stays at the last finite point and
 * stops with `non-finite`.
 *
 * `stepSize` in records: ‖Δ⊙sign(g̃)‖₂, the Euclidean length of the move.
 */
export class Rprop extends Method {
  private readonly delta: Float64Array;
  private readonly gPrev: Float64Array;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: RpropSettings) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.delta = new Float64Array(d).fill(s.initialStep);
    this.gPrev = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
  }

  step(): StepOutcome {
    const { x, y, gy, delta, gPrev, s } = this;
    let moveSq = 0;
    for (let i = 0; i < x.length; i++) {
      let gi = this.grad[i];
      const change = gPrev[i] * gi;
      if (change > 0) delta[i] = delta[i] * s.increaseFactor;
      else if (change < 0) {
        delta[i] = delta[i] * s.decreaseFactor;
        gi = 0;
      }
      if (delta[i] < s.minStep) delta[i] = s.minStep;
      if (delta[i] > s.maxStep) delta[i] = s.maxStep;
      const move = gi > 0 ? delta[i] : gi < 0 ? -delta[i] : 0;
      y[i] = x[i] - move;
      moveSq += move * move;
      gPrev[i] = gi;
    }
    const fy = this.oracle.valueAndGradient(y, gy);
    const stepSize = Math.sqrt(moveSq);
    if (!Number.isFinite(fy) || !allFinite(gy)) return { accepted: false, stepSize, stop: nonFiniteStep('rprop') };
    x.set(y);
    this.fun = fy;
    this.grad.set(gy);
    return { accepted: true, stepSize };
  }
}

/** Descriptor of 'rprop' (spec §2.5). */
export const rpropDescriptor: MethodDescriptor<RpropSettings> = {
  name: 'rprop',
  summary: 'RPROP (iRprop- without weight backtracking): per-coordinate sign steps',
  defaults: { initialStep: 1e-2, increaseFactor: 1.2, decreaseFactor: 0.5, maxStep: 50, minStep: 1e-6 },
  resolve(o) {
    const d = rpropDescriptor.defaults;
    const minStep = readNumber(o, 'minStep', d.minStep, { above: 0 });
    return {
      initialStep: readNumber(o, 'initialStep', d.initialStep, { above: 0 }),
      increaseFactor: readNumber(o, 'increaseFactor', d.increaseFactor, { min: 1 }),
      decreaseFactor: readNumber(o, 'decreaseFactor', d.decreaseFactor, { above: 0, max: 1 }),
      maxStep: readNumber(o, 'maxStep', d.maxStep, { min: minStep }),
      minStep,
    };
  },
  create: (oracle, x0, f0, g0, settings) => new Rprop(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(rpropDescriptor);
