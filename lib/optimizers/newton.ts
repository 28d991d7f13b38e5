/**
 * 'newton': exact Newton for moderate dimensions, with Nocedal & Wright's "Cholesky with added multiple of
 * the identity" when the Hessian is not positive definite, and LIBLINEAR's backtracking line search.
 * Mirrored by native/core/newton.{hpp,cpp}.
 */
import { readNumber } from '../options';
import {
  backtrackingArmijo, DEFAULT_MAX_LINE_SEARCH_STEPS, LIBLINEAR_BACKTRACKING, type BacktrackingParams,
} from './line_search';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import { hessVecAt, searchAndMove } from './newton_cg';
import type { CountedObjective } from './oracle';
import { registerMethod } from './registry';
import { dot } from './vector_ops';

/** Resolved options of 'newton'. */
export interface NewtonSettings extends Settings {
  /** Largest dimension accepted (the dense d×d Hessian costs 8d² bytes and O(d³) per factorization); default 5000. */
  maxDim: number;
  /** Trials of the backtracking line search at most (integer in [1, 1000]; default 20, LIBLINEAR's). */
  maxLineSearchSteps: number;
}

/** Factorizations tried per iteration at most: H, then H + τI for growing τ, then H + 2τ*I. */
export const MAX_FACTORIZATIONS = 60;
/** First shift τ₀ = 1e−8·max|Hᵢⱼ|. */
export const SHIFT_START = 1e-8;
/** τ ← 10·τ after a failed factorization. */
export const SHIFT_GROWTH = 10;

/**
 * In-place Cholesky H = L·Lᵀ of the row-major n×n matrix `a` (lower triangle read and overwritten with L;
 * the strict upper triangle is not touched), without pivoting: row by row (Cholesky–Banachiewicz),
 * L_jk = (a_jk − Σ_{l<k} L_jl L_kl)/L_kk and L_jj = √(a_jj − Σ_{l<j} L_jl²). Fails (returns false) as soon as
 * a pivot a_jj − Σ L_jl² is not > 0, the test of Eigen's LLT, which the native twin uses.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let k = 0; k < j; k++) {
      const rk = k * n;
      let sum = a[rj + k];
      for (let l = 0; l < k; l++) sum -= a[rj + l] * a[rk + l];
      a[rj + k] = sum / a[rk + k];
    }
    let pivot = a[rj + j];
    for (let l = 0; l < j; l++) pivot -= a[rj + l] * a[rj + l];
    if (!(pivot > 0)) return false;
    a[rj + j] = Math.sqrt(pivot);
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place (x overwrites b) with the factor from {@link choleskyInPlace}. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * b[k];
    b[i] = sum / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * b[k];
    b[i] = sum / l[i * n + i];
  }
}

/**
 * Exact Newton with modified Cholesky (Nocedal & Wright 2006, §3.4, Alg. 3.3).
 *
 * Iteration: H = ∇²f(x) column by column from d Hessian-vector products with the unit vectors (d counted
 * nhvp; gradient differences, d counted gradients, for a user objective without hessVec), symmetrized as
 * (H + Hᵀ)/2. Factor H = LLᵀ (pivot-free Cholesky); if that fails, H + τI with τ = 1e−8·max|Hᵢⱼ| (1e−8 if
 * H = 0), multiplied by 10 after each failure, at most 60 factorizations in all (τ then reaches
 * 1e50·max|Hᵢⱼ|, beyond any eigenvalue of a finite H; running out means overflow → `non-finite`).
 * Ours: once some τ* works, the step uses H + 2τ*I (one more factorization). The first working τ* may lie
 * within rounding of −λ_min(H) (e.g. τ* = 398.00000000000006 for λ_min = −398), which makes H + τ*I nearly
 * singular and the step huge; with 2τ*, λ_min(H + 2τ*I) ≥ τ* ≥ |λ_min(H)|.
 * Solve (H + τI)s = −g; if gᵀs is not negative (rounding), s = −g. Then LIBLINEAR's backtracking line search
 * as in 'newton-cg' (t = 1, halve, η = 0.01, `maxLineSearchSteps` trials; failure → `line-search-failed`),
 * and one counted f + g at the new point.
 *
 * Native twin: Eigen's LLT, which has the same pivot test; the two may decide differently only for a matrix
 * whose smallest pivot is zero to rounding.
 *
 * `stepSize` in records: the accepted line-search step t (1 for a full Newton step).
 */
