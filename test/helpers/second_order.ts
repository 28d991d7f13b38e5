/**
 * Shared pieces of the 'lbfgs' / 'newton-cg' / 'newton' tests (not a test file itself): Rosenbrock as a
 * hand-written Objective with an optional exact Hessian-vector product, the breast-cancer problem of
 * /work/shared/data/README.md, synthetic problems for native-vs-TS parity, and the trace comparison.
 */
import * as path from 'node:path';
import { expect } from 'vitest';
import type { DataMatrix } from '../../lib/data';
import { readLibsvmSync } from '../../lib/io/libsvm';
import { minimize, type MinimizeOptions } from '../../lib/minimize';
import { leastSquares, logistic, softmax } from '../../lib/objectives/factories';
import type { Objective } from '../../lib/objectives/objective';
import type { OptimizeResult } from '../../lib/result';
import { handObjective } from './mdb_problems';
import { normals, randomMatrices, rng } from './random-data';

/**
 * The chained Rosenbrock function Σ_{i<n−1} 100(x_{i+1} − x_i²)² + (1 − x_i)² (minimum 0 at (1, …, 1)) as an
 * Objective written out here. With `withHessVec` it also has the exact (tridiagonal) ∇²f·v; without it,
 * 'newton-cg' and 'newton' fall back to gradient differences.
 */
export function rosenbrockObjective(n: number, withHessVec: boolean): Objective {
  const base = handObjective(n, (x, g) => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n - 1; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  });
  if (!withHessVec) return base;
  return {
    ...base,
    hessVec(x: Float64Array, v: Float64Array, out = new Float64Array(n)) {
      out.fill(0);
      for (let i = 0; i < n - 1; i++) {
        const hii = 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
        const hij = -400 * x[i];
        out[i] += hii * v[i] + hij * v[i + 1];
        out[i + 1] += hij * v[i] + 200 * v[i + 1];
      }
      return out;
    },
  };
}

/** f* of the breast-cancer problem (logistic, bias column, l2 = 1/n, w₀ = 0), from /work/shared/data/README.md. */
export const BREAST_CANCER_FSTAR = 0.10381393197693782;

/** The bundled breast-cancer data with a bias column. */
export function breastCancer(): { X: DataMatrix; y: Float64Array } {
  const file = path.join(__dirname, '..', '..', 'examples', 'data', 'breast_cancer_wdbc.libsvm');
  const { X, y } = readLibsvmSync(file, { bias: true });
  return { X, y };
}

/**
 * Runs `method` on breast cancer until (f − f*)/(f₀ − f*) ≤ 1e-6 (a callback stop) and returns the result
 * with the relative gap reached.
 */
export function solveBreastCancer(method: string, backend: 'native' | 'js', options: MinimizeOptions = {}): { result: OptimizeResult; gap: number } {
  const { X, y } = breastCancer();
  const f = logistic(X, y, { l2: 1 / X.rows, backend });
  const f0 = Math.log(2);
  const gapOf = (fun: number) => (fun - BREAST_CANCER_FSTAR) / (f0 - BREAST_CANCER_FSTAR);
  const result = minimize(f, new Float64Array(f.dim), {
    method, gradTol: 0, maxIterations: 5000, ...options,
    callback: (r) => (gapOf(r.fun) <= 1e-6 ? 'stop' : undefined),
  });
  return { result, gap: gapOf(result.fun) };
}

/**
 * A well-conditioned synthetic problem for parity: 300×12 dense or CSR data with unit-scale features, on
 * which the methods run to ‖g‖ ≤ 1e-10. (The badly scaled breast-cancer runs, bit-identical between the
 * backends, are in test/parity.test.ts.)
 */
export function parityProblem(loss: 'logistic' | 'least-squares', kind: 'dense' | 'csr', backend: 'native' | 'js'): Objective {
  const n = 300;
  const d = 12;
  const rand = rng(2024);
  const X0 = normals(rand, n * d);
  const { dense, csr } = randomMatrices(77, n, d, 0.6);
  // Unit-scale columns: overwrite the badly scaled random values with the normals where nonzero.
  const scale = (X: DataMatrix) => {
    if (X.kind === 'dense') for (let k = 0; k < X.data.length; k++) X.data[k] = X.data[k] === 0 ? 0 : X0[k];
    else for (let i = 0; i < X.rows; i++) for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) X.values[k] = X0[i * d + X.indices[k]];
    return X;
  };
  const X = scale(kind === 'dense' ? dense : csr);
  const w = normals(rng(5), d);
  const y = new Float64Array(n);
  const noise = normals(rng(6), n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    if (X.kind === 'dense') for (let j = 0; j < d; j++) z += X.data[i * d + j] * w[j];
    else for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) z += X.values[k] * w[X.indices[k]];
    y[i] = loss === 'logistic' ? (z + noise[i] > 0 ? 1 : 0) : z + 0.1 * noise[i];
  }
  return loss === 'logistic' ? logistic(X, y, { l2: 1e-3, backend }) : leastSquares(X, y, { l2: 1e-3, backend });
}

/**
 * Native objective + native method against JS objective + TS method: the same decisions (accepted flags,
 * identical counts in every record, same status and iteration count) and values within `tol` relative.
 */
export function expectSameTrace(native: OptimizeResult, js: OptimizeResult, tol = 1e-10): void {
  expect(native.backend).toBe('native');
  expect(js.backend).toBe('js');
  expect(native.status).toBe(js.status);
  expect(native.nit).toBe(js.nit);
  const a = native.trace!;
  const b = js.trace!;
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) {
    const ctx = `iteration ${k + 1}`;
    expect(a[k].accepted, ctx).toBe(b[k].accepted);
    expect([a[k].nfev, a[k].ngev, a[k].nhvp, a[k].nhdiag], ctx).toEqual([b[k].nfev, b[k].ngev, b[k].nhvp, b[k].nhdiag]);
    expect(Math.abs(a[k].fun - b[k].fun), ctx).toBeLessThanOrEqual(tol * Math.abs(b[k].fun));
    expect(Math.abs(a[k].stepSize - b[k].stepSize), ctx).toBeLessThanOrEqual(tol * Math.abs(b[k].stepSize));
  }
  for (let j = 0; j < js.x.length; j++) expect(Math.abs(native.x[j] - js.x[j])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(js.x[j])));
}

/** One small seeded dense problem (200 × 8) and the three built-in models on it, for "decreases f" tests. */
export function builtinProblem() {
  const n = 200;
  const d = 8;
  const { dense } = randomMatrices(11, n, d, 0.7);
  const rand = rng(3);
  const labels = Float64Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
  const classes = Float64Array.from({ length: n }, () => Math.floor(rand() * 3));
  const targets = normals(rand, n, 2);
  const problems: [string, (backend: 'native' | 'js') => Objective][] = [
    ['logistic', (backend) => logistic(dense, labels, { l2: 1e-2, backend })],
    ['least squares', (backend) => leastSquares(dense, targets, { l2: 1e-2, backend })],
    ['softmax', (backend) => softmax(dense, classes, { classes: 3, l2: 1e-2, backend })],
  ];
  return { n, d, dense, targets, problems };
}
