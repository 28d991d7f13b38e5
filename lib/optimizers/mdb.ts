/**
 * Multidimensional backtracking (spec §1, "PrecSearch"): a backtracking search over diagonal preconditioners.
 * Registers the methods 'mdb-box', 'mdb-ellipsoid' and 'mdb-simplex' (the three sets of lib/optimizers/mdb_sets.ts).
 *
 * Each iteration is one trial, accepted or rejected (spec §0), and costs exactly one fused value+gradient call
 * at y = x − P⊙g, computed from the stored x (spec §1.2). Mirrors native/core/mdb.{hpp,cpp} line for line.
 */
import { readBoolean, readNumber } from '../options';
import type { Status } from '../result';
import { Method, type MethodDescriptor, type StepOutcome } from './method';
import type { CountedObjective } from './oracle';
import { BoxSet, EllipsoidSet, SimplexSet, type PreconditionerSet, type Refinement } from './mdb_sets';
import { registerMethod } from './registry';
import { allFinite } from './vector_ops';

/** Spec §1.6 rules 1 and 4: a failed trial whose expected progress ⟨g², P⟩ is below this stops the run. */
export const MIN_EXPECTED_PROGRESS = 1e-12;
/** Spec §0 / §1.6 rule 5: this many non-finite trials in a row stop the run with status 'non-finite'. */
export const NON_FINITE_LIMIT = 60;

/** Stop messages (status 'line-search-failed' unless noted); identical in the C++ twin. */
export const MDB_MESSAGES = {
  progressTooSmall: 'expected progress too small: ⟨g², P⟩ < 1e-12 and ⟨u, P⟩ < 1 (spec §1.6 rule 1)',
  progressTooSmallNoCut: 'expected progress too small: ⟨g², P⟩ < 1e-12 and no usable hyperplane (D not finite or ≤ 0, or u overflowed) (spec §1.6 rule 4)',
  /** Status 'non-finite'. */
  nonFinite: `f or the gradient was not finite at ${NON_FINITE_LIMIT} consecutive trial points (spec §1.6 rule 5)`,
  /** Status 'grad-tol'. */
  zeroGradient: '‖∇f‖ = 0 (Σ g_i² is 0 in double precision): no descent direction (spec §1.6 rule 6)',
} as const;

function stopped(status: Status, message: string, stepSize: number): StepOutcome {
  return { accepted: false, stepSize, stop: { status, message } };
}

/**
 * The main loop of spec §1.2, shared by the three sets.
 *
 * One step: P ← S.candidate; y ← x − P⊙g; one valueAndGradient at y. Accept when f(y) ≤ f(x) − ½⟨g², P⟩ (then
 * S grows); otherwise cut S with u = max((½g² − g_y⊙g)/D, 0), D = f(x) − f(y) − ⟨g_y, P⊙g⟩, under the
 * safeguards of spec §1.6: a non-finite f(y)/g(y), or a D that is not finite and > 0 (or a u that overflows),
 * gives a uniform shrink instead of a cut; 60 non-finite trials in a row stop with 'non-finite'.
 *
 * `stepSize` in the iteration record: ‖P⊙g‖₂/‖g‖₂ of this iteration's trial (accepted or not), a scalar
 * summary of the per-coordinate step (it equals P_i when P is uniform).
 */
export class MultidimensionalBacktracking extends Method {
  /** g⊙g at the current point. */
  private readonly g2: Float64Array;
  /** The last trial's candidate preconditioner P (read-only; exposed for tests and diagnostics). */
  readonly P: Float64Array;
  /** The step P⊙g. */
  private readonly s: Float64Array;
  /** The trial point y = x − P⊙g. */
  private readonly y: Float64Array;
  /** ∇f(y). */
  private readonly gy: Float64Array;
  /** The clipped hyperplane u⁺ of the last cut (read-only; exposed for tests and diagnostics). */
  readonly u: Float64Array;
  /** D = f(x) − f(y) − ⟨g_y, P⊙g⟩ of the last rejected finite trial (NaN before any; for tests and diagnostics). */
  bregman = Number.NaN;
  /** Non-finite trials in a row (spec §1.6 rule 5). */
  private nonFiniteRun = 0;

  constructor(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array,
    readonly set: PreconditionerSet) {
    super(oracle, x0, f0, g0);
    const d = x0.length;
    this.g2 = new Float64Array(d);
    this.P = new Float64Array(d);
    this.s = new Float64Array(d);
    this.y = new Float64Array(d);
    this.gy = new Float64Array(d);
    this.u = new Float64Array(d);
  }

