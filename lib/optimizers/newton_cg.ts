/**
 * 'newton-cg': inexact (truncated) Newton in the manner of LIBLINEAR's newton.cpp (design.md §5): PCG with
 * the mixed diagonal preconditioner and the quadratic-model stopping rule, then LIBLINEAR's backtracking
 * line search along the exact O(n) line function. Mirrored by native/core/newton_cg.{hpp,cpp}.
 */
import { readChoice, readNumber } from '../options';
import {
  backtrackingArmijo, DEFAULT_MAX_LINE_SEARCH_STEPS, LIBLINEAR_BACKTRACKING, type BacktrackingParams,
} from './line_search';
import { Method, type MethodDescriptor, type Settings, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { pcg, PcgWorkspace, type HessVecFn } from './pcg';
import { registerMethod } from './registry';
import { allFinite, dot, norm } from './vector_ops';

/** Resolved options of 'newton-cg'. */
export interface NewtonCgSettings extends Settings {
  /**
   * ε_cg of LIBLINEAR's quadratic-model CG stop: CG ends when j·(Q_j − Q_{j−1}) ≥ min(cgTol, √‖g‖_{M⁻¹})·Q_j
   * (in (0, 1]; default 0.1, the `eps_cg` LIBLINEAR's train_one passes to its Newton solver (0.5 is only the
   * NEWTON class default, used when warm-started). Smaller solves each Newton system more accurately. (On the
   * raw breast-cancer data the products to 1e-6 are chaotic in the last bits, 84–195 with 0.1 and 89–177 with
   * 0.5 over tiny data perturbations, so that problem does not rank the two; test/newton.test.ts.)
   */
  cgTol: number;
  /**
   * κ > 0, the scale at which LIBLINEAR's two scale-dependent rules are applied: the preconditioner mix
   * M = (1 − α)I + α·κ·diag ∇²f and the forcing term min(cgTol, √‖κg‖_{M⁻¹}). LIBLINEAR writes them for
   * ½‖w‖² + C·Σℓ; for our mean loss f that is κ·f with κ = n when l2 = 1/n (C = 1). Default 0: the
   * objective's numSamples (1 without one). With κ = 1 on a mean loss the mix is ~I and the forcing term
   * tiny, and CG ran 10× more products per Newton step on badly scaled data (bench, dense 2e5×200).
   */
  cgScale: number;
  /** CG iterations (Hessian-vector products) per Newton step at most (integer ≥ 0; default 0, meaning dim). */
  maxCgIterations: number;
  /** Trials of the backtracking line search at most (integer in [1, 1000]; default 20, LIBLINEAR's). */
  maxLineSearchSteps: number;
  /**
   * 'diagonal' (default): M = (1 − α)I + α·diag ∇²f(x), α = 0.01 (Hsia, Chiang & Lin 2018, LIBLINEAR), one
   * counted `hessDiag` per iteration; plain CG when the objective has no hessDiag. 'none': plain CG.
   */
  preconditioner: 'diagonal' | 'none';
}

/** Weight α of diag ∇²f in LIBLINEAR's mixed preconditioner M = (1 − α)I + α·diag. */
export const PRECONDITIONER_MIX = 0.01;

/** √(machine epsilon), the relative size of a gradient-difference step. */
const SQRT_EPS = Math.sqrt(2.220446049250313e-16);

/**
 * v ↦ ∇²f(x)·v at the current point: the objective's `hessVec` (one counted nhvp) when it has one, otherwise
 * the forward gradient difference (∇f(x + εv) − ∇f(x))/ε with ε = √ε_mach·(1 + ‖x‖)/‖v‖ (one counted gradient;
 * ∇f(x) is the stored gradient). The difference path exists only in TypeScript: user JS objectives never
 * reach the native core, and native objectives always have `hessVec`.
 */
export function hessVecAt(oracle: CountedObjective, x: Float64Array, g: Float64Array): HessVecFn {
  if (oracle.hasHessVec) return (v, out) => void oracle.hessVec(x, v, out);
  const n = x.length;
  const xe = new Float64Array(n);
  const ge = new Float64Array(n);
  return (v, out) => {
    const vn = norm(v);
    if (vn === 0) {
      out.fill(0);
      return;
    }
    const eps = (SQRT_EPS * (1 + norm(x))) / vn;
    for (let i = 0; i < n; i++) xe[i] = x[i] + eps * v[i];
    oracle.gradient(xe, ge);
    for (let i = 0; i < n; i++) out[i] = (ge[i] - g[i]) / eps;
  };
}

/**
 * The step shared by 'newton-cg' and 'newton' once a direction s is known: if gᵀs is not negative, s = −g
 * instead; LIBLINEAR's backtracking on φ(t) = f(x + t·s) from `oracle.along` (O(n) per trial for linear
 * models); then x ← x + t·s and one counted `valueAndGradient` there (f from the full evaluation, not the
 * line function's value, so the stored f is exactly f(x)). `name` prefixes the stop messages.
 */
export function searchAndMove(
  method: Method & { fun: number }, oracle: CountedObjective, sDir: Float64Array, ls: BacktrackingParams, name: string,
): StepOutcome {
  const { x, grad } = method;
  let gTs = dot(grad, sDir);
  if (!(gTs < 0)) {
    for (let i = 0; i < sDir.length; i++) sDir[i] = -grad[i];
    gTs = dot(grad, sDir);
  }
  const search = backtrackingArmijo(oracle.along(x, sDir), method.fun, gTs, ls);
  if (!search.ok) {
    return {
      accepted: false, stepSize: 0,
      stop: { status: 'line-search-failed', message: `${name}: no sufficient decrease in ${search.trials} trials halving from t = 1 (maxLineSearchSteps)` },
    };
  }
  for (let i = 0; i < x.length; i++) x[i] = x[i] + search.step * sDir[i];
  method.fun = oracle.valueAndGradient(x, grad);
  const stop = allFinite(grad) ? undefined : { status: 'non-finite' as const, message: `${name}: the gradient is not finite at the accepted point` };
  return { accepted: true, stepSize: search.step, stop };
}

/**
 * Newton-CG (LIBLINEAR newton.cpp; Nocedal & Wright 2006, Alg. 7.1).
 *
 * Iteration: M = (1 − 0.01)·I + 0.01·κ·max(diag ∇²f(x), 0) (1 hessDiag; negative diagonal entries of a
 * non-convex user objective are clipped so M ≥ 0.99; κ = `cgScale`), then {@link pcg} on ∇²f(x)·s = −g with the
 * quadratic-model stop (`cgTol`) or `maxCgIterations` products. If gᵀs is not negative (possible only with
 * gradient differences or an indefinite Hessian) s = −g instead. Then LIBLINEAR's backtracking line search
 * on φ(t) = f(x + t·s) from `oracle.along` (O(n) per trial for linear models): t = 1, halve until
 * φ(t) − f ≤ 0.01·t·gᵀs, at most `maxLineSearchSteps` trials (each 1 counted f); failure stops with
 * `line-search-failed`. Finally one counted f + g at the new point.
 *
 * LIBLINEAR's own stop ‖g‖ ≤ ε‖g₀‖ is the driver's `relativeGradTol` (measured from x₀; LIBLINEAR measures
 * from w = 0); its "actred too small" stop is the driver's `fTol`.
 *
 * `stepSize` in records: the accepted line-search step t (1 for a full Newton step).
 */
export class NewtonCg extends Method {
  private readonly sDir: Float64Array;
  private readonly m: Float64Array;
  private readonly work: PcgWorkspace;
  private readonly ls: BacktrackingParams;
  private readonly maxCg: number;
  /** κ of `cgScale` (resolved: the objective's numSamples when cgScale is 0). */
  readonly scale: number;
  /** CG iterations of the last step (for diagnostics and tests). */
  lastCgIterations = 0;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, private readonly s: NewtonCgSettings) {
    super(oracle, x0, f0, g0);
    const n = x0.length;
    this.sDir = new Float64Array(n);
    this.m = new Float64Array(n);
    this.work = new PcgWorkspace(n);
    this.ls = { ...LIBLINEAR_BACKTRACKING, maxTrials: s.maxLineSearchSteps };
    this.maxCg = s.maxCgIterations === 0 ? n : s.maxCgIterations;
    this.scale = s.cgScale > 0 ? s.cgScale : Math.max(1, oracle.objective.numSamples ?? 1);
  }

  override step(): StepOutcome {
    const { x, grad, sDir, m } = this;
    const n = x.length;
    let M: Float64Array | null = null;
    if (this.s.preconditioner === 'diagonal' && this.oracle.hasHessDiag) {
      this.oracle.hessDiag(x, m);
      const mix = PRECONDITIONER_MIX * this.scale;
      for (let i = 0; i < n; i++) m[i] = 1 - PRECONDITIONER_MIX + mix * Math.max(m[i], 0);
      if (!allFinite(m)) return { accepted: false, stepSize: 0, stop: { status: 'non-finite', message: 'newton-cg: the Hessian diagonal is not finite' } };
      M = m;
    }
    const cg = pcg(hessVecAt(this.oracle, x, grad), grad, M, sDir, this.work, { cgTol: this.s.cgTol, maxIterations: this.maxCg, normScale: this.scale });
    this.lastCgIterations = cg.iterations;
    return searchAndMove(this, this.oracle, sDir, this.ls, 'newton-cg');
  }
}

