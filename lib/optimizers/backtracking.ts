/**
 * Pieces shared by the paper's baselines (spec §2): the one-shot initial step search of HyperGD, RMSProp and
 * AdaGrad+LS (spec §2.6, §2.7, §2.9) and the bookkeeping of consecutive failed trials that turns an endless
 * backtracking run into a documented stop (spec §0). Mirrored by native/core/backtracking.hpp.
 */
import { readNumber } from '../options';
import type { StepOutcome } from './method';

/** Consecutive non-finite trials after which a method stops with `non-finite` (spec §0: 60). */
export const MAX_NON_FINITE_TRIALS = 60;

/** Default cap on consecutive rejected trials (`maxBacktracks`) of the backtracking baselines. */
export const DEFAULT_MAX_BACKTRACKS = 60;

/** Tests per phase (grow, then shrink) of {@link initialStepSearch} (spec §2.6: "Cap both loops at 60"). */
export const INITIAL_SEARCH_CAP = 60;

/**
 * Counts consecutive rejected trials of a backtracking method and says when to stop (spec §0):
 * 60 consecutive non-finite trials → `non-finite`; `maxBacktracks` consecutive rejections of any kind →
 * `line-search-failed`. An accepted trial resets both counts.
 */
export class TrialGuard {
  private rejectedRun = 0;
  private nonFiniteRun = 0;

  /** @param method the method name, for messages @param maxBacktracks cap on consecutive rejections (≥ 1) */
  constructor(private readonly method: string, private readonly maxBacktracks: number) {}

  accepted(): void {
    this.rejectedRun = 0;
    this.nonFiniteRun = 0;
  }

  /** Records a rejected trial (`nonFinite`: f, ∇f or another oracle was NaN/±Inf there); returns a stop when a cap is reached. */
  rejected(nonFinite: boolean): StepOutcome['stop'] {
    this.rejectedRun++;
    this.nonFiniteRun = nonFinite ? this.nonFiniteRun + 1 : 0;
    if (this.nonFiniteRun >= MAX_NON_FINITE_TRIALS) {
      return { status: 'non-finite', message: `${this.method}: ${MAX_NON_FINITE_TRIALS} consecutive trial points with a non-finite f or gradient` };
    }
    if (this.rejectedRun >= this.maxBacktracks) {
      return { status: 'line-search-failed', message: `${this.method}: no acceptable step in ${this.maxBacktracks} consecutive trials (maxBacktracks)` };
    }
    return undefined;
  }
}

/** Result of {@link initialStepSearch}. */
export interface InitialStep {
  /** The step found (the last one tested). */
  alpha: number;
  /** Whether its gap is ≤ 0 (false: both phases hit the cap or every trial was non-finite). */
  found: boolean;
}

/**
 * The initial step search of spec §2.6 (also §2.7, §2.9). `gap(α)` evaluates one trial point (one counted f
 * call) and returns f(x − α·d) − f(x) + ½·α·⟨g, d⟩ for the method's direction d; a NaN gap (non-finite f) is
 * a failed test. Phase 1 multiplies α by `grow` while the gap is < 0; phase 2 multiplies it by `shrink` while
 * the gap is > 0 (or NaN). The last gap is reused between the phases, as in the reference (each point is
 * evaluated once). Each phase tests at most {@link INITIAL_SEARCH_CAP} points; phase 1 counts α0.
 */
export function initialStepSearch(gap: (alpha: number) => number, alpha0: number, grow: number, shrink: number): InitialStep {
  let alpha = alpha0;
  let h = gap(alpha);
  for (let tests = 1; h < 0 && tests < INITIAL_SEARCH_CAP; tests++) {
    alpha = alpha * grow;
    h = gap(alpha);
  }
  for (let tests = 0; !(h <= 0) && tests < INITIAL_SEARCH_CAP; tests++) {
    alpha = alpha * shrink;
    h = gap(alpha);
  }
  return { alpha, found: h <= 0 };
}

/** The stop a method reports when {@link initialStepSearch} found no step. */
export function initialSearchFailed(method: string): StepOutcome['stop'] {
  return {
    status: 'line-search-failed',
    message: `${method}: the initial step search found no step with sufficient decrease in ${INITIAL_SEARCH_CAP}+${INITIAL_SEARCH_CAP} tests`,
  };
}

/** The stop a method without an acceptance test reports when its new point has a non-finite f or gradient (spec §0). */
export function nonFiniteStep(method: string): StepOutcome['stop'] {
  return {
    status: 'non-finite',
    message: `${method}: f or the gradient is not finite at the next iterate; stopped at the last finite point`,
  };
}

/** Reads a shrink factor that must lie strictly inside (0, 1) (a factor of 1 would make a search loop retest one point). */
export function readShrinkFactor(options: Record<string, unknown>, name: string, fallback: number): number {
  const v = readNumber(options, name, fallback, { above: 0, max: 1 });
  if (v === 1) throw new RangeError(`${name}: expected a number > 0 and < 1, got 1`);
  return v;
}