  step(): StepOutcome {
    const { x, grad: g, g2, P, s, y, gy, u } = this;
    const d = x.length;
    let gsq = 0;
    for (let i = 0; i < d; i++) {
      g2[i] = g[i] * g[i];
      gsq += g2[i];
    }
    // Spec §1.6 rule 6: checked before the candidate (the gradient-direction rule divides by ‖√A⊙g²‖).
    if (gsq === 0) return stopped('grad-tol', MDB_MESSAGES.zeroGradient, 0);
    this.set.candidate(g2, P);
    let expected = 0; // ⟨g², P⟩, the guaranteed decrease is half of it
    let stepSq = 0;
    for (let i = 0; i < d; i++) {
      s[i] = P[i] * g[i];
      y[i] = x[i] - s[i];
      expected += g2[i] * P[i];
      stepSq += s[i] * s[i];
    }
    const stepSize = Math.sqrt(stepSq) / Math.sqrt(gsq);
    const fy = this.oracle.valueAndGradient(y, gy);

    if (!Number.isFinite(fy) || !allFinite(gy)) {
      // Spec §1.6 rule 5: no hyperplane is available; shrink uniformly, stop after 60 in a row.
      this.nonFiniteRun++;
      if (this.nonFiniteRun >= NON_FINITE_LIMIT) return stopped('non-finite', MDB_MESSAGES.nonFinite, stepSize);
      this.set.shrink();
      return { accepted: false, stepSize };
    }
    this.nonFiniteRun = 0;

    if (fy <= this.fun - 0.5 * expected) {
      // Spec §1.2 accept: x ← y with its f and g; the set grows.
      x.set(y);
      g.set(gy);
      this.fun = fy;
      this.set.increase();
      return { accepted: true, stepSize };
    }

    // Spec §1.1 hyperplane: D = f(x) − f(y) − ⟨g_y, P⊙g⟩ (the reference's stable form), u = max(∇h/D, 0).
    let dot = 0;
    for (let i = 0; i < d; i++) dot += gy[i] * s[i];
    const D = this.fun - fy - dot;
    this.bregman = D;
    let usable = Number.isFinite(D) && D > 0;
    let uP = 0;
    if (usable) {
      for (let i = 0; i < d; i++) {
        const t = (0.5 * g2[i] - gy[i] * g[i]) / D;
        if (!Number.isFinite(t)) usable = false;
        u[i] = t > 0 ? t : 0;
        uP += u[i] * P[i];
      }
    }
    if (!usable) {
      // Spec §1.6 rule 4: treated as rule 1, with a uniform shrink in place of the cut.
      if (expected < MIN_EXPECTED_PROGRESS) return stopped('line-search-failed', MDB_MESSAGES.progressTooSmallNoCut, stepSize);
      this.set.shrink();
      return { accepted: false, stepSize };
    }
    // Spec §1.6 rule 1.
    if (uP < 1 && expected < MIN_EXPECTED_PROGRESS) return stopped('line-search-failed', MDB_MESSAGES.progressTooSmall, stepSize);
    // Spec §1.6 rules 2 and 3 are checked inside the cut.
    const failure = this.set.cut(u);
    if (failure !== undefined) return stopped('line-search-failed', failure, stepSize);
    return { accepted: false, stepSize };
  }
}

/** Settings of 'mdb-box' (spec §1.3, §1.7). */
export type MdbBoxSettings = {
  /** s: the first trial step is s on every coordinate (default 1e10, the paper's value). */
  initialScale: number;
  /** After a success b ← forward·b (default 1.1; ≥ 1). */
  forward: number;
  /**
   * Candidate P = boxCandidateFactor·b, in (0, 1] (default 1/d, the reference's code; 1/(2d) would guarantee a
   * volume decrease by a factor ≤ 1/(d+1) per cut). `null` in `defaults` stands for 1/d; resolve() always
   * returns the number.
   */
  boxCandidateFactor: number | null;
};

/** Settings of 'mdb-ellipsoid' (spec §1.4, §1.7). */
export type MdbEllipsoidSettings = {
  /** s: semi-axes s·d initially (default 1e10). */
  initialScale: number;
  /** After a success A ← √forward·A, so the candidate grows by forward^(1/4) (default 1.1 → ×1.024; ≥ 1). */
  forward: number;
  /** Candidate along A⊙g² (true, default) or the max-log-det point √A/√d (false), each scaled by 1/√(2d). */
  gradDirection: boolean;
  /** Cut weight: 'exact' (default: minimum-volume cut, Newton/bisection on [0.01, λ]), 0 (closed form λ) or k fixed-point steps. */
  refine: Refinement;
};

