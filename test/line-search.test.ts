/**
 * The line searches of lib/optimizers/line_search.ts (spec §2.4, LIBLINEAR newton.cpp) on analytic 1-D
 * functions: strong Wolfe at the returned step, agreement with an independent Moré–Thuente implementation,
 * trial caps, non-finite trials.
 */
import { describe, expect, test } from 'vitest';
import type { LineFunction } from '../lib/objectives/objective';
import {
  backtrackingArmijo, LIBLINEAR_BACKTRACKING, MORE_THUENTE_MAX_STEP, moreThuente, type MoreThuenteParams,
} from '../lib/optimizers/line_search';

type Fn1 = (t: number) => [number, number];

// The six test functions of Moré & Thuente (1994), §5 (value and derivative).
const f1: Fn1 = (a) => [-a / (a * a + 2), (a * a - 2) / (a * a + 2) ** 2];
const f2: Fn1 = (a) => {
  const b = a + 0.004;
  return [b ** 5 - 2 * b ** 4, 5 * b ** 4 - 8 * b ** 3];
};
const f3: Fn1 = (a) => {
  const beta = 0.01;
  const l = 39;
  let p0: number;
  let d0: number;
  if (a <= 1 - beta) [p0, d0] = [1 - a, -1];
  else if (a >= 1 + beta) [p0, d0] = [a - 1, 1];
  else [p0, d0] = [(a - 1) ** 2 / (2 * beta) + beta / 2, (a - 1) / beta];
  return [p0 + ((2 * (1 - beta)) / (l * Math.PI)) * Math.sin((l * Math.PI * a) / 2), d0 + (1 - beta) * Math.cos((l * Math.PI * a) / 2)];
};
function yanai(b1: number, b2: number): Fn1 {
  const g = (b: number) => Math.sqrt(1 + b * b) - b;
  return (a) => [
    g(b1) * Math.sqrt((1 - a) ** 2 + b2 * b2) + g(b2) * Math.sqrt(a * a + b1 * b1),
    (-g(b1) * (1 - a)) / Math.sqrt((1 - a) ** 2 + b2 * b2) + (g(b2) * a) / Math.sqrt(a * a + b1 * b1),
  ];
}
const FUNCTIONS: Record<string, Fn1> = { f1, f2, f3, f4: yanai(0.001, 0.001), f5: yanai(0.01, 0.001), f6: yanai(0.001, 0.01) };

/** A LineFunction over an analytic φ that counts its calls. */
function lineOf(fn: Fn1): LineFunction & { calls: number } {
  const line = {
    calls: 0,
    value(t: number) {
      line.calls++;
      return fn(t)[0];
    },
    valueAndSlope(t: number) {
      line.calls++;
      const [value, slope] = fn(t);
      return { value, slope };
    },
  };
  return line;
}

function params(c1: number, c2: number, xtol: number, maxTrials = 100): MoreThuenteParams {
  return { c1, c2, xtol, stepMin: 0, stepMax: MORE_THUENTE_MAX_STEP, maxTrials };
}

