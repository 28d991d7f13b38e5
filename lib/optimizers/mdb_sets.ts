/**
 * The three preconditioner sets of multidimensional backtracking (spec §1.3 box, §1.4 ellipsoid, §1.5
 * simplex). A set holds every diagonal preconditioner P ≥ 0 not yet ruled out; the method
 * (lib/optimizers/mdb.ts) asks it for a candidate, then grows it after a success or cuts it with the
 * hyperplane {Q : ⟨u, Q⟩ ≤ 1} after a failure.
 *
 * Mirrors native/core/mdb_sets.{hpp,cpp} line for line: the same names, and the same order of floating-point
 * operations wherever a result feeds a decision (cuts, the volume test), so both backends decide alike.
 * All work is O(d) in buffers allocated once, in the constructor.
 */

/** Message of spec §1.6 rule 2 (the method reports it with status `line-search-failed`). */
export const VOLUME_NOT_DECREASED = 'volume did not decrease after the cut (spec §1.6 rule 2)';
/** Message of spec §1.6 rule 3. */
export const ELLIPSOID_CUT_INVALID = 'ellipsoid cut invalid (ℓ < d or λ ∉ [0,1]) (spec §1.6 rule 3)';
/** A cut whose new state overflowed, underflowed to 0 or divided by 0 (spec §1.4 safeguard). */
export const CUT_OVERFLOW = 'cut invalid (the new set overflowed or divided by 0) (spec §1.4)';

/** Lower end of the interval of the exact ellipsoid refinement (the reference's L-BFGS-B bound; spec §1.4). */
export const EXACT_REFINE_LOWER = 0.01;
/** Relative tolerance on φ'(c) of the exact refinement (spec §1.4). */
export const EXACT_REFINE_TOL = 1e-10;
/** Step cap of the exact refinement's safeguarded Newton/bisection (spec §1.4). */
export const EXACT_REFINE_MAX_STEPS = 50;

/** How an ellipsoid or simplex cut picks its weight (spec §1.4, §1.5): 'exact' (ellipsoid only) or k fixed-point steps (0 = closed form). */
export type Refinement = 'exact' | number;

const TWO_POW_200 = 2 ** 200;
const TWO_POW_MINUS_200 = 2 ** -200;

/**
 * Whether Π next_i / prev_i < 1, i.e. whether the cut lowered the log-volume Σ log state_i (spec §1.6 rule 2:
 * logvol(S') ≥ logvol(S) stops). Computed as a running product kept in range by exact power-of-two rescaling
 * rather than as a difference of Σ log: multiplication and division are correctly rounded in both JS and C++,
 * whereas Math.log and glibc's log may differ in the last bit, and this test decides whether the run stops.
 * For the ellipsoid Σ log √A_i < Σ log √A'_i ⇔ Π A'_i/A_i < 1, so the same test serves every set.
 * Both arrays must be finite and positive.
 */
export function volumeDecreased(next: Float64Array, prev: Float64Array): boolean {
  let mantissa = 1;
  let exponent = 0; // the product is mantissa · 2^(200·exponent)
  for (let i = 0; i < next.length; i++) {
    mantissa *= next[i] / prev[i];
    if (mantissa > TWO_POW_200) {
      mantissa *= TWO_POW_MINUS_200;
      exponent++;
    } else if (mantissa < TWO_POW_MINUS_200) {
      mantissa *= TWO_POW_200;
      exponent--;
    }
  }
  return exponent < 0 || (exponent === 0 && mantissa < 1);
}

/** Whether every element is finite and > 0 (a usable set state). */
export function finiteAndPositive(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] > 0 && v[i] < Infinity)) return false;
  }
  return true;
}

/**
 * Spec §1.4/§1.5 optional refinement by k multiplicative fixed-point steps on the weights of
 * w = a·v + b·z (z = u² for the ellipsoid, u for the simplex), starting from a = λ, b = 1 − λ: each step sets
 * a ← a·⟨v, 1/w⟩, b ← b·⟨z, 1/w⟩, renormalizes to a + b = 1 and recomputes w. Writes w (steps = 0 gives the
 * closed-form cut).
 */
