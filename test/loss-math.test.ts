/**
 * The TypeScript elementary functions that repeat the native polynomials (lib/objectives/loss_math.ts):
 * accurate to about one ulp against Math.exp / Math.log / Math.log1p over their whole domains, exact at the
 * points where the exact value is representable, and with the special cases of the native code (underflow,
 * subnormals, NaN). That they give the native bits is checked through the objectives in test/parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  expNonpositive, logAtLeastOne, logisticLoss, logisticLossAndSlope, sigmoidCurvature, signedLogisticLoss,
  signedLogisticLossAndSlope, slopeOut,
} from '../lib/objectives/loss_math';
import { rng } from './helpers/random-data';

/** |a − b| in units of the last place of b (0 when both are the same double). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const ulp = Math.max(Number.MIN_VALUE, Math.abs(b) * Number.EPSILON);
  return Math.abs(a - b) / ulp;
}

describe('expNonpositive', () => {
  it('is within one ulp of Math.exp on [−745, 0], and exact at 0', () => {
    const rand = rng(1);
    let worst = 0;
    for (let k = 0; k < 200_000; k++) {
      const x = k % 4 === 0 ? -745 * rand() : k % 4 === 1 ? -rand() : k % 4 === 2 ? -1e-8 * rand() : -30 * rand();
      worst = Math.max(worst, ulps(expNonpositive(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(expNonpositive(0)).toBe(1);
    expect(expNonpositive(-0)).toBe(1);
  });

  it('rounds subnormal results once, underflows to 0 below −745.2, propagates NaN', () => {
    for (const x of [-708.5, -720, -740, -745, -745.1]) {
      expect(Math.abs(expNonpositive(x) - Math.exp(x))).toBeLessThanOrEqual(Number.MIN_VALUE);
    }
    expect(expNonpositive(-745.2)).toBe(0);
    expect(expNonpositive(-1e10)).toBe(0);
    expect(expNonpositive(-Infinity)).toBe(0);
    expect(expNonpositive(NaN)).toBeNaN();
  });
});

describe('logAtLeastOne', () => {
  it('is within one ulp of Math.log on [1, 1e6] and at powers of two, exact at 1', () => {
    const rand = rng(2);
    let worst = 0;
    for (let k = 0; k < 200_000; k++) {
      const a = k % 3 === 0 ? 1 + rand() : k % 3 === 1 ? 1 + 1e-9 * rand() : Math.exp(14 * rand());
      worst = Math.max(worst, ulps(logAtLeastOne(a), Math.log(a)));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(logAtLeastOne(1)).toBe(0);
    for (let k = 1; k < 60; k++) expect(ulps(logAtLeastOne(2 ** k), Math.log(2 ** k))).toBeLessThanOrEqual(1);
    expect(logAtLeastOne(NaN)).toBeNaN();
  });
});

describe('logistic pieces', () => {
  /** Reference loss and slope with Math.log1p / Math.exp (the pre-port formulas). */
  function reference(t: number, b: number): [number, number] {
    const e = Math.exp(-Math.abs(t));
    const slope = t < 0 ? ((1 - b) * e - b) / (1 + e) : (1 - b - b * e) / (1 + e);
    return [Math.max(t, 0) - b * t + Math.log1p(e), slope];
  }

  it('loss and slope are within two ulps of the Math-based formulas, the loss alone rounds alike', () => {
    const rand = rng(3);
    let worstLoss = 0;
    let worstSlope = 0;
    for (let k = 0; k < 100_000; k++) {
      const t = (k % 3 === 0 ? 800 : k % 3 === 1 ? 40 : 1e-6) * (2 * rand() - 1);
      const b = k & 1;
      const [l, s] = reference(t, b);
      const loss = logisticLossAndSlope(t, b);
      worstLoss = Math.max(worstLoss, ulps(loss, l));
      worstSlope = Math.max(worstSlope, Math.abs(slopeOut[0] - s) / Math.max(Math.abs(s), Number.MIN_VALUE) / Number.EPSILON);
      expect(logisticLoss(t, b)).toBe(loss);
    }
    expect(worstLoss).toBeLessThanOrEqual(2);
    expect(worstSlope).toBeLessThanOrEqual(2);
  });

  it('the signed form of a line (label sign folded into the margin) gives the same bits as the labelled one', () => {
    // Line trials use signed margins (native logistic_line_margins / signed_logistic_terms_given_exp): the
    // loss of y·t and its slope factor times y must equal ℓ(t, b) and σ(t) − b exactly, for both labels, at
    // ±0, subnormal, tiny, moderate, underflowing (|t| > 745) and huge margins.
    const rand = rng(4);
    const special = [0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 1e-310, -1e-310, 1e-20, -1e-20, 0.5, -0.5,
      Math.LN2, 36.7, -36.7, 709, -709, 745.5, -745.5, 1e10, -1e10, 1e300, -1e300];
    const margins = [...special];
    for (let k = 0; k < 60_000; k++) margins.push((k % 3 === 0 ? 800 : k % 3 === 1 ? 40 : 1e-6) * (2 * rand() - 1));
    let checked = 0;
    for (const t of margins) {
      for (const b of [0, 1]) {
        const y = 2 * b - 1;
        const loss = logisticLossAndSlope(t, b);
        const slope = slopeOut[0];
        const q = 1 + rand(); // a slope term is (σ − b)·q: the signed form multiplies by y·q
        expect(signedLogisticLossAndSlope(y * t)).toBe(loss);
        // Equal, or both zero: when e^{−|t|} underflows the signed form's term −0·(y·q) can be −0 where the
        // labelled one is +0 (the sums start at +0, so they cannot tell: line sums are bit for bit the same).
        expect(slopeOut[0] * (y * q) === slope * q).toBe(true);
        expect(signedLogisticLoss(y * t)).toBe(loss);
        checked++;
      }
    }
    expect(checked).toBe(2 * margins.length);
  });

  it('is finite for huge margins and exact at 0', () => {
    expect(logisticLoss(0, 0)).toBe(Math.LN2);
    expect(logisticLoss(0, 1)).toBe(Math.LN2);
    expect(logisticLoss(1e300, 1)).toBe(0);
    expect(logisticLoss(-1e300, 0)).toBe(0);
    expect(logisticLoss(1e300, 0)).toBe(1e300);
    expect(logisticLossAndSlope(-1e300, 1)).toBe(1e300);
    expect(slopeOut[0]).toBe(-1);
    expect(sigmoidCurvature(0)).toBe(0.25);
    expect(sigmoidCurvature(1e300)).toBe(0);
    expect(ulps(sigmoidCurvature(-3), Math.exp(-3) / (1 + Math.exp(-3)) ** 2)).toBeLessThanOrEqual(3);
  });
});
