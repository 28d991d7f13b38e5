/**
 * 'newton-cg' (LIBLINEAR-style truncated Newton) and 'newton' (exact Newton with modified Cholesky): PCG and
 * Cholesky pieces, user objectives with and without hessVec, the built-in models, breast cancer,
 * relativeGradTol, maxDim, and native-vs-TS parity.
 */
import { describe, expect, test } from 'vitest';
import { minimize } from '../lib/minimize';
import { leastSquares, logistic } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { choleskyInPlace, choleskySolveInPlace, Newton } from '../lib/optimizers/newton';
import { CountedObjective } from '../lib/optimizers/oracle';
import { pcg, PcgWorkspace } from '../lib/optimizers/pcg';
import { handObjective, randomSpd } from './helpers/mdb_problems';
import { normals, rng } from './helpers/random-data';
import { BREAST_CANCER_FSTAR, breastCancer, builtinProblem, expectSameTrace, parityProblem, rosenbrockObjective, solveBreastCancer } from './helpers/second_order';
import { denseClassification } from './helpers/synthetic';
import { DenseMatrix } from '../lib/data';

const METHODS = ['newton-cg', 'newton'] as const;

function matVec(H: Float64Array, v: Float64Array, out: Float64Array): void {
  const d = v.length;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += H[i * d + j] * v[j];
    out[i] = s;
  }
}

function maxAbsDiffFromOnes(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v - 1));
  return m;
}

describe('pcg (LIBLINEAR quadratic-model stop)', () => {
  const d = 30;
  const H = randomSpd(d, 4);
  const g = normals(rng(8), d);
  const hv = (v: Float64Array, out: Float64Array) => matVec(H, v, out);

  test('with a tiny cgTol it solves H·s = −g (residual checked directly)', () => {
    const s = new Float64Array(d);
    const diag = Float64Array.from({ length: d }, (_, i) => 0.99 + 0.01 * H[i * d + i]);
    for (const M of [null, diag]) {
      const r = pcg(hv, g, M, s, new PcgWorkspace(d), { cgTol: 1e-14, maxIterations: 10 * d });
      const hs = new Float64Array(d);
      matVec(H, s, hs);
      let res = 0;
      let gn = 0;
      for (let i = 0; i < d; i++) {
        res += (hs[i] + g[i]) ** 2;
        gn += g[i] ** 2;
      }
      expect(Math.sqrt(res)).toBeLessThanOrEqual(1e-6 * Math.sqrt(gn));
      expect(r.iterations).toBeLessThanOrEqual(10 * d);
    }
  });

  test('cgTol = 0.5 stops early with a descent direction of lower model value', () => {
    const s = new Float64Array(d);
    let products = 0;
    const r = pcg((v, out) => {
      products++;
      hv(v, out);
    }, g, null, s, new PcgWorkspace(d), { cgTol: 0.5, maxIterations: d });
    expect(r.stop).toBe('quadratic-model');
    expect(r.iterations).toBe(products);
    expect(r.iterations).toBeLessThan(d);
    // Q(s) = gᵀs + ½sᵀHs < 0 = Q(0), and gᵀs < 0.
    const hs = new Float64Array(d);
    matVec(H, s, hs);
    let gs = 0;
    let shs = 0;
    for (let i = 0; i < d; i++) {
      gs += g[i] * s[i];
      shs += s[i] * hs[i];
    }
    expect(gs + 0.5 * shs).toBeLessThan(0);
    expect(gs).toBeLessThan(0);
  });

  test('maxIterations caps the products', () => {
    const s = new Float64Array(d);
    const r = pcg(hv, g, null, s, new PcgWorkspace(d), { cgTol: 1e-14, maxIterations: 3 });
    expect(r.iterations).toBe(3);
    expect(r.stop).toBe('max-iterations');
  });

  test('negative curvature at the first product returns −M⁻¹g', () => {
    const M = Float64Array.from({ length: d }, (_, i) => 1 + i);
    const s = new Float64Array(d);
    const r = pcg((v, out) => {
      for (let i = 0; i < d; i++) out[i] = -v[i];
    }, g, M, s, new PcgWorkspace(d), { cgTol: 0.5, maxIterations: d });
    expect(r.stop).toBe('non-positive-curvature');
    expect(r.iterations).toBe(1);
    for (let i = 0; i < d; i++) expect(s[i]).toBe(-g[i] / M[i]);
  });
});