export function fixedPointWeights(lambda: number, v: Float64Array, z: Float64Array, w: Float64Array, steps: number): void {
  let a = lambda;
  let b = 1 - lambda;
  for (let i = 0; i < w.length; i++) w[i] = a * v[i] + b * z[i];
  for (let step = 0; step < steps; step++) {
    let sumV = 0;
    let sumZ = 0;
    for (let i = 0; i < w.length; i++) {
      sumV += v[i] / w[i];
      sumZ += z[i] / w[i];
    }
    a *= sumV;
    b *= sumZ;
    const total = a + b;
    a /= total;
    b /= total;
    for (let i = 0; i < w.length; i++) w[i] = a * v[i] + b * z[i];
  }
}

/**
 * A set of diagonal preconditioners, stored as one positive vector `state` (box and simplex: b; ellipsoid:
 * the inverse diagonal A). Every operation is O(d) and allocation-free.
 */
export abstract class PreconditionerSet {
  /** The set's vector (b or A); read it, never write it. */
  readonly state: Float64Array;
  /** Scratch: the state a cut proposes, committed only when valid and smaller. */
  protected readonly next: Float64Array;

  /**
   * @param dim d, the number of parameters
   * @param initial the initial value of every state element
   * @param forward the reference's `forward` (f_inc): see each set's {@link increase}
   */
  constructor(readonly dim: number, initial: number, readonly forward: number) {
    this.state = new Float64Array(dim).fill(initial);
    this.next = new Float64Array(dim);
  }

  /** Writes the candidate P (spec §1.3–1.5). `g2` is g⊙g; only the gradient-direction ellipsoid reads it. */
  abstract candidate(g2: Float64Array, P: Float64Array): void;

  /** After a success: grow the set (spec §1.3–1.5 "Increase"). */
  abstract increase(): void;

  /** Spec §1.6 rules 4–5: a uniform shrink that halves the candidate, used when no hyperplane is available. */
  abstract shrink(): void;

  /** log-volume up to a constant (box, simplex: Σ log b_i; ellipsoid: Σ log √A_i). For tests and diagnostics; decisions use {@link volumeDecreased}. */
  abstract logVolume(): number;

  /** Writes the cut state into `next`; returns a failure message or undefined. */
  protected abstract computeCut(u: Float64Array, next: Float64Array): string | undefined;

  /**
   * Cuts with the clipped hyperplane u ≥ 0: keeps the smallest set of this family containing
   * S ∩ {Q : ⟨u, Q⟩ ≤ 1}. Returns undefined on success, else the reason (the set is then unchanged).
   */
  cut(u: Float64Array): string | undefined {
    const failure = this.computeCut(u, this.next);
    if (failure !== undefined) return failure;
    if (!finiteAndPositive(this.next)) return CUT_OVERFLOW;
    if (!volumeDecreased(this.next, this.state)) return VOLUME_NOT_DECREASED;
    this.state.set(this.next);
    return undefined;
  }
}

/**
 * The sets stored as the vector b of per-coordinate bounds (box §1.3, simplex §1.5): both grow by b ← forward·b,
 * shrink by b/2 (which halves their candidate), and have log-volume Σ log b_i up to a constant.
 */
export abstract class BoundVectorSet extends PreconditionerSet {
  increase(): void {
    const b = this.state;
    for (let i = 0; i < b.length; i++) b[i] *= this.forward;
  }

  shrink(): void {
    const b = this.state;
    for (let i = 0; i < b.length; i++) b[i] *= 0.5;
  }

  logVolume(): number {
    let s = 0;
    for (let i = 0; i < this.state.length; i++) s += Math.log(this.state[i]);
    return s;
  }
}

/**
 * Spec §1.3 box {Q : 0 ≤ Q ≤ b}, b = s·d initially. Candidate P = factor·b (factor = `boxCandidateFactor`,
 * default 1/d, the reference's code; its warning text says 1/(2d)). Cut b ← min(b, 1/u). Increase b ← forward·b.
 */
export class BoxSet extends BoundVectorSet {
  constructor(dim: number, initialScale: number, forward: number, readonly candidateFactor: number) {
    super(dim, initialScale * dim, forward);
  }

  candidate(_g2: Float64Array, P: Float64Array): void {
    const b = this.state;
    for (let i = 0; i < b.length; i++) P[i] = b[i] * this.candidateFactor;
  }