// [function, t0, c1, c2, xtol, outcome, step, evaluations], computed independently with scipy 1.17.1's
// MINPACK-2 port scipy.optimize._dcsrch.DCSRCH (stpmin 0, stpmax 1e10, φ(0) and φ'(0) given). The f2/f3
// rows with c1 = c2 = 0.1, xtol = 1e-10 reproduce Tables 2 and 3 of Moré & Thuente (1994).
const REFERENCE: [string, number, number, number, number, string, number, number][] = [
  ['f1', 0.001, 0.001, 0.1, 0.1, 'converged', 1.365, 6],
  ['f1', 0.1, 0.001, 0.1, 0.1, 'converged', 1.4413720790892741, 3],
  ['f1', 10, 0.001, 0.1, 0.1, 'converged', 10.0, 1],
  ['f1', 1000, 0.001, 0.1, 0.1, 'converged', 36.88760696396662, 4],
  ['f1', 0.001, 0.001, 0.9, 0.1, 'converged', 0.341, 5],
  ['f1', 0.1, 0.001, 0.9, 0.1, 'converged', 0.5, 2],
  ['f1', 10, 0.001, 0.9, 0.1, 'converged', 10.0, 1],
  ['f1', 1000, 0.001, 0.9, 0.1, 'converged', 36.88760696396662, 4],
  ['f4', 0.001, 0.001, 0.1, 0.1, 'converged', 0.005, 2],
  ['f4', 0.1, 0.001, 0.1, 0.1, 'converged', 0.1, 1],
  ['f4', 10, 0.001, 0.1, 0.1, 'converged', 0.3491046164172457, 3],
  ['f4', 1000, 0.001, 0.1, 0.1, 'converged', 0.8294012431694555, 4],
  ['f4', 0.001, 0.001, 0.9, 0.1, 'converged', 0.001, 1],
  ['f4', 0.1, 0.001, 0.9, 0.1, 'converged', 0.1, 1],
  ['f4', 10, 0.001, 0.9, 0.1, 'converged', 0.3491046164172457, 3],
  ['f4', 1000, 0.001, 0.9, 0.1, 'converged', 0.8294012431694555, 4],
  ['f5', 0.001, 0.001, 0.1, 0.1, 'converged', 0.021, 3],
  ['f5', 0.1, 0.001, 0.1, 0.1, 'converged', 0.1, 1],
  ['f5', 10, 0.001, 0.1, 0.1, 'converged', 0.33627765766759665, 3],
  ['f5', 1000, 0.001, 0.1, 0.1, 'converged', 0.8223749381397483, 4],
  ['f5', 0.001, 0.001, 0.9, 0.1, 'converged', 0.001, 1],
  ['f5', 0.1, 0.001, 0.9, 0.1, 'converged', 0.1, 1],
  ['f5', 10, 0.001, 0.9, 0.1, 'converged', 0.33627765766759665, 3],
  ['f5', 1000, 0.001, 0.9, 0.1, 'converged', 0.8223749381397483, 4],
  ['f6', 0.001, 0.001, 0.1, 0.1, 'converged', 0.005, 2],
  ['f6', 0.1, 0.001, 0.1, 0.1, 'converged', 0.1, 1],
  ['f6', 10, 0.001, 0.1, 0.1, 'converged', 0.5076952642709651, 3],
  ['f6', 1000, 0.001, 0.1, 0.1, 'converged', 0.8369774696753841, 4],
  ['f6', 0.001, 0.001, 0.9, 0.1, 'converged', 0.001, 1],
  ['f6', 0.1, 0.001, 0.9, 0.1, 'converged', 0.1, 1],
  ['f6', 10, 0.001, 0.9, 0.1, 'converged', 0.5076952642709651, 3],
  ['f6', 1000, 0.001, 0.9, 0.1, 'converged', 0.8369774696753841, 4],
  ['f2', 0.001, 0.1, 0.1, 1e-10, 'converged', 1.596000000186075, 12],
  ['f2', 0.1, 0.1, 0.1, 1e-10, 'converged', 1.5960000000049348, 8],
  ['f2', 10, 0.1, 0.1, 1e-10, 'converged', 1.5959999997572032, 8],
  ['f2', 1000, 0.1, 0.1, 1e-10, 'converged', 1.595999998872531, 11],
  ['f3', 0.001, 0.1, 0.1, 1e-10, 'converged', 0.9999996797968318, 12],
  ['f3', 0.1, 0.1, 0.1, 1e-10, 'converged', 0.9999988033548208, 12],
  ['f3', 10, 0.1, 0.1, 1e-10, 'converged', 0.9999999876178056, 10],
  ['f3', 1000, 0.1, 0.1, 1e-10, 'converged', 0.9999999017146377, 13],
  ['f2', 0.001, 0.001, 0.9, 0.1, 'warning', NaN, 11],
  ['f2', 0.1, 0.001, 0.9, 0.1, 'warning', NaN, 7],
  ['f2', 10, 0.001, 0.9, 0.1, 'warning', NaN, 6],
  ['f2', 1000, 0.001, 0.9, 0.1, 'warning', NaN, 10],
];

