/**
 * 'adagrad' (diagonal) and 'adagrad-norm' (scalar AdaGrad-Norm), deterministic (spec §2.8). Mirrored by
 * native/core/adagrad.{hpp,cpp}.
 */
import { readNumber } from '../options';
import { nonFiniteStep } from './backtracking';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot } from './vector_ops';

/** Resolved options of 'adagrad' / 'adagrad-norm'. */
export interface AdagradSettings extends Settings {
  /** η, the base step (> 0; default 1e-2, the torch default and the paper's experiments). */
  learningRate: number;
}

/**
 * AdaGrad without projection (spec §2.8). State: the accumulator G (a vector for 'adagrad', a scalar for
 * 'adagrad-norm'), initially 0.
 *
 * Every iteration: G ← G + g² (diagonal) or G ← G + ‖g‖² (norm), then x ← x − η·g/√G, and one fused
 * value+gradient call at the new point (the driver needs f for records), so **nfev = ngev**.
 *
 * Reference bugs fixed (spec §2.8, §6.9): the reference forms every iterate from x₀ instead of x_t (ours steps
 * from x_t), and divides 0/0 where a coordinate's gradient has always been 0 (ours treats 0/√0 as 0: that
 * coordinate does not move). Both change results relative to the paper's AdaGrad curves.
 * Ours (spec §0): f or ∇f non-finite at the new point → stay at the last finite point, stop `non-finite`.
 *
 * `stepSize` in records: 'adagrad-norm' η/√G (the scalar multiplier of g); 'adagrad' ‖x_{t+1} − x_t‖₂.
 */
export class Adagrad extends Method {
  /** Per-coordinate accumulator (diagonal form); the norm form uses `accNorm` instead. */
  private readonly acc: Float64Array;
  private accNorm = 0;
  private readonly y: Float64Array;
  private readonly gy: Float64Array;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array,
    private readonly s: AdagradSettings, private readonly diagonal: boolean) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.acc = new Float64Array(diagonal ? d : 0);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
  }

  step(): StepOutcome {
    const { x, y, gy, acc, grad } = this;
    const eta = this.s.learningRate;
    let stepSize: number;
    if (this.diagonal) {
      let moveSq = 0;
      for (let i = 0; i < x.length; i++) {
        acc[i] = acc[i] + grad[i] * grad[i];
        const move = acc[i] > 0 ? (eta / Math.sqrt(acc[i])) * grad[i] : 0; // ours: 0/√0 = 0
        y[i] = x[i] - move;
        moveSq += move * move;
      }
      stepSize = Math.sqrt(moveSq);
    } else {
      this.accNorm = this.accNorm + dot(grad, grad);
      stepSize = this.accNorm > 0 ? eta / Math.sqrt(this.accNorm) : 0; // ours: 0/√0 = 0
      for (let i = 0; i < x.length; i++) y[i] = x[i] - stepSize * grad[i];
    }
    const fy = this.oracle.valueAndGradient(y, gy);
    const name = this.diagonal ? 'adagrad' : 'adagrad-norm';
    if (!Number.isFinite(fy) || !allFinite(gy)) return { accepted: false, stepSize, stop: nonFiniteStep(name) };
    x.set(y);
    this.fun = fy;
    this.grad.set(gy);
    return { accepted: true, stepSize };
  }
}

function makeAdagradDescriptor(name: 'adagrad' | 'adagrad-norm', diagonal: boolean): MethodDescriptor<AdagradSettings> {
  const defaults: AdagradSettings = { learningRate: 1e-2 };
  return {
    name,
    summary: diagonal ? 'diagonal AdaGrad (deterministic, steps from x_t)' : 'AdaGrad-Norm: one scalar step η/√(Σ‖g‖²)',
    defaults,
    resolve: (o) => ({ learningRate: readNumber(o, 'learningRate', defaults.learningRate, { above: 0 }) }),
    create: (oracle, x0, f0, g0, settings) => new Adagrad(oracle, x0, f0, g0, settings, diagonal),
    native: true,
  };
}

/** Descriptor of 'adagrad' (spec §2.8, diagonal). */
export const adagradDescriptor = makeAdagradDescriptor('adagrad', true);
/** Descriptor of 'adagrad-norm' (spec §2.8, scalar). */
export const adagradNormDescriptor = makeAdagradDescriptor('adagrad-norm', false);

registerMethod(adagradDescriptor);
registerMethod(adagradNormDescriptor);