  protected computeCut(u: Float64Array, next: Float64Array): string | undefined {
    const b = this.state;
    for (let i = 0; i < b.length; i++) {
      const bound = 1 / u[i]; // 1/0 = +∞: that coordinate keeps b_i
      next[i] = bound < b[i] ? bound : b[i];
    }
    return undefined;
  }
}

/**
 * Spec §1.4 axis-aligned ellipsoid E(A) = {Q ≥ 0 : Σ Q_i²/A_i ≤ 1}, A = (s·d)² initially.
 *
 * Candidate: with `gradDirection`, P = A⊙g² / (‖√A⊙g²‖₂·√2·√d) (coordinates with g_i = 0 get 0); without,
 * P = √A/(√2·d). Cut: v = 1/A, ℓ = ⟨u², A⟩, λ = (ℓ/d)(d − 1)/(ℓ − 1), A ← 1/(c·v + (1 − c)·u²) with c = λ,
 * c = the exact minimizer of the volume over [0.01, λ] (`refine: 'exact'`), or the fixed point (`refine: k`).
 * Increase **[quirk, kept]**: A ← √forward·A, so the semi-axes and the candidate grow by forward^(1/4) per
 * success (×1.024 for forward = 1.1; spec §6 pitfall 7).
 */
export class EllipsoidSet extends PreconditionerSet {
  private readonly sqrtForward: number;
  /** 1/(√2·d): the plain candidate's factor on √A. */
  private readonly plainFactor: number;
  /** 1/(√2·√d): the gradient-direction candidate's factor. */
  private readonly gradFactor: number;
  private readonly v: Float64Array;
  private readonly u2: Float64Array;
  // Outputs of derivatives(c), kept in fields so the refinement loop allocates nothing.
  private slope = 0;
  private curvature = 0;
  private slopeScale = 0;

  constructor(dim: number, initialScale: number, forward: number, readonly gradDirection: boolean,
    readonly refine: Refinement) {
    const semiAxis = initialScale * dim;
    super(dim, semiAxis * semiAxis, forward);
    this.sqrtForward = Math.sqrt(forward);
    this.plainFactor = 1 / (Math.sqrt(2) * dim);
    this.gradFactor = 1 / (Math.sqrt(2) * Math.sqrt(dim));
    this.v = new Float64Array(dim);
    this.u2 = new Float64Array(dim);
  }

  candidate(g2: Float64Array, P: Float64Array): void {
    const A = this.state;
    if (!this.gradDirection) {
      for (let i = 0; i < A.length; i++) P[i] = Math.sqrt(A[i]) * this.plainFactor;
      return;
    }
    // q = √A⊙g² (kept in P); its 2-norm is scaled by the largest entry so that q² cannot overflow.
    let largest = 0;
    for (let i = 0; i < A.length; i++) {
      P[i] = Math.sqrt(A[i]) * g2[i];
      if (P[i] > largest) largest = P[i];
    }
    let sumSq = 0;
    for (let i = 0; i < A.length; i++) {
      const r = P[i] / largest;
      sumSq += r * r;
    }
    const norm = largest * Math.sqrt(sumSq);
    // A_i·g_i²/‖q‖ = √A_i·(q_i/‖q‖).
    for (let i = 0; i < A.length; i++) P[i] = Math.sqrt(A[i]) * (P[i] / norm) * this.gradFactor;
  }

  increase(): void {
    const A = this.state;
    for (let i = 0; i < A.length; i++) A[i] *= this.sqrtForward;
  }

  shrink(): void {
    // A/4 halves √A, hence the candidate in both candidate rules.
    const A = this.state;
    for (let i = 0; i < A.length; i++) A[i] *= 0.25;
  }

  logVolume(): number {
    let s = 0;
    for (let i = 0; i < this.state.length; i++) s += Math.log(Math.sqrt(this.state[i]));
    return s;
  }