export class Newton extends Method {
  private readonly h: Float64Array;
  private readonly col: Float64Array;
  private readonly unit: Float64Array;
  private readonly sDir: Float64Array;
  private readonly ls: BacktrackingParams;
  /** Work copy of H for the factorizations (allocated on first use). */
  private factorWork?: Float64Array;
  /** The shift τ of the last factorization (0 when H itself was positive definite). */
  lastShift = 0;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, s: NewtonSettings) {
    super(oracle, x0, f0, g0);
    const n = x0.length;
    this.h = new Float64Array(n * n);
    this.col = new Float64Array(n);
    this.unit = new Float64Array(n);
    this.sDir = new Float64Array(n);
    this.ls = { ...LIBLINEAR_BACKTRACKING, maxTrials: s.maxLineSearchSteps };
  }

  override step(): StepOutcome {
    const { x, grad, h, col, unit, sDir } = this;
    const n = x.length;
    // H, one column per product; columns stored as rows (H is symmetric), then symmetrized.
    const hv = hessVecAt(this.oracle, x, grad);
    for (let j = 0; j < n; j++) {
      unit[j] = 1;
      hv(unit, col);
      unit[j] = 0;
      for (let i = 0; i < n; i++) h[j * n + i] = col[i];
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const v = 0.5 * (h[i * n + j] + h[j * n + i]);
        h[i * n + j] = v;
        h[j * n + i] = v;
      }
    }
    let scale = 0;
    for (let k = 0; k < n * n; k++) {
      if (!Number.isFinite(h[k])) return nonFinite('newton: the Hessian is not finite');
      scale = Math.max(scale, Math.abs(h[k]));
    }
    const factor = this.factorShifted(scale);
    if (!factor) return nonFinite(`newton: no positive definite H + tau*I in ${MAX_FACTORIZATIONS} factorizations`);
    for (let i = 0; i < n; i++) sDir[i] = -grad[i];
    choleskySolveInPlace(factor, n, sDir);
    return searchAndMove(this, this.oracle, sDir, this.ls, 'newton');
  }

  /** Factors H + τI for τ = 0, τ₀, 10τ₀, … then 2τ* (see the class comment); the factor (a work copy), or undefined after 60 factorizations. */
  private factorShifted(scale: number): Float64Array | undefined {
    const { h } = this;
    const n = this.x.length;
    const a = (this.factorWork ??= new Float64Array(n * n));
    let tau = 0;
    let margin = false; // whether τ already carries the factor 2
    for (let attempt = 0; attempt < MAX_FACTORIZATIONS; attempt++) {
      a.set(h);
      for (let i = 0; i < n; i++) a[i * n + i] += tau;
      if (choleskyInPlace(a, n)) {
        if (tau === 0 || margin) {
          this.lastShift = tau;
          return a;
        }
        tau = 2 * tau;
        margin = true;
      } else {
        tau = tau === 0 ? SHIFT_START * (scale > 0 ? scale : 1) : SHIFT_GROWTH * tau;
      }
    }
    return undefined;
  }
}

function nonFinite(message: string): StepOutcome {
  return { accepted: false, stepSize: 0, stop: { status: 'non-finite', message } };
}

/** Descriptor of 'newton'. */
export const newtonDescriptor: MethodDescriptor<NewtonSettings> = {
  name: 'newton',
  summary: 'exact Newton (Hessian from d Hessian-vector products, Cholesky with added multiple of I), backtracking line search',
  defaults: { maxDim: 5000, maxLineSearchSteps: DEFAULT_MAX_LINE_SEARCH_STEPS },
  resolve(o, dim) {
    const d = newtonDescriptor.defaults;
    const maxDim = readNumber(o, 'maxDim', d.maxDim, { min: 1, integer: true });
    if (dim > maxDim) {
      throw new RangeError(`maxDim: method 'newton' forms the dense ${dim}x${dim} Hessian; dim = ${dim} exceeds maxDim = ${maxDim} (raise maxDim or use 'newton-cg')`);
    }
    return {
      maxDim,
      maxLineSearchSteps: readNumber(o, 'maxLineSearchSteps', d.maxLineSearchSteps, { min: 1, max: 1000, integer: true }),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new Newton(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(newtonDescriptor as unknown as MethodDescriptor);
