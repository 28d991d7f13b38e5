/**
 * 'lbfgs': limited-memory BFGS with a Moré–Thuente strong-Wolfe line search (spec §2.4), the method the
 * paper runs through scipy's L-BFGS-B without bounds. Mirrored by native/core/lbfgs.{hpp,cpp}.
 */
import type { LineFunction } from '../objectives/objective';
import { readNumber } from '../options';
import {
  DEFAULT_MAX_LINE_SEARCH_STEPS, MORE_THUENTE_MAX_STEP, MORE_THUENTE_XTOL, moreThuente, type MoreThuenteParams,
} from './line_search';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { allFinite, dot, norm } from './vector_ops';

/** Resolved options of 'lbfgs'. */
export interface LbfgsSettings extends Settings {
  /** Number m of curvature pairs kept (integer in [1, 1000]; default 10, scipy's and the paper's). */
  memory: number;
  /** Sufficient-decrease constant c1 of the Wolfe conditions (0 < c1 < c2; default 1e−3, scipy L-BFGS-B's ftol of dcsrch). */
  wolfeC1: number;
  /** Curvature constant c2 of the strong Wolfe conditions (c1 < c2 < 1; default 0.9). */
  wolfeC2: number;
  /** Trials per line search at most (integer in [1, 1000]; default 20, scipy's maxls). */
  maxLineSearchSteps: number;
}

/** Machine epsilon: a curvature pair is skipped when sᵀy ≤ ε·yᵀy. */
const EPS = 2.220446049250313e-16;

/**
 * φ(t) = f(x + t·d) evaluated through the full fused oracle: every trial is one counted
 * `valueAndGradient(x + t·d)` (1 f + 1 g, as each trial of scipy's L-BFGS-B), and the trial's gradient is
 * kept, so the accepted point's f and ∇f cost nothing more.
 *
 * Why not `oracle.along`: L-BFGS accepts its first trial t = 1 in most iterations, and it needs ∇f at the
 * accepted point. Through `along` an iteration would cost one X·d pass, the O(n) trial and then a full
 * value+gradient at the new point (3 data passes, counted 2 f + 2 g); this way it is 2 data passes, counted
 * 1 f + 1 g, the counts scipy reports.
 */
export class GradientLine implements LineFunction {
  /** The last trial point x + t·d and ∇f there. */
  readonly point: Float64Array;
  readonly grad: Float64Array;
  /** The step of the last trial (NaN before any). */
  step = NaN;

  constructor(private readonly oracle: CountedObjective, private readonly x: Float64Array, private readonly d: Float64Array) {
    this.point = new Float64Array(x.length);
    this.grad = new Float64Array(x.length);
  }

  valueAndSlope(t: number): { value: number; slope: number } {
    const { x, d, point } = this;
    for (let i = 0; i < x.length; i++) point[i] = x[i] + t * d[i];
    this.step = t;
    const value = this.oracle.valueAndGradient(point, this.grad);
    return { value, slope: dot(this.grad, d) };
  }

  value(t: number): number {
    return this.valueAndSlope(t).value;
  }
}