/** Descriptor of 'newton-cg'. */
export const newtonCgDescriptor: MethodDescriptor<NewtonCgSettings> = {
  name: 'newton-cg',
  summary: 'inexact Newton (LIBLINEAR): diagonal-preconditioned CG with the quadratic-model stop, backtracking line search',
  defaults: { cgTol: 0.1, cgScale: 0, maxCgIterations: 0, maxLineSearchSteps: DEFAULT_MAX_LINE_SEARCH_STEPS, preconditioner: 'diagonal' },
  resolve(o) {
    const d = newtonCgDescriptor.defaults;
    return {
      cgTol: readNumber(o, 'cgTol', d.cgTol, { above: 0, max: 1 }),
      cgScale: readNumber(o, 'cgScale', d.cgScale, { min: 0 }),
      maxCgIterations: readNumber(o, 'maxCgIterations', d.maxCgIterations, { min: 0, integer: true }),
      maxLineSearchSteps: readNumber(o, 'maxLineSearchSteps', d.maxLineSearchSteps, { min: 1, max: 1000, integer: true }),
      preconditioner: readChoice(o, 'preconditioner', d.preconditioner, ['diagonal', 'none'] as const),
    };
  },
  create: (oracle, x0, f0, g0, settings) => new NewtonCg(oracle, x0, f0, g0, settings),
  native: true,
};

registerMethod(newtonCgDescriptor as unknown as MethodDescriptor);