  protected computeCut(u: Float64Array, next: Float64Array): string | undefined {
    const A = this.state;
    const { v, u2 } = this;
    const d = this.dim;
    let ell = 0;
    for (let i = 0; i < d; i++) {
      v[i] = 1 / A[i];
      u2[i] = u[i] * u[i];
      ell += u2[i] * A[i];
    }
    const lambda = ((ell / d) * (d - 1)) / (ell - 1);
    if (ell < d || !(lambda >= 0 && lambda <= 1)) return ELLIPSOID_CUT_INVALID;
    // w is built in `next`, then inverted in place: A' = 1/w.
    if (this.refine === 'exact') {
      const c = this.exactWeight(lambda);
      const oneMinusC = 1 - c;
      for (let i = 0; i < d; i++) next[i] = c * v[i] + oneMinusC * u2[i];
    } else {
      fixedPointWeights(lambda, v, u2, next, this.refine);
    }
    for (let i = 0; i < d; i++) next[i] = 1 / next[i];
    return undefined;
  }

  /**
   * Spec §1.4 `refine: 'exact'`: the minimizer over [0.01, λ] of the convex φ(c) = −Σ log(c·(v_i − u_i²) + u_i²),
   * by safeguarded Newton on φ' with bisection, starting at λ. If φ'(λ) ≤ 0 it is λ; if φ'(0.01) ≥ 0 it is
   * 0.01; otherwise stop at |φ'| ≤ 1e−10·Σ|v_i − u_i²|/w_i or after 50 steps. For d = 1, λ = 0 < 0.01: the
   * interval is empty and the closed form (the exact interval cut) is kept.
   */
  exactWeight(lambda: number): number {
    if (!(lambda > EXACT_REFINE_LOWER)) return lambda;
    this.derivatives(lambda);
    if (this.slope <= 0) return lambda;
    let slope = this.slope;
    let curvature = this.curvature;
    let lo = EXACT_REFINE_LOWER;
    let hi = lambda;
    this.derivatives(lo);
    if (this.slope >= 0) return lo;
    // Invariant: φ'(lo) < 0 < φ'(hi), so the minimizer lies in (lo, hi); start from c = λ.
    let c = lambda;
    for (let step = 0; step < EXACT_REFINE_MAX_STEPS; step++) {
      if (slope > 0) hi = c;
      else lo = c;
      const newton = c - slope / curvature;
      c = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
      this.derivatives(c);
      slope = this.slope;
      curvature = this.curvature;
      if (Math.abs(slope) <= EXACT_REFINE_TOL * this.slopeScale) break;
    }
    return c;
  }

  /** φ'(c), φ''(c) and Σ|v_i − u_i²|/w_i(c), in one O(d) pass (reads v and u2 of the current cut). */
  private derivatives(c: number): void {
    const { v, u2 } = this;
    const oneMinusC = 1 - c;
    let slope = 0;
    let curvature = 0;
    let scale = 0;
    for (let i = 0; i < v.length; i++) {
      const r = (v[i] - u2[i]) / (c * v[i] + oneMinusC * u2[i]);
      slope -= r;
      curvature += r * r;
      scale += Math.abs(r);
    }
    this.slope = slope;
    this.curvature = curvature;
    this.slopeScale = scale;
  }
}

/**
 * Spec §1.5 simplex {Q ≥ 0 : Σ Q_i/(d·b_i) ≤ 1}, b = s initially (vertices at s·d). Candidate P = b/2. Cut with
 * c = ½: λ = (d − 1)/(d − c), v = 1/(d·b), w = λ·v + (1 − λ)·u (optionally refined by k fixed-point steps),
 * b ← 1/(d·w). Increase b ← forward·b.
 */
export class SimplexSet extends BoundVectorSet {
  private readonly lambda: number;
  private readonly v: Float64Array;

  constructor(dim: number, initialScale: number, forward: number, readonly refine: number) {
    super(dim, initialScale, forward);
    this.lambda = (dim - 1) / (dim - 0.5);
    this.v = new Float64Array(dim);
  }

  candidate(_g2: Float64Array, P: Float64Array): void {
    const b = this.state;
    for (let i = 0; i < b.length; i++) P[i] = b[i] * 0.5;
  }

  protected computeCut(u: Float64Array, next: Float64Array): string | undefined {
    const b = this.state;
    const d = this.dim;
    for (let i = 0; i < d; i++) this.v[i] = 1 / (d * b[i]);
    fixedPointWeights(this.lambda, this.v, u, next, this.refine);
    for (let i = 0; i < d; i++) next[i] = 1 / (d * next[i]);
    return undefined;
  }
}