/** Settings of 'mdb-simplex' (spec §1.5, §1.7). */
export type MdbSimplexSettings = {
  /** s: b = s initially, first trial step s/2 on every coordinate (default 1e10). */
  initialScale: number;
  /** After a success b ← forward·b (default 1.1; ≥ 1). */
  forward: number;
  /** 0 (default, closed-form cut) or k multiplicative fixed-point steps refining the cut. */
  refine: number;
};

function readInitialScale(options: Record<string, unknown>): number {
  return readNumber(options, 'initialScale', 1e10, { above: 0 });
}

function readForward(options: Record<string, unknown>): number {
  // Below 1 a success would shrink the set, which the method's analysis does not cover.
  return readNumber(options, 'forward', 1.1, { min: 1 });
}

function readRefine(options: Record<string, unknown>, fallback: Refinement, allowExact: boolean): Refinement {
  const raw = options.refine;
  if (raw === undefined) return fallback;
  // Capped at 1000 fixed-point steps (each one O(d) pass): more never changes the cut measurably.
  const expected = allowExact ? "'exact' or an integer in [0, 1000] (fixed-point steps)" : 'an integer in [0, 1000] (fixed-point steps)';
  if (allowExact && raw === 'exact') return raw;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 1000) return raw;
  if (typeof raw !== 'number' && typeof raw !== 'string') throw new TypeError(`refine: expected ${expected}, got ${typeof raw}`);
  throw new RangeError(`refine: expected ${expected}, got ${JSON.stringify(raw)}`);
}

/** 'mdb-box': multidimensional backtracking with box sets (spec §1.3). Options: initialScale, forward, boxCandidateFactor. */
export const mdbBox: MethodDescriptor<MdbBoxSettings> = {
  name: 'mdb-box',
  summary: 'multidimensional backtracking over a box of diagonal preconditioners (spec §1.3)',
  // boxCandidateFactor's default is 1/d, fixed per problem by resolve().
  defaults: { initialScale: 1e10, forward: 1.1, boxCandidateFactor: null },
  resolve(options, dim) {
    const o = options as Record<string, unknown>;
    return {
      initialScale: readInitialScale(o),
      forward: readForward(o),
      // null (the listed default) means 1/d, like omitting it.
      boxCandidateFactor: o.boxCandidateFactor === null ? 1 / dim : readNumber(o, 'boxCandidateFactor', 1 / dim, { above: 0, max: 1 }),
    };
  },
  create(oracle, x0, f0, g0, st) {
    const set = new BoxSet(x0.length, st.initialScale, st.forward, st.boxCandidateFactor ?? 1 / x0.length);
    return new MultidimensionalBacktracking(oracle, x0, f0, g0, set);
  },
  native: true,
};

/** 'mdb-ellipsoid': multidimensional backtracking with axis-aligned ellipsoids (spec §1.4), the paper's method. Options: initialScale, forward, gradDirection, refine. */
export const mdbEllipsoid: MethodDescriptor<MdbEllipsoidSettings> = {
  name: 'mdb-ellipsoid',
  summary: 'multidimensional backtracking over an axis-aligned ellipsoid of diagonal preconditioners (spec §1.4)',
  defaults: { initialScale: 1e10, forward: 1.1, gradDirection: true, refine: 'exact' },
  resolve(options) {
    const o = options as Record<string, unknown>;
    return {
      initialScale: readInitialScale(o),
      forward: readForward(o),
      gradDirection: readBoolean(o, 'gradDirection', true),
      refine: readRefine(o, 'exact', true),
    };
  },
  create(oracle, x0, f0, g0, st) {
    const set = new EllipsoidSet(x0.length, st.initialScale, st.forward, st.gradDirection, st.refine);
    return new MultidimensionalBacktracking(oracle, x0, f0, g0, set);
  },
  native: true,
};

/** 'mdb-simplex': multidimensional backtracking with simplices (spec §1.5). Options: initialScale, forward, refine. */
export const mdbSimplex: MethodDescriptor<MdbSimplexSettings> = {
  name: 'mdb-simplex',
  summary: 'multidimensional backtracking over a simplex of diagonal preconditioners (spec §1.5)',
  defaults: { initialScale: 1e10, forward: 1.1, refine: 0 },
  resolve(options) {
    const o = options as Record<string, unknown>;
    return {
      initialScale: readInitialScale(o),
      forward: readForward(o),
      refine: readRefine(o, 0, false) as number,
    };
  },
  create(oracle, x0, f0, g0, st) {
    return new MultidimensionalBacktracking(oracle, x0, f0, g0, new SimplexSet(x0.length, st.initialScale, st.forward, st.refine));
  },
  native: true,
};

registerMethod(mdbBox as unknown as MethodDescriptor);
registerMethod(mdbEllipsoid as unknown as MethodDescriptor);
registerMethod(mdbSimplex as unknown as MethodDescriptor);