describe('Cholesky (pivot-free, the TS twin of Eigen LLT)', () => {
  test('factors an SPD matrix: L·Lᵀ reproduces it and the solve inverts it', () => {
    const n = 12;
    const A = randomSpd(n, 9);
    const L = Float64Array.from(A);
    expect(choleskyInPlace(L, n)).toBe(true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
        expect(s).toBeCloseTo(A[i * n + j], 12);
      }
    }
    const b = normals(rng(1), n);
    const x = Float64Array.from(b);
    choleskySolveInPlace(L, n, x);
    const ax = new Float64Array(n);
    matVec(A, x, ax);
    for (let i = 0; i < n; i++) expect(ax[i]).toBeCloseTo(b[i], 10);
  });

  test('fails on an indefinite matrix and on a singular one', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
    expect(choleskyInPlace(Float64Array.from([1, 1, 1, 1]), 2)).toBe(false);
  });
});

describe('newton-cg and newton on Rosenbrock (user objectives)', () => {
  for (const method of METHODS) {
    for (const withHessVec of [true, false]) {
      const how = withHessVec ? 'exact hessVec' : 'gradient differences';
      test(`${method}, 2-D from (−1.2, 1), ${how}: reaches (1, 1) to 1e-6`, () => {
        const r = minimize(rosenbrockObjective(2, withHessVec), [-1.2, 1], { method, gradTol: 1e-9, maxIterations: 500 });
        expect(r.status).toBe('grad-tol');
        expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-6);
        if (!withHessVec) {
          // Hessian-vector products came from gradient differences, counted as gradients.
          expect(r.nhvp).toBe(0);
          expect(r.ngev).toBeGreaterThan(r.nit + 1);
        } else {
          expect(r.nhvp).toBeGreaterThan(0);
        }
      });
    }
  }

  test('newton-cg, 100-D from x = 0 with gradient differences: reaches (1, …, 1) to 1e-5', () => {
    const r = minimize(rosenbrockObjective(100, false), new Float64Array(100), { method: 'newton-cg', gradTol: 1e-8, maxIterations: 2000 });
    expect(r.status).toBe('grad-tol');
    expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-5);
    expect(r.nhvp).toBe(0);
  });

  test('newton-cg and newton, 100-D from x = 0 with the exact hessVec: reach (1, …, 1) to 1e-6', () => {
    for (const method of METHODS) {
      const r = minimize(rosenbrockObjective(100, true), new Float64Array(100), { method, gradTol: 1e-9, maxIterations: 2000 });
      expect(r.status, method).toBe('grad-tol');
      expect(maxAbsDiffFromOnes(r.x), method).toBeLessThanOrEqual(1e-6);
    }
  });

  test('newton: an indefinite Hessian is shifted (H + τI) and the step still descends', () => {
    // At (0, 1): ∇²f = [[−398, 0], [0, 200]] is indefinite.
    const oracle = new CountedObjective(rosenbrockObjective(2, true));
    const x0 = Float64Array.from([0, 1]);
    const g0 = new Float64Array(2);
    const f0 = oracle.valueAndGradient(x0, g0);
    const method = new Newton(oracle, x0, f0, g0, { maxDim: 5000, maxLineSearchSteps: 20 });
    const out = method.step();
    expect(out.accepted).toBe(true);
    // τ follows 1e−8·max|Hᵢⱼ|·10^k; the first one with H + τI positive definite (τ > 398) is doubled.
    let tau = 1e-8 * 398;
    while (!(-398 + tau > 0)) tau *= 10;
    expect(method.lastShift).toBe(2 * tau);
    // The step solves (H + 2τI)s = −g, and the line search takes it whole.
    expect(out.stepSize).toBe(1);
    expect(method.x[0]).toBeCloseTo(0 + 2 / (-398 + 2 * tau), 14);
    expect(method.x[1]).toBeCloseTo(1 - 200 / (200 + 2 * tau), 14);
    expect(method.fun).toBeLessThan(f0);
    // 2 products; f: x₀, the one trial, the new point; ∇f: x₀, the new point.
    expect([oracle.nhvp, oracle.nfev, oracle.ngev]).toEqual([2, 3, 2]);
    const r = minimize(rosenbrockObjective(2, true), [0, 1], { method: 'newton', gradTol: 1e-9 });
    expect(r.status).toBe('grad-tol');
    expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-6);
  });
});

