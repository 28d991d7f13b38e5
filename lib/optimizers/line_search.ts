/**
 * Line searches on a 1-D function φ(t) = f(x + t·d) (a {@link LineFunction}), shared by 'lbfgs', 'newton-cg'
 * and 'newton'. Mirrored line for line by native/core/line_search.{hpp,cpp}.
 *
 * - {@link moreThuente}: the Moré–Thuente strong-Wolfe search (Moré & Thuente 1994, "Line search algorithms
 *   with guaranteed sufficient decrease"; the MINPACK-2 routines dcsrch/dcstep that scipy's L-BFGS-B calls),
 *   with scipy's L-BFGS-B constants as defaults (spec §2.4: c1 = 1e−3, c2 = 0.9, xtol = 0.1, ≤ 20 trials).
 * - {@link backtrackingArmijo}: LIBLINEAR's Newton line search (newton.cpp `linesearch_and_update`): start at
 *   t = 1, halve until f(x + t·d) − f(x) ≤ η·t·⟨g, d⟩ with η = 0.01, at most 20 trials.
 *
 * Every trial is one call of the line function (counted by it). A trial whose value or slope is NaN/±Inf is a
 * failed trial (spec §0): both searches then shrink the step.
 */
import type { LineFunction } from '../objectives/objective';

/** Default cap on trials per line search (`maxLineSearchSteps`; scipy's `maxls`, LIBLINEAR's `max_num_linesearch`). */
export const DEFAULT_MAX_LINE_SEARCH_STEPS = 20;

/** Moré–Thuente's interval tolerance: scipy's L-BFGS-B passes xtol = 0.1 to dcsrch (spec §2.4). */
export const MORE_THUENTE_XTOL = 0.1;

/**
 * Largest step the Moré–Thuente search may try: scipy's L-BFGS-B uses `stpmx = 1e10` on unconstrained
 * problems. (The directions of 'lbfgs' are scaled so that t = 1 is the natural first trial.)
 */
export const MORE_THUENTE_MAX_STEP = 1e10;

/** Parameters of {@link moreThuente}. */
export interface MoreThuenteParams {
  /** Sufficient-decrease constant c1 (dcsrch's ftol), 0 < c1 < c2. */
  c1: number;
  /** Curvature constant c2 (dcsrch's gtol), c1 < c2 < 1. */
  c2: number;
  /** Relative width of the bracketing interval below which the search gives up (dcsrch's xtol; default 0.1). */
  xtol: number;
  /** Smallest step (≥ 0). */
  stepMin: number;
  /** Largest step. */
  stepMax: number;
  /** Trials (line-function calls) at most, ≥ 1. */
  maxTrials: number;
}

/**
 * How a Moré–Thuente search ended.
 * - `converged`: the last trial satisfies the strong Wolfe conditions.
 * - `warning`: dcsrch's warnings (rounding errors prevent progress, the interval is below xtol, the step hit
 *   stepMin/stepMax); the message says which.
 * - `max-trials`: `maxTrials` trials without convergence.
 * - `not-descent`: φ'(0) ≥ 0 (or not finite); no trial was made.
 */
export type MoreThuenteOutcome = 'converged' | 'warning' | 'max-trials' | 'not-descent';

/** One evaluated point of a line search. */
export interface LinePoint {
  step: number;
  value: number;
  slope: number;
}

/** Result of {@link moreThuente}. */
export interface MoreThuenteResult {
  outcome: MoreThuenteOutcome;
  /** One line saying why the search stopped. */
  message: string;
  /** The last trial evaluated (the point the line function was called at last). */
  last: LinePoint;
  /** Whether the last trial is finite and satisfies sufficient decrease φ(t) ≤ φ(0) + c1·t·φ'(0). */
  lastSufficient: boolean;
  /** The best step of the search (dcsrch's stx, with its true φ and φ'); step 0 when no trial improved on t = 0. */
  best: LinePoint;
  /** Whether `best` has step > 0 and satisfies sufficient decrease. */
  bestSufficient: boolean;
  /** Trials made (line-function calls). */
  trials: number;
}

const XTRAPL = 1.1;
const XTRAPU = 4.0;
const P5 = 0.5;
const P66 = 0.66;

/** sign(v) ∈ {−1, 0, 1}: dcstep's `dx/|dx|`, defined as 0 at dx = 0 (where the Fortran divides 0/0). */
function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/**
 * Safeguarded step of Moré–Thuente (dcstep): from the interval end points (stx, fx, dx), (sty, fy, dy) and the
 * trial (stp, fp, dp), update the interval and return the next trial. `s` holds the interval state and is
 * updated in place (the Fortran's in/out arguments); the bounds are the current [stmin, stmax].
 */
interface StepState {
  stx: number; fx: number; dx: number;
  sty: number; fy: number; dy: number;
  brackt: boolean;
}