/**
 * L-BFGS (Nocedal & Wright 2006, Alg. 7.4 two-loop recursion + Alg. 7.5), spec §2.4.
 *
 * Iteration: d = −H·g by the two-loop recursion over the last `memory` pairs (s, y), with H₀ = γI,
 * γ = sᵀy/yᵀy of the newest pair. With no pairs (first iteration, or after a restart) γ = 1/‖g‖, so
 * d = −g/‖g‖ has unit length and the first trial t = 1 moves by 1, as scipy's L-BFGS-B (stp = 1/‖d‖ on its
 * first iteration). Then a Moré–Thuente search along d from t = 1 (c1 = `wolfeC1`, c2 = `wolfeC2`,
 * xtol = 0.1, stepMax = 1e10, at most `maxLineSearchSteps` trials), each trial one counted f + g
 * ({@link GradientLine}).
 *
 * Acceptance: the last trial if it satisfies sufficient decrease (strong Wolfe, or one of dcsrch's warnings
 * with sufficient decrease; scipy accepts any warning). Otherwise, if the search's best step has sufficient
 * decrease, that point is evaluated again (1 f + 1 g) and accepted. Otherwise the search failed: with pairs
 * in memory the memory is cleared and the next iteration restarts from d = −g/‖g‖ (the point does not
 * move; scipy's "refresh the lbfgs memory and restart"); with an empty memory the method stops with
 * `line-search-failed`.
 *
 * After an accepted step, s = x₊ − x and y = g₊ − g; the pair is stored unless sᵀy ≤ ε·yᵀy (ε = machine
 * epsilon), which keeps H positive definite (scipy skips on sᵀy ≤ ε·(−gᵀs) instead; ours is scale-free in y).
 * If rounding makes d not a descent direction (gᵀd ≥ 0) the memory is cleared and d = −g/‖g‖ is used in the
 * same iteration.
 *
 * Stopping rules (gradTol, fTol = scipy's ftol, budgets) are the driver's; this method adds none.
 * `stepSize` in records: the accepted step t along d (0 when the iteration restarted).
 */
export class Lbfgs extends Method {
  private readonly sPairs: Float64Array[] = [];
  private readonly yPairs: Float64Array[] = [];
  private readonly rho: number[] = [];
  /** Index of the newest pair in the ring buffer; `count` pairs stored. */
  private newest = -1;
  private count = 0;
  private readonly alpha: Float64Array;
  private readonly d: Float64Array;
  private readonly line: GradientLine;
  private readonly params: MoreThuenteParams;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: LbfgsSettings) {
    super(oracle, x0, f0, g0);
    const n = x0.length;
    for (let k = 0; k < s.memory; k++) {
      this.sPairs.push(new Float64Array(n));
      this.yPairs.push(new Float64Array(n));
      this.rho.push(0);
    }
    this.alpha = new Float64Array(s.memory);
    this.d = new Float64Array(n);
    this.line = new GradientLine(oracle, this.x, this.d);
    this.params = {
      c1: s.wolfeC1, c2: s.wolfeC2, xtol: MORE_THUENTE_XTOL, stepMin: 0, stepMax: MORE_THUENTE_MAX_STEP,
      maxTrials: s.maxLineSearchSteps,
    };
  }

  /** d = −H·g (two-loop recursion); H₀ = I/‖g‖ when no pair is stored. */
  private direction(): void {
    const { d, grad } = this;
    const n = d.length;
    const m = this.s.memory;
    for (let i = 0; i < n; i++) d[i] = grad[i];
    let gamma: number;
    if (this.count === 0) {
      gamma = 1 / norm(grad);
    } else {
      // Newest to oldest: α_i = ρ_i s_iᵀq, q ← q − α_i y_i.
      for (let k = 0; k < this.count; k++) {
        const j = (this.newest - k + m) % m;
        const a = this.rho[j] * dot(this.sPairs[j], d);
        this.alpha[j] = a;
        const y = this.yPairs[j];
        for (let i = 0; i < n; i++) d[i] -= a * y[i];
      }
      const sNew = this.sPairs[this.newest];
      const yNew = this.yPairs[this.newest];
      gamma = dot(sNew, yNew) / dot(yNew, yNew);
    }
    for (let i = 0; i < n; i++) d[i] *= gamma;
    if (this.count > 0) {
      // Oldest to newest: β = ρ_i y_iᵀr, r ← r + s_i (α_i − β).
      for (let k = this.count - 1; k >= 0; k--) {
        const j = (this.newest - k + m) % m;
        const b = this.rho[j] * dot(this.yPairs[j], d);
        const c = this.alpha[j] - b;
        const sv = this.sPairs[j];
        for (let i = 0; i < n; i++) d[i] += c * sv[i];
      }
    }
    for (let i = 0; i < n; i++) d[i] = -d[i];
  }

  private clearMemory(): void {
    this.count = 0;
    this.newest = -1;
  }

  /** Stores s = x₊ − x, y = g₊ − g unless sᵀy ≤ ε·yᵀy. `xNew`/`gNew` are the accepted point's. */
  private remember(xNew: Float64Array, gNew: Float64Array): void {
    const m = this.s.memory;
    const slot = (this.newest + 1) % m;
    const sv = this.sPairs[slot];
    const yv = this.yPairs[slot];
    for (let i = 0; i < sv.length; i++) {
      sv[i] = xNew[i] - this.x[i];
      yv[i] = gNew[i] - this.grad[i];
    }
    const sy = dot(sv, yv);
    const yy = dot(yv, yv);
    if (!(sy > EPS * yy)) return; // skipped: the slot is overwritten next time
    this.rho[slot] = 1 / sy;
    this.newest = slot;
    if (this.count < m) this.count++;
  }

  override step(): StepOutcome {
    if (norm(this.grad) === 0) return { accepted: false, stepSize: 0, stop: { status: 'grad-tol', message: 'lbfgs: the gradient is exactly zero' } };
    this.direction();
    let slope0 = dot(this.grad, this.d);
    if (!(slope0 < 0) && this.count > 0) {
      this.clearMemory();
      this.direction();
      slope0 = dot(this.grad, this.d);
    }
    if (!(slope0 < 0)) {
      return { accepted: false, stepSize: 0, stop: { status: 'non-finite', message: 'lbfgs: the steepest-descent slope is not negative' } };
    }
    const ls = moreThuente(this.line, this.fun, slope0, 1, this.params);
    let t: number;
    let fNew: number;
    if (ls.lastSufficient && allFinite(this.line.grad)) {
      t = ls.last.step;
      fNew = ls.last.value;
    } else if (ls.bestSufficient) {
      // The best step of the search, evaluated again for its gradient (rare: dcsrch warnings, trial cap).
      t = ls.best.step;
      fNew = this.line.valueAndSlope(t).value;
      if (!(Number.isFinite(fNew) && allFinite(this.line.grad))) return this.failed('the best step is not finite on re-evaluation');
    } else {
      return this.failed(ls.message);
    }
    this.remember(this.line.point, this.line.grad);
    this.x.set(this.line.point);
    this.grad.set(this.line.grad);
    this.fun = fNew;
    return { accepted: true, stepSize: t };
  }

  /** A failed search: restart from steepest descent if pairs are stored, else stop. */
  private failed(why: string): StepOutcome {
    if (this.count > 0) {
      this.clearMemory();
      return { accepted: false, stepSize: 0 };
    }
    return { accepted: false, stepSize: 0, stop: { status: 'line-search-failed', message: `lbfgs: Moré–Thuente line search failed along steepest descent: ${why}` } };
  }
}

