/**
 * 'lbfgs' (spec §2.4): convergence on user objectives and the built-in models, the breast-cancer target,
 * native-vs-TS parity of decisions and counts, and option validation.
 */
import { describe, expect, test } from 'vitest';
import { minimize } from '../lib/minimize';
import { handObjective } from './helpers/mdb_problems';
import { builtinProblem, expectSameTrace, parityProblem, rosenbrockObjective, solveBreastCancer } from './helpers/second_order';

function maxAbsDiffFromOnes(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v - 1));
  return m;
}

describe("lbfgs on user objectives", () => {
  test('Rosenbrock 2-D from (−1.2, 1) reaches (1, 1) to 1e-6', () => {
    const r = minimize(rosenbrockObjective(2, false), [-1.2, 1], { method: 'lbfgs', gradTol: 1e-9, maxIterations: 500 });
    expect(r.status).toBe('grad-tol');
    expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-6);
    // Every trial is one fused value+gradient call (plus the initial point).
    expect(r.nfev).toBe(r.ngev);
  });

  test('Rosenbrock 100-D from x = 0 reaches (1, …, 1) to 1e-6', () => {
    const r = minimize(rosenbrockObjective(100, false), new Float64Array(100), { method: 'lbfgs', gradTol: 1e-9, maxIterations: 5000 });
    expect(r.status).toBe('grad-tol');
    expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-6);
  });

  test('first iteration: unit-length steepest-descent step d = −g/‖g‖ with t = 1 (scipy L-BFGS-B)', () => {
    // f = ½‖x − c‖² from 0 with ‖c‖ = 3: t = 1 along c/‖c‖ has |φ'(1)|/|φ'(0)| = 2/3 ≤ 0.9 and decreases f.
    const c = Float64Array.from([1, 2, 2]);
    const f = handObjective(3, (x, g) => {
      let v = 0;
      for (let i = 0; i < 3; i++) {
        g[i] = x[i] - c[i];
        v += 0.5 * g[i] * g[i];
      }
      return v;
    });
    const r = minimize(f, new Float64Array(3), { method: 'lbfgs', maxIterations: 1, trace: true });
    expect(r.trace![0].stepSize).toBe(1);
    for (let i = 0; i < 3; i++) expect(r.x[i]).toBeCloseTo(c[i] / 3, 15);
    expect([r.nfev, r.ngev]).toEqual([2, 2]);
  });

  test('a non-finite region is backed out of (trial points with NaN are failed trials)', () => {
    // f(x) = Σ (x_i − 2)² for ‖x‖∞ < 3, NaN outside: the first trials from far away overshoot into NaN.
    const f = handObjective(2, (x, g) => {
      if (Math.abs(x[0]) >= 3 || Math.abs(x[1]) >= 3) {
        g.fill(NaN);
        return NaN;
      }
      g[0] = 2 * (x[0] - 2);
      g[1] = 2 * (x[1] - 2);
      return (x[0] - 2) ** 2 + (x[1] - 2) ** 2;
    });
    const r = minimize(f, [-2.9, 2.9], { method: 'lbfgs', gradTol: 1e-8, maxIterations: 200 });
    expect(r.status).toBe('grad-tol');
    expect(r.x[0]).toBeCloseTo(2, 7);
    expect(r.x[1]).toBeCloseTo(2, 7);
  });
});

describe('lbfgs on the built-in models', () => {
  const { problems } = builtinProblem();
  for (const [name, make] of problems) {
    for (const backend of ['js', 'native'] as const) {
      test(`${name} (${backend}): monotone decrease and a small gradient`, () => {
        const f = make(backend);
        const r = minimize(f, new Float64Array(f.dim), { method: 'lbfgs', maxIterations: 300, gradTol: 1e-8, trace: true });
        expect(r.backend).toBe(backend);
        expect(r.fun).toBeLessThan(r.initialFun);
        for (let k = 1; k < r.trace!.length; k++) expect(r.trace![k].fun).toBeLessThanOrEqual(r.trace![k - 1].fun);
        expect(r.status).toBe('grad-tol');
      });
    }
  }
});

describe('lbfgs on breast cancer (f* from the data README)', () => {
  for (const backend of ['js', 'native'] as const) {
    test(`reaches (f − f*)/(f₀ − f*) ≤ 1e-6 (${backend})`, () => {
      const { result, gap } = solveBreastCancer('lbfgs', backend);
      expect(result.status).toBe('callback-stop');
      expect(gap).toBeLessThanOrEqual(1e-6);
      console.log(`lbfgs breast-cancer ${backend}: nit ${result.nit}, nfev ${result.nfev}, ngev ${result.ngev}, gap ${gap.toExponential(2)}`);
    });
  }
});

describe('lbfgs native vs TS parity', () => {
  for (const loss of ['logistic', 'least-squares'] as const) {
    for (const kind of ['dense', 'csr'] as const) {
      test(`${loss} × ${kind}: same decisions and counts, values to 1e-10 (until ‖g‖ ≤ 1e-10, at most 50 iterations)`, () => {
        // Below ‖g‖ ≈ 1e-11 the step sizes of both runs are decided by rounding (y = g₊ − g cancels).
        const opts = { method: 'lbfgs', maxIterations: 50, gradTol: 1e-10, trace: true };
        const fn = parityProblem(loss, kind, 'native');
        const fj = parityProblem(loss, kind, 'js');
        const native = minimize(fn, new Float64Array(fn.dim), opts);
        const js = minimize(fj, new Float64Array(fj.dim), opts);
        expect(js.nit).toBeGreaterThanOrEqual(10);
        expectSameTrace(native, js);
      });
    }
  }

  test('the TS method on the native objective repeats the native run bit for bit', () => {
    const f = parityProblem('logistic', 'dense', 'native');
    const opts = { method: 'lbfgs', maxIterations: 50, gradTol: 1e-12, trace: true };
    const native = minimize(f, new Float64Array(f.dim), opts);
    const ts = minimize(f, new Float64Array(f.dim), { ...opts, backend: 'js' });
    expect(ts.backend).toBe('js');
    expect(ts.trace!.map((r) => [r.fun, r.stepSize, r.nfev, r.ngev])).toEqual(native.trace!.map((r) => [r.fun, r.stepSize, r.nfev, r.ngev]));
    expect(Array.from(ts.x)).toEqual(Array.from(native.x));
  });
});

describe('lbfgs options', () => {
  const f = rosenbrockObjective(2, false);
  test('memory, wolfeC1/wolfeC2 and maxLineSearchSteps are validated, naming the option', () => {
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', memory: 0 })).toThrow(/memory/);
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', memory: 2.5 })).toThrow(/memory/);
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', wolfeC1: 0.5, wolfeC2: 0.4 })).toThrow(/wolfeC2/);
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', wolfeC2: 1 })).toThrow(/wolfeC2/);
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', maxLineSearchSteps: 0 })).toThrow(/maxLineSearchSteps/);
    expect(() => minimize(f, [0, 0], { method: 'lbfgs', cgTol: 0.1 })).toThrow(/cgTol/);
  });

  test('memory 1 still converges (more iterations than memory 10)', () => {
    const r1 = minimize(rosenbrockObjective(20, false), new Float64Array(20), { method: 'lbfgs', memory: 1, gradTol: 1e-8, maxIterations: 5000 });
    const r10 = minimize(rosenbrockObjective(20, false), new Float64Array(20), { method: 'lbfgs', gradTol: 1e-8, maxIterations: 5000 });
    expect(r1.status).toBe('grad-tol');
    expect(r10.status).toBe('grad-tol');
    expect(r1.nit).toBeGreaterThan(r10.nit);
  });
});