describe('the built-in models', () => {
  const { n, d, dense, targets, problems } = builtinProblem();
  for (const method of METHODS) {
    for (const [name, make] of problems) {
      for (const backend of ['js', 'native'] as const) {
        test(`${method} on ${name} (${backend}): monotone decrease to a small gradient`, () => {
          const f = make(backend);
          const r = minimize(f, new Float64Array(f.dim), { method, maxIterations: 100, gradTol: 1e-8, trace: true });
          expect(r.backend).toBe(backend);
          expect(r.status).toBe('grad-tol');
          expect(r.fun).toBeLessThan(r.initialFun);
          for (let k = 1; k < r.trace!.length; k++) expect(r.trace![k].fun).toBeLessThanOrEqual(r.trace![k - 1].fun);
          if (method === 'newton-cg') expect(r.nhdiag).toBe(r.nit); // one preconditioner per iteration
          if (method === 'newton') expect(r.nhvp).toBe(r.nit * f.dim); // d products per iteration
        });
      }
    }
  }

  test('newton on least squares: one full step (t = 1) solves the normal equations', () => {
    const f = leastSquares(dense, targets, { l2: 1e-2, backend: 'js' });
    const r = minimize(f, new Float64Array(d), { method: 'newton', maxIterations: 1, trace: true });
    expect(r.trace![0].stepSize).toBe(1);
    // (XᵀX/n + l2·I) w = Xᵀy/n, solved here by Gaussian elimination with partial pivoting.
    const A = new Float64Array(d * (d + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) A[j * (d + 1) + k] += (dense.data[i * d + j] * dense.data[i * d + k]) / n;
        A[j * (d + 1) + d] += (dense.data[i * d + j] * targets[i]) / n;
      }
    }
    for (let j = 0; j < d; j++) A[j * (d + 1) + j] += 1e-2;
    for (let c = 0; c < d; c++) {
      let p = c;
      for (let r2 = c + 1; r2 < d; r2++) if (Math.abs(A[r2 * (d + 1) + c]) > Math.abs(A[p * (d + 1) + c])) p = r2;
      for (let k = 0; k <= d; k++) [A[c * (d + 1) + k], A[p * (d + 1) + k]] = [A[p * (d + 1) + k], A[c * (d + 1) + k]];
      for (let r2 = c + 1; r2 < d; r2++) {
        const m = A[r2 * (d + 1) + c] / A[c * (d + 1) + c];
        for (let k = c; k <= d; k++) A[r2 * (d + 1) + k] -= m * A[c * (d + 1) + k];
      }
    }
    const w = new Float64Array(d);
    for (let c = d - 1; c >= 0; c--) {
      let s = A[c * (d + 1) + d];
      for (let k = c + 1; k < d; k++) s -= A[c * (d + 1) + k] * w[k];
      w[c] = s / A[c * (d + 1) + c];
    }
    for (let j = 0; j < d; j++) expect(r.x[j]).toBeCloseTo(w[j], 9);
  });
});

describe('breast cancer (f* from the data README)', () => {
  for (const method of METHODS) {
    for (const backend of ['js', 'native'] as const) {
      test(`${method} reaches (f − f*)/(f₀ − f*) ≤ 1e-6 (${backend})`, () => {
        const { result, gap } = solveBreastCancer(method, backend);
        expect(result.status).toBe('callback-stop');
        expect(gap).toBeLessThanOrEqual(1e-6);
        console.log(`${method} breast-cancer ${backend}: nit ${result.nit}, nfev ${result.nfev}, ngev ${result.ngev}, nhvp ${result.nhvp}, nhdiag ${result.nhdiag}, gap ${gap.toExponential(2)}`);
      });
    }
  }
});

