/**
 * Preconditioned conjugate gradients for the Newton system ∇²f(x)·s = −g, stopped by the quadratic-model
 * rule of LIBLINEAR's newton.cpp (Hsia, Chiang & Lin 2018, after Nash & Sofer). Used by 'newton-cg';
 * mirrored by native/core/pcg.{hpp,cpp}.
 */
import { dot } from './vector_ops';

/** Writes ∇²f(x)·v to `out` (one counted Hessian-vector product, or a gradient difference). */
export type HessVecFn = (v: Float64Array, out: Float64Array) => void;

/** Parameters of {@link pcg}. */
export interface PcgParams {
  /** ε_cg of the quadratic-model rule (LIBLINEAR's `eps_cg`, default 0.5). */
  cgTol: number;
  /** CG iterations (Hessian-vector products) at most. */
  maxIterations: number;
  /**
   * κ, the factor between f and the objective LIBLINEAR's rule is written for (newton-cg's `cgScale`): the
   * forcing term uses ‖κg‖ in κ's units, √(κ·√(gᵀM⁻¹g)); 1 applies the rule to f itself.
   */
  normScale?: number;
}

/**
 * Why CG stopped.
 * - `quadratic-model`: j·(Q_j − Q_{j−1}) ≥ cgtol·Q_j (the relative decrease of the model is small).
 * - `max-iterations`: `maxIterations` products.
 * - `non-positive-curvature`: dᵀHd ≤ 1e−16·dᵀd (or NaN); the iterate so far is returned, or −M⁻¹g if this
 *   happened at the first iteration.
 * - `model-increase`: the model became positive or increased (rounding or an indefinite H; LIBLINEAR's warning).
 * - `aborted`: the abort flag was raised (native only).
 */
export type PcgStop = 'quadratic-model' | 'max-iterations' | 'non-positive-curvature' | 'model-increase' | 'aborted';

/** Result of {@link pcg}. */
export interface PcgResult {
  /** Hessian-vector products made. */
  iterations: number;
  stop: PcgStop;
}

/** Work vectors of {@link pcg}, allocated once per method. */
export class PcgWorkspace {
  readonly r: Float64Array;
  readonly z: Float64Array;
  readonly d: Float64Array;
  readonly hd: Float64Array;
  constructor(n: number) {
    this.r = new Float64Array(n);
    this.z = new Float64Array(n);
    this.d = new Float64Array(n);
    this.hd = new Float64Array(n);
  }
}

/** dᵀHd must exceed this multiple of dᵀd (LIBLINEAR's `dHd ≤ 1e−16` guard made scale-free: our losses are averaged, LIBLINEAR's summed). */
export const CG_CURVATURE_FLOOR = 1e-16;

/**
 * PCG on H·s = −g from s = 0 (LIBLINEAR newton.cpp `pcg`). With Q_j = gᵀs_j + ½s_jᵀHs_j computed as
 * −½(s_jᵀr_j − s_jᵀg), CG stops when Q_j ≤ 0, Q_j − Q_{j−1} ≤ 0 and j·(Q_j − Q_{j−1}) ≥ cgtol·Q_j, with
 * cgtol = min(cgTol, √‖g‖_{M⁻¹}) (the inexact-Newton forcing term that tightens near the solution).
 *
 * @param hessVec the product v ↦ H·v
 * @param g the gradient
 * @param M the diagonal preconditioner (positive entries), or null for plain CG
 * @param s output: the step
 */
export function pcg(hessVec: HessVecFn, g: Float64Array, M: Float64Array | null, s: Float64Array, w: PcgWorkspace, p: PcgParams): PcgResult {
  const n = g.length;
  const { r, z, d, hd } = w;
  for (let i = 0; i < n; i++) {
    s[i] = 0;
    r[i] = -g[i];
    z[i] = M ? r[i] / M[i] : r[i];
    d[i] = z[i];
  }
  let zTr = dot(z, r);
  const gMinvNorm = Math.sqrt(zTr);
  const cgtol = Math.min(p.cgTol, Math.sqrt((p.normScale ?? 1) * gMinvNorm));
  let Q = 0;
  let iterations = 0;
  let stop: PcgStop = 'max-iterations';
  while (iterations < p.maxIterations) {
    iterations++;
    hessVec(d, hd);
    const dHd = dot(d, hd);
    if (!(dHd > CG_CURVATURE_FLOOR * dot(d, d))) {
      // Nocedal & Wright Alg. 7.1: on non-positive curvature at the first iteration return the (preconditioned)
      // steepest-descent direction d₀ = −M⁻¹g, else the iterate so far.
      if (iterations === 1) for (let i = 0; i < n; i++) s[i] = d[i];
      stop = 'non-positive-curvature';
      break;
    }
    const alpha = zTr / dHd;
    for (let i = 0; i < n; i++) {
      s[i] += alpha * d[i];
      r[i] -= alpha * hd[i];
    }
    const newQ = -0.5 * (dot(s, r) - dot(s, g));
    const Qdiff = newQ - Q;
    if (newQ <= 0 && Qdiff <= 0) {
      if (iterations * Qdiff >= cgtol * newQ) {
        stop = 'quadratic-model';
        break;
      }
    } else {
      stop = 'model-increase';
      break;
    }
    Q = newQ;
    for (let i = 0; i < n; i++) z[i] = M ? r[i] / M[i] : r[i];
    const znewTrnew = dot(z, r);
    const beta = znewTrnew / zTr;
    for (let i = 0; i < n; i++) d[i] = beta * d[i] + z[i];
    zTr = znewTrnew;
  }
  return { iterations, stop };
}