/** Descriptor of 'lbfgs' (spec §2.4). */
export const lbfgsDescriptor: MethodDescriptor<LbfgsSettings> = {
  name: 'lbfgs',
  summary: 'L-BFGS (two-loop recursion) with a Moré–Thuente strong-Wolfe line search (scipy L-BFGS-B constants)',
  defaults: { memory: 10, wolfeC1: 1e-3, wolfeC2: 0.9, maxLineSearchSteps: DEFAULT_MAX_LINE_SEARCH_STEPS },
  resolve(o) {
    const d = lbfgsDescriptor.defaults;
    const wolfeC1 = readNumber(o, 'wolfeC1', d.wolfeC1, { above: 0, max: 1 });
    const wolfeC2 = readNumber(o, 'wolfeC2', d.wolfeC2, { above: 0, max: 1 });
    if (!(wolfeC1 < wolfeC2 && wolfeC2 < 1)) {
      throw new RangeError(`wolfeC2: expected wolfeC1 < wolfeC2 < 1, got wolfeC1 = ${wolfeC1}, wolfeC2 = ${wolfeC2}`);
    }
    return {
      memory: readNumber(o, 'memory', d.memory, { min: 1, max: 1000, integer: true }),
      wolfeC1,
      wolfeC2,
      maxLineSearchSteps: readNumber(o, 'maxLineSearchSteps', d.maxLineSearchSteps, { min: 1, max: 1000, integer: true }),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new Lbfgs(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(lbfgsDescriptor as unknown as MethodDescriptor);