describe('options', () => {
  test("newton-cg respects relativeGradTol (LIBLINEAR's ‖g‖ ≤ ε‖g₀‖)", () => {
    for (const backend of ['js', 'native'] as const) {
      for (const eps of [1e-1, 1e-3, 1e-6]) {
        const f = parityProblem('logistic', 'dense', backend);
        const g0 = f.gradient(new Float64Array(f.dim));
        const g0norm = Math.hypot(...g0);
        const r = minimize(f, new Float64Array(f.dim), { method: 'newton-cg', gradTol: 0, relativeGradTol: eps, trace: true });
        expect(r.status).toBe('grad-tol');
        expect(r.gradNorm).toBeLessThanOrEqual(eps * g0norm);
        const before = r.trace!.length >= 2 ? r.trace![r.trace!.length - 2].gradNorm : g0norm;
        expect(before).toBeGreaterThan(eps * g0norm);
      }
    }
  });

  test('newton-cg applies LIBLINEAR\'s preconditioner mix and forcing term at the scale n·f (cgScale)', () => {
    // Columns scaled by 10^(−1…1) as raw data are: with the rules applied to the mean loss itself (cgScale 1)
    // the mix is ~I and the forcing term tiny, so CG needs many more products per Newton step.
    const { X, y } = denseClassification(4000, 30, 3);
    const data = X.data.map((v, k) => v * 10 ** (-1 + (2 * (k % 30)) / 29));
    for (const backend of ['js', 'native'] as const) {
      const f = logistic(new DenseMatrix(data, 4000, 30), y, { l2: 1 / 4000, backend });
      const run = (o: Record<string, unknown>) => minimize(f, new Float64Array(30), { method: 'newton-cg', gradTol: 0, relativeGradTol: 1e-6, ...o });
      const auto = run({});
      const explicit = run({ cgScale: 4000 });
      const unscaled = run({ cgScale: 1 });
      expect([auto.status, unscaled.status]).toEqual(['grad-tol', 'grad-tol']);
      expect([explicit.nit, explicit.nhvp, explicit.fun]).toEqual([auto.nit, auto.nhvp, auto.fun]);
      expect(auto.nhvp / auto.nit).toBeLessThan(0.5 * (unscaled.nhvp / unscaled.nit));
    }
    expect(() => minimize(rosenbrockObjective(2, true), [0, 0], { method: 'newton-cg', cgScale: -1 })).toThrow(/cgScale/);
  });

  test('the default cgTol is LIBLINEAR\'s train_one eps_cg (0.1); raw breast-cancer reaches 1e-6 under tiny data perturbations', () => {
    // On this badly scaled problem the CG products needed are chaotic in the last bits: scaling the data by
    // 1 + k·1e-13 (k = 0..11) moved them over 84–195 with 0.1 and 89–177 with 0.5 (native, this commit), so
    // no ordering of the two settings is asserted here, only that the default is 0.1 and converges promptly.
    const { X, y } = breastCancer();
    const dense = X as DenseMatrix;
    for (const backend of ['js', 'native'] as const) {
      const base = solveBreastCancer('newton-cg', backend);
      const explicit = solveBreastCancer('newton-cg', backend, { cgTol: 0.1 });
      expect(base.result.x).toEqual(explicit.result.x);
      expect(base.result.nhvp).toBe(explicit.result.nhvp);
      for (let k = 0; k < 4; k++) {
        const Xk = new DenseMatrix(dense.data.map((v) => v * (1 + k * 1e-13)), dense.rows, dense.cols);
        const f = logistic(Xk, y, { l2: 1 / X.rows, backend });
        const gapOf = (fun: number) => (fun - BREAST_CANCER_FSTAR) / (Math.log(2) - BREAST_CANCER_FSTAR);
        const r = minimize(f, new Float64Array(f.dim), {
          method: 'newton-cg', gradTol: 0, maxIterations: 5000, callback: (s) => (gapOf(s.fun) <= 1e-6 ? 'stop' : undefined),
        });
        expect(gapOf(r.fun), `${backend}, k = ${k}`).toBeLessThanOrEqual(1e-6);
        expect(r.nhvp, `${backend}, k = ${k}`).toBeLessThanOrEqual(250);
      }
    }
  });

  test('newton refuses dim > maxDim with a RangeError naming maxDim', () => {
    const f = rosenbrockObjective(10, true);
    expect(() => minimize(f, new Float64Array(10), { method: 'newton', maxDim: 5 })).toThrow(RangeError);
    expect(() => minimize(f, new Float64Array(10), { method: 'newton', maxDim: 5 })).toThrow(/maxDim/);
    expect(minimize(f, new Float64Array(10), { method: 'newton', maxDim: 10, maxIterations: 1 }).nit).toBe(1);
  });

  test('cgTol, maxCgIterations, preconditioner and maxLineSearchSteps are validated, naming the option', () => {
    const f = rosenbrockObjective(2, true);
    expect(() => minimize(f, [0, 0], { method: 'newton-cg', cgTol: 0 })).toThrow(/cgTol/);
    expect(() => minimize(f, [0, 0], { method: 'newton-cg', maxCgIterations: 1.5 })).toThrow(/maxCgIterations/);
    expect(() => minimize(f, [0, 0], { method: 'newton-cg', preconditioner: 'jacobi' })).toThrow(/preconditioner/);
    expect(() => minimize(f, [0, 0], { method: 'newton', maxLineSearchSteps: 0 })).toThrow(/maxLineSearchSteps/);
    expect(() => minimize(f, [0, 0], { method: 'newton', memory: 3 })).toThrow(/memory/);
  });

  test('maxCgIterations caps the Hessian-vector products per iteration', () => {
    const f = parityProblem('least-squares', 'dense', 'js');
    const r = minimize(f, new Float64Array(f.dim), { method: 'newton-cg', maxCgIterations: 2, maxIterations: 5, gradTol: 0, trace: true });
    let prev = 0;
    for (const rec of r.trace!) {
      expect(rec.nhvp - prev).toBeLessThanOrEqual(2);
      prev = rec.nhvp;
    }
  });

  test("preconditioner 'none' uses no Hessian diagonal", () => {
    const f = parityProblem('logistic', 'csr', 'native');
    const r = minimize(f, new Float64Array(f.dim), { method: 'newton-cg', preconditioner: 'none', gradTol: 1e-8 });
    expect(r.status).toBe('grad-tol');
    expect(r.nhdiag).toBe(0);
  });
});

