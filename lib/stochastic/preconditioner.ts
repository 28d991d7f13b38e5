/**
 * The diagonal preconditioner and momentum of the preconditioned stochastic line searches (spec §4.5,
 * ada_sls `adaptive_first` with `pp_armijo`), shared by `Sls` and `Ponos`. Mirrors
 * native/core/stochastic_preconditioner.{hpp,cpp} operation for operation.
 *
 * Per iteration, with t the iteration count, β1 = `beta1`, β2 = `beta2`, ε = `eps`:
 * - Adam/AMSGrad: v ← β2·v + (1−β2)·g²; AMSGrad also v̄ ← max(v̄, v) on the raw v; D = 1/(√(v̂/(1−β2^t)) + ε)
 *   with v̂ = v (Adam) or v̄ (AMSGrad) — torch's denominator.
 * - AdaGrad: v ← v + g²; D = 1/(√v + ε).
 * - `'none'`: D = 1 (plain SLS/PoNoS).
 * - Momentum (β1 > 0, any preconditioner): m ← β1·m + (1−β1)·g, m̂ = m/(1−β1^t); with β1 = 0, m̂ = g.
 *   (ada_sls ignores momentum with AdaGrad [quirk]; we apply it the same way for every preconditioner.)
 * - Step direction: x ← x − η·D⊙m̂.
 * - Search direction (the trial y = x − η·p) and decrease term s:
 *   `'gradient'` (ada_sls): p = D⊙g, s = ⟨g, D⊙g⟩ — momentum stays outside the search [quirk];
 *   `'step'`: p = D⊙m̂, s = ⟨g, D⊙m̂⟩, falling back to `'gradient'` when s ≤ 0.
 * Powers β^t are running products (identical in both backends).
 */
import { readChoice, readNumber } from '../options';
import { dot } from './optimizer';
import { readUnitInterval } from './settings';

/** Which diagonal scaling the line search uses (spec §4.5). */
export type PrecondKind = 'none' | 'amsgrad' | 'adam' | 'adagrad';
/** What the Armijo trial moves along (spec §4.5 "stepsearch"). */
export type SearchDirectionKind = 'gradient' | 'step';

/** Accepted values of `precond`. */
export const PRECOND_KINDS: readonly PrecondKind[] = ['none', 'amsgrad', 'adam', 'adagrad'];

/** Preconditioner settings of `sls` and `ponos`. */
export interface PrecondSettings {
  /** Diagonal scaling (default `'none'`). */
  precond: PrecondKind;
  /** Momentum β1 of the step direction (default 0). */
  beta1: number;
  /** Second-moment decay β2 for Adam/AMSGrad (default 0.99, ada_sls; ignored by AdaGrad and 'none'). */
  beta2: number;
  /** ε in D = 1/(√v̂ + ε) (default 1e-8). */
  eps: number;
  /** What the trials move along (default `'gradient'`). */
  searchDirection: SearchDirectionKind;
}

/** Defaults of the preconditioner options (plain search, ada_sls's β2 = 0.99 and ε = 1e-8). */
export const PRECOND_DEFAULTS: PrecondSettings = {
  precond: 'none', beta1: 0, beta2: 0.99, eps: 1e-8, searchDirection: 'gradient',
};

/** Option names of the preconditioner. */
export const PRECOND_OPTION_NAMES = ['precond', 'beta1', 'beta2', 'eps', 'searchDirection'] as const;

/** Validates the preconditioner options and fills their defaults. */
export function resolvePrecond(o: Record<string, unknown>): PrecondSettings {
  return {
    precond: readChoice(o, 'precond', PRECOND_DEFAULTS.precond, PRECOND_KINDS),
    beta1: readUnitInterval(o, 'beta1', PRECOND_DEFAULTS.beta1),
    beta2: readUnitInterval(o, 'beta2', PRECOND_DEFAULTS.beta2),
    eps: readNumber(o, 'eps', PRECOND_DEFAULTS.eps, { above: 0 }),
    searchDirection: readChoice(o, 'searchDirection', PRECOND_DEFAULTS.searchDirection, ['gradient', 'step'] as const),
  };
}

/** The per-iteration directions and the decrease term s of spec §4.5 (state: v, m, v̄, t). */
export class ScaledDirections {
  /** The trial direction p (y = x − η·p). */
  readonly searchDir: Float64Array;
  /** The step direction D⊙m̂ (x ← x − η·D⊙m̂). */
  readonly stepDir: Float64Array;
  /** The inverse diagonal preconditioner D of the last update (all ones for `'none'`). */
  readonly scaling: Float64Array;
  /** Second moments v (Adam/AMSGrad: EMA of g²; AdaGrad: sum of g²). */
  readonly secondMoment: Float64Array;
  /** AMSGrad's running max v̄ (componentwise nondecreasing; zeros for other kinds). */
  readonly maxSecondMoment: Float64Array;
  /** Momentum m (zeros when β1 = 0). */
  readonly momentum: Float64Array;
  /** The decrease term s = ⟨g, p⟩ of the last update. */
  s = 0;
  /** Updates performed (t). */
  t = 0;
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(dim: number, readonly settings: PrecondSettings) {
    this.searchDir = new Float64Array(dim);
    this.stepDir = new Float64Array(dim);
    this.scaling = new Float64Array(dim).fill(1);
    this.secondMoment = new Float64Array(dim);
    this.maxSecondMoment = new Float64Array(dim);
    this.momentum = new Float64Array(dim);
  }

  /** spec §4.5 steps 1–5: consumes the batch gradient g. */
  update(g: Float64Array): void {
    const { precond, beta1, beta2, eps, searchDirection } = this.settings;
    const d = g.length;
    const D = this.scaling;
    const v = this.secondMoment;
    this.t++;
    if (precond === 'adam' || precond === 'amsgrad') {
      const oneMinusBeta2 = 1 - beta2;
      this.beta2Power *= beta2;
      const correction = 1 - this.beta2Power;
      const vbar = this.maxSecondMoment;
      for (let i = 0; i < d; i++) {
        v[i] = beta2 * v[i] + oneMinusBeta2 * g[i] * g[i];
        let vHat = v[i];
        if (precond === 'amsgrad') {
          if (v[i] > vbar[i]) vbar[i] = v[i];
          vHat = vbar[i];
        }
        D[i] = 1 / (Math.sqrt(vHat / correction) + eps);
      }
    } else if (precond === 'adagrad') {
      for (let i = 0; i < d; i++) {
        v[i] += g[i] * g[i];
        D[i] = 1 / (Math.sqrt(v[i]) + eps);
      }
    }
    const step = this.stepDir;
    if (beta1 > 0) {
      const m = this.momentum;
      const oneMinusBeta1 = 1 - beta1;
      this.beta1Power *= beta1;
      const correction = 1 - this.beta1Power;
      for (let i = 0; i < d; i++) {
        m[i] = beta1 * m[i] + oneMinusBeta1 * g[i];
        step[i] = D[i] * (m[i] / correction);
      }
    } else {
      for (let i = 0; i < d; i++) step[i] = D[i] * g[i];
    }
    const p = this.searchDir;
    if (searchDirection === 'step') {
      p.set(step);
      this.s = dot(g, p);
      if (this.s > 0) return;
    }
    for (let i = 0; i < d; i++) p[i] = D[i] * g[i];
    this.s = dot(g, p);
  }
}