function dcstep(s: StepState, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = s;
  const sgnd = dp * sign(dx);
  let stpf: number;
  if (fp > fx) {
    // Case 1: a higher function value; the minimum is bracketed. Cubic step if closer to stx, else the
    // average of cubic and quadratic steps.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    if (Math.abs(stpc - stx) < Math.abs(stpq - stx)) stpf = stpc;
    else stpf = stpc + (stpq - stpc) / 2;
    s.brackt = true;
  } else if (sgnd < 0) {
    // Case 2: lower value, derivatives of opposite sign; bracketed. Take the step farther from stp.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dx / sc) * (dp / sc));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (Math.abs(stpc - stp) > Math.abs(stpq - stp)) stpf = stpc;
    else stpf = stpq;
    s.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    // Case 3: lower value, same-sign derivative decreasing in magnitude. The cubic may not have a minimizer
    // beyond stp; then extrapolate to the bound.
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const sc = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = sc * Math.sqrt(Math.max(0, (theta / sc) * (theta / sc) - (dx / sc) * (dp / sc)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (s.brackt) {
      // Keep the step within 66% of the way to sty.
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + P66 * (sty - stp), stpf);
      else stpf = Math.max(stp + P66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else {
    // Case 4: lower value, same-sign derivative not decreasing: cubic step with sty if bracketed, else a bound.
    if (s.brackt) {
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const sc = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = sc * Math.sqrt((theta / sc) * (theta / sc) - (dy / sc) * (dp / sc));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else if (stp > stx) {
      stpf = stpmax;
    } else {
      stpf = stpmin;
    }
  }
  // Update the interval that contains a minimizer.
  if (fp > fx) {
    s.sty = stp; s.fy = fp; s.dy = dp;
  } else {
    if (sgnd < 0) {
      s.sty = stx; s.fy = fx; s.dy = dx;
    }
    s.stx = stp; s.fx = fp; s.dx = dp;
  }
  return stpf;
}

/**
 * Moré–Thuente line search for a step t > 0 with the strong Wolfe conditions
 *   φ(t) ≤ φ(0) + c1·t·φ'(0)   and   |φ'(t)| ≤ c2·|φ'(0)|,
 * following MINPACK-2 dcsrch as a plain loop (one `valueAndSlope` call per trial, at most `maxTrials`).
 *
 * Ours (spec §0): a trial with a non-finite φ or φ' is a failed trial. The search then tries the midpoint
 * between the best step so far and the failed one, and never steps beyond that midpoint again (stepMax is
 * lowered to it), so it backs out of overflow regions instead of interpolating with NaN.
 *
 * @param line the 1-D function; its calls are the trials
 * @param f0 φ(0) @param g0 φ'(0), must be < 0 @param t0 first trial (clamped to [stepMin, stepMax])
 */
export function moreThuente(line: LineFunction, f0: number, g0: number, t0: number, p: MoreThuenteParams): MoreThuenteResult {
  const origin: LinePoint = { step: 0, value: f0, slope: g0 };
  if (!(g0 < 0) || !Number.isFinite(f0)) {
    return {
      outcome: 'not-descent', message: "not a descent direction (phi'(0) >= 0)", last: origin, lastSufficient: false,
      best: origin, bestSufficient: false, trials: 0,
    };
  }
  const stpmin = p.stepMin;
  let stpmax = p.stepMax;
  let stp = Math.min(Math.max(t0, stpmin), stpmax);
  const finit = f0;
  const ginit = g0;
  const gtest = p.c1 * ginit;
  let stage = 1;
  let width = stpmax - stpmin;
  let width1 = width / P5;
  const s: StepState = { stx: 0, fx: finit, dx: ginit, sty: 0, fy: finit, dy: ginit, brackt: false };
  let stmin = 0;
  let stmax = stp + XTRAPU * stp;
  let last: LinePoint = origin;
  let lastSufficient = false;
  let outcome: MoreThuenteOutcome = 'max-trials';
  let message = `no strong Wolfe step in ${p.maxTrials} trials (maxLineSearchSteps)`;
  let trials = 0;
  while (trials < p.maxTrials) {
    const ev = line.valueAndSlope(stp);
    trials++;
    const f = ev.value;
    const g = ev.slope;
    last = { step: stp, value: f, slope: g };
    if (!Number.isFinite(f) || !Number.isFinite(g)) {
      // Failed trial (spec §0): halve back towards the best step and stay below the midpoint from now on.
      lastSufficient = false;
      const mid = s.stx + P5 * (stp - s.stx);
      if (stp > s.stx) stpmax = Math.min(stpmax, mid);
      stp = mid;
      continue;
    }
    const ftest = finit + stp * gtest;
    lastSufficient = f <= ftest;
    if (stage === 1 && f <= ftest && g >= 0) stage = 2;
    // dcsrch's warnings, then convergence (which takes precedence).
    let warning = '';
    if (s.brackt && (stp <= stmin || stp >= stmax)) warning = 'rounding errors prevent progress';
    if (s.brackt && stmax - stmin <= p.xtol * stmax) warning = 'the bracketing interval is below xtol';
    if (stp === stpmax && f <= ftest && g <= gtest) warning = 'the step reached its upper bound';
    if (stp === stpmin && (f > ftest || g >= gtest)) warning = 'the step reached its lower bound';
    if (f <= ftest && Math.abs(g) <= p.c2 * -ginit) {
      outcome = 'converged';
      message = 'strong Wolfe conditions hold';
      break;
    }
    if (warning !== '') {
      outcome = 'warning';
      message = warning;
      break;
    }
    if (stage === 1 && f <= s.fx && f > ftest) {
      // In stage 1 use the modified function ψ(t) = φ(t) − φ(0) − t·c1·φ'(0) (Moré–Thuente §3), whose
      // minimizers satisfy sufficient decrease.
      const m: StepState = {
        stx: s.stx, fx: s.fx - s.stx * gtest, dx: s.dx - gtest,
        sty: s.sty, fy: s.fy - s.sty * gtest, dy: s.dy - gtest, brackt: s.brackt,
      };
      stp = dcstep(m, stp, f - stp * gtest, g - gtest, stmin, stmax);
      s.brackt = m.brackt;
      s.stx = m.stx; s.fx = m.fx + m.stx * gtest; s.dx = m.dx + gtest;
      s.sty = m.sty; s.fy = m.fy + m.sty * gtest; s.dy = m.dy + gtest;
    } else {
      stp = dcstep(s, stp, f, g, stmin, stmax);
    }
    // Bisect when the interval does not shrink enough.
    if (s.brackt) {
      if (Math.abs(s.sty - s.stx) >= P66 * width1) stp = s.stx + P5 * (s.sty - s.stx);
      width1 = width;
      width = Math.abs(s.sty - s.stx);
    }
    if (s.brackt) {
      stmin = Math.min(s.stx, s.sty);
      stmax = Math.max(s.stx, s.sty);
    } else {
      stmin = stp + XTRAPL * (stp - s.stx);
      stmax = stp + XTRAPU * (stp - s.stx);
    }
    stp = Math.max(stp, stpmin);
    stp = Math.min(stp, stpmax);
    // No further progress possible: try the best point again (dcsrch does the same).
    if ((s.brackt && (stp <= stmin || stp >= stmax)) || (s.brackt && stmax - stmin <= p.xtol * stmax)) stp = s.stx;
  }
  const best: LinePoint = { step: s.stx, value: s.fx, slope: s.dx };
  const bestSufficient = s.stx > 0 && s.fx <= finit + s.stx * gtest;
  return { outcome, message, last, lastSufficient, best, bestSufficient, trials };
}

/** Parameters of {@link backtrackingArmijo}. */
export interface BacktrackingParams {
  /** Sufficient-decrease constant η (LIBLINEAR: 0.01). */
  c1: number;
  /** Factor applied to t after a rejected trial (LIBLINEAR: 0.5). */
  shrink: number;
  /** First trial (LIBLINEAR: 1). */
  t0: number;
  /** Trials at most (LIBLINEAR: 20). */
  maxTrials: number;
}

/** LIBLINEAR's constants: η = 0.01, halve, start at t = 1, ≤ 20 trials. */
export const LIBLINEAR_BACKTRACKING: Readonly<BacktrackingParams> = { c1: 0.01, shrink: 0.5, t0: 1, maxTrials: DEFAULT_MAX_LINE_SEARCH_STEPS };

/** Result of {@link backtrackingArmijo}. */
export interface BacktrackingResult {
  /** Whether a trial was accepted. */
  ok: boolean;
  /** The accepted step (the last one tried when !ok). */
  step: number;
  /** φ(step). */
  value: number;
  /** Trials made (value calls). */
  trials: number;
}

/**
 * LIBLINEAR's backtracking line search (newton.cpp `linesearch_and_update`): t = t0, then halve until
 * φ(t) − φ(0) ≤ η·t·φ'(0), at most `maxTrials` value calls. A non-finite φ(t) is a rejected trial (spec §0).
 * Needs φ'(0) < 0; otherwise it returns `ok: false` without trying.
 */
export function backtrackingArmijo(line: LineFunction, f0: number, slope0: number, p: BacktrackingParams): BacktrackingResult {
  let t = p.t0;
  let value = f0;
  if (!(slope0 < 0)) return { ok: false, step: 0, value, trials: 0 };
  for (let trials = 1; trials <= p.maxTrials; trials++) {
    value = line.value(t);
    if (Number.isFinite(value) && value - f0 <= p.c1 * t * slope0) return { ok: true, step: t, value, trials };
    if (trials < p.maxTrials) t *= p.shrink;
  }
  return { ok: false, step: t, value, trials: p.maxTrials };
}