describe('native vs TS parity', () => {
  for (const method of METHODS) {
    for (const loss of ['logistic', 'least-squares'] as const) {
      for (const kind of ['dense', 'csr'] as const) {
        test(`${method}, ${loss} × ${kind}: same decisions and counts, values to 1e-10`, () => {
          // gradTol 1e-8: below ‖g‖² ≈ ε·|f| the Armijo test compares rounding noise on either backend.
          const opts = { method, maxIterations: 50, gradTol: 1e-8, trace: true };
          const fn = parityProblem(loss, kind, 'native');
          const fj = parityProblem(loss, kind, 'js');
          const native = minimize(fn, new Float64Array(fn.dim), opts);
          const js = minimize(fj, new Float64Array(fj.dim), opts);
          expect(js.status).toBe('grad-tol');
          expectSameTrace(native, js);
        });
      }
    }
  }

  test('the TS methods on the native objective repeat the native runs (newton-cg bit for bit)', () => {
    for (const method of METHODS) {
      const f = parityProblem('logistic', 'csr', 'native');
      const opts = { method, maxIterations: 50, gradTol: 1e-8, trace: true };
      const native = minimize(f, new Float64Array(f.dim), opts);
      const ts = minimize(f, new Float64Array(f.dim), { ...opts, backend: 'js' });
      expect(ts.trace!.map((r) => [r.nfev, r.ngev, r.nhvp, r.nhdiag])).toEqual(native.trace!.map((r) => [r.nfev, r.ngev, r.nhvp, r.nhdiag]));
      if (method === 'newton-cg') {
        expect(ts.trace!.map((r) => [r.fun, r.stepSize])).toEqual(native.trace!.map((r) => [r.fun, r.stepSize]));
        expect(Array.from(ts.x)).toEqual(Array.from(native.x));
      } else {
        // Eigen's blocked LLT and the TS row-by-row Cholesky round differently (last bits of the step).
        expectSameTrace(native, ts, 1e-13);
      }
    }
  });
});

describe('a user objective object with hessVec and hessDiag', () => {
  test('newton-cg uses the user hessDiag as preconditioner (one nhdiag per iteration)', () => {
    // f = ½ Σ a_i (x_i − 1)² with a_i spread over 6 orders of magnitude.
    const d = 20;
    const a = Float64Array.from({ length: d }, (_, i) => 10 ** ((6 * i) / (d - 1) - 3));
    const base = handObjective(d, (x, g) => {
      let v = 0;
      for (let i = 0; i < d; i++) {
        g[i] = a[i] * (x[i] - 1);
        v += 0.5 * a[i] * (x[i] - 1) ** 2;
      }
      return v;
    });
    const f: Objective = {
      ...base,
      hessVec: (_x, v, out = new Float64Array(d)) => {
        for (let i = 0; i < d; i++) out[i] = a[i] * v[i];
        return out;
      },
      hessDiag: (_x, out = new Float64Array(d)) => {
        out.set(a);
        return out;
      },
    };
    const r = minimize(f, new Float64Array(d), { method: 'newton-cg', gradTol: 1e-10, maxIterations: 100 });
    expect(r.status).toBe('grad-tol');
    expect(r.nhdiag).toBe(r.nit);
    expect(maxAbsDiffFromOnes(r.x)).toBeLessThanOrEqual(1e-6);
  });
});