describe('moreThuente', () => {
  test.each(REFERENCE)('%s from t0 = %s (c1 = %s, c2 = %s, xtol = %s) agrees with MINPACK dcsrch', (name, t0, c1, c2, xtol, outcome, step, evaluations) => {
    const fn = FUNCTIONS[name];
    const line = lineOf(fn);
    const [f0, g0] = fn(0);
    const r = moreThuente(line, f0, g0, t0, params(c1, c2, xtol));
    expect(r.outcome).toBe(outcome);
    expect(r.trials).toBe(evaluations);
    expect(line.calls).toBe(evaluations);
    if (outcome === 'converged') {
      expect(r.last.step).toBeCloseTo(step, 9);
      // Strong Wolfe, checked directly on φ.
      const [ft, gt] = fn(r.last.step);
      expect(ft).toBeLessThanOrEqual(f0 + c1 * r.last.step * g0);
      expect(Math.abs(gt)).toBeLessThanOrEqual(c2 * Math.abs(g0));
      expect(r.lastSufficient).toBe(true);
    }
  });

  test('scipy L-BFGS-B constants on a quadratic: a strong Wolfe step from any start', () => {
    // φ(t) = (t − 3)², φ'(0) = −6: with c2 = 0.9 any t with |2(t − 3)| ≤ 5.4 and sufficient decrease passes.
    const fn: Fn1 = (t) => [(t - 3) ** 2, 2 * (t - 3)];
    for (const t0 of [1e-4, 0.5, 1, 7, 1e6]) {
      const r = moreThuente(lineOf(fn), 9, -6, t0, params(1e-3, 0.9, 0.1, 20));
      expect(r.outcome).toBe('converged');
      const t = r.last.step;
      expect((t - 3) ** 2).toBeLessThanOrEqual(9 + 1e-3 * t * -6);
      expect(Math.abs(2 * (t - 3))).toBeLessThanOrEqual(0.9 * 6);
    }
  });

  test('respects maxTrials and reports the cap', () => {
    for (const maxTrials of [1, 2, 3]) {
      const line = lineOf(f3);
      const [f0, g0] = f3(0);
      const r = moreThuente(line, f0, g0, 1e-3, params(0.1, 0.1, 1e-10, maxTrials));
      expect(r.outcome).toBe('max-trials');
      expect(r.trials).toBe(maxTrials);
      expect(line.calls).toBe(maxTrials);
    }
  });

  test('refuses a non-descent direction without evaluating', () => {
    const line = lineOf(f1);
    const r = moreThuente(line, 0, 0.5, 1, params(1e-3, 0.9, 0.1));
    expect(r.outcome).toBe('not-descent');
    expect(line.calls).toBe(0);
  });

  test('a non-finite trial is a failed trial: the search backs off and finds a Wolfe step below it', () => {
    // φ(t) = (t − 1)² for t < 4, NaN beyond: the first trial t = 100 fails.
    const fn: Fn1 = (t) => (t < 4 ? [(t - 1) ** 2, 2 * (t - 1)] : [NaN, NaN]);
    const line = lineOf(fn);
    const r = moreThuente(line, 1, -2, 100, params(1e-3, 0.9, 0.1, 20));
    expect(r.outcome).toBe('converged');
    const t = r.last.step;
    expect(t).toBeLessThan(4);
    expect((t - 1) ** 2).toBeLessThanOrEqual(1 + 1e-3 * t * -2);
    expect(Math.abs(2 * (t - 1))).toBeLessThanOrEqual(0.9 * 2);
    // Failed trials halve towards 0: 100, 50, …, 6.25 fail (5), 3.125 is the first finite one.
    expect(r.trials).toBeGreaterThanOrEqual(6);
  });

  test('all trials non-finite: the cap ends the search with no sufficient decrease', () => {
    const line = lineOf(() => [Infinity, NaN]);
    const r = moreThuente(line, 1, -1, 1, params(1e-3, 0.9, 0.1, 20));
    expect(r.outcome).toBe('max-trials');
    expect(r.trials).toBe(20);
    expect(r.lastSufficient).toBe(false);
    expect(r.bestSufficient).toBe(false);
  });
});

describe('backtrackingArmijo (LIBLINEAR)', () => {
  test("accepts the first halving of t = 1 with φ(t) − φ(0) ≤ 0.01·t·φ'(0)", () => {
    // φ(t) = 25(1 − 4t)², φ'(0) = −200: t = 1 overshoots; the expected step comes from the plain loop below.
    const phi = (t: number) => 25 * (1 - 4 * t) ** 2;
    const f0 = phi(0);
    const slope0 = -200;
    let expected = 1;
    while (!(phi(expected) - f0 <= 0.01 * expected * slope0)) expected *= 0.5;
    const line = lineOf((t) => [phi(t), NaN]);
    const r = backtrackingArmijo(line, f0, slope0, LIBLINEAR_BACKTRACKING);
    expect(r.ok).toBe(true);
    expect(expected).toBeLessThan(1);
    expect(r.step).toBe(expected);
    expect(r.value).toBe(phi(expected));
    expect(r.trials).toBe(Math.round(-Math.log2(expected)) + 1);
    expect(line.calls).toBe(r.trials);
  });

  test('at most maxTrials value calls, then failure', () => {
    const line = lineOf((t) => [1 + t, 1]); // increases along the line although the claimed slope is negative
    const r = backtrackingArmijo(line, 1, -1, { ...LIBLINEAR_BACKTRACKING, maxTrials: 20 });
    expect(r.ok).toBe(false);
    expect(r.trials).toBe(20);
    expect(line.calls).toBe(20);
  });

  test('non-finite values are rejected trials', () => {
    const line = lineOf((t) => [t > 0.2 ? -Infinity : 1 - t, -1]);
    const r = backtrackingArmijo(line, 1, -1, LIBLINEAR_BACKTRACKING);
    expect(r.ok).toBe(true);
    expect(r.step).toBe(0.125);
    expect(r.trials).toBe(4);
  });

  test('refuses a non-descent slope without evaluating', () => {
    const line = lineOf((t) => [t, 1]);
    const r = backtrackingArmijo(line, 0, 0, LIBLINEAR_BACKTRACKING);
    expect(r.ok).toBe(false);
    expect(line.calls).toBe(0);
  });
});
