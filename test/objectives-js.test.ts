import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DataMatrix, type DenseMatrix } from '../lib/data';
import { readLibsvmSync } from '../lib/io/libsvm';
import { leastSquares, logistic, objective, softmax } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { normals, randomMatrices, relErr, relErrScalar, rng } from './helpers/random-data';

type Loss = 'logistic' | 'least-squares' | 'softmax';
const K = 3;

function build(loss: Loss, X: DataMatrix, y: Float64Array, l2: number): Objective {
  if (loss === 'logistic') return logistic(X, y, { l2, backend: 'js' });
  if (loss === 'least-squares') return leastSquares(X, y, { l2, backend: 'js' });
  return softmax(X, y, { classes: K, l2, backend: 'js' });
}

function targetsFor(loss: Loss, n: number, seed: number): Float64Array {
  const rand = rng(seed);
  if (loss === 'logistic') return Float64Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1));
  if (loss === 'softmax') return Float64Array.from({ length: n }, () => Math.floor(rand() * K));
  return normals(rand, n, 3);
}

function add(x: Float64Array, t: number, d: Float64Array): Float64Array {
  return x.map((v, j) => v + t * d[j]);
}

// ---------------------------------------------------------------------------------------------------------
// Plain float64 reference loops, written independently of the library: dense data, straightforward sums.

interface Ref {
  f: number;
  g: Float64Array;
}

function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

function plainReference(loss: Loss, X: DenseMatrix, y: Float64Array, w: Float64Array, l2: number, rows?: number[]): Ref {
  const { data, cols: d } = X;
  const sel = rows ?? Array.from({ length: X.rows }, (_, i) => i);
  const classes = loss === 'softmax' ? K : 1;
  const g = new Float64Array(d * classes);
  let f = 0;
  for (const i of sel) {
    const x = data.subarray(i * d, (i + 1) * d);
    if (loss === 'softmax') {
      const s = new Array<number>(classes).fill(0);
      for (let j = 0; j < d; j++) for (let k = 0; k < classes; k++) s[k] += x[j] * w[j * classes + k];
      const mx = Math.max(...s);
      const se = s.reduce((a, v) => a + Math.exp(v - mx), 0);
      f += mx + Math.log(se) - s[y[i]];
      for (let k = 0; k < classes; k++) {
        const coef = Math.exp(s[k] - mx) / se - (k === y[i] ? 1 : 0);
        for (let j = 0; j < d; j++) g[j * classes + k] += coef * x[j];
      }
    } else {
      let z = 0;
      for (let j = 0; j < d; j++) z += x[j] * w[j];
      let coef: number;
      if (loss === 'logistic') {
        const s = 2 * y[i] - 1; // ±1
        f += softplus(-s * z);
        coef = 1 / (1 + Math.exp(-z)) - y[i];
      } else {
        f += 0.5 * (z - y[i]) ** 2;
        coef = z - y[i];
      }
      for (let j = 0; j < d; j++) g[j] += coef * x[j];
    }
  }
  let ww = 0;
  for (let j = 0; j < w.length; j++) ww += w[j] * w[j];
  f = f / sel.length + 0.5 * l2 * ww;
  for (let j = 0; j < g.length; j++) g[j] = g[j] / sel.length + l2 * w[j];
  return { f, g };
}

// ---------------------------------------------------------------------------------------------------------

describe('TS backend: derivatives by central differences', () => {
  const n = 30;
  const d = 6;
  const { dense, csr } = randomMatrices(42, n, d, 0.6);
  const batchRows = [3, 0, 3, 7, 29, 1]; // repeats and the empty row included
  for (const loss of ['logistic', 'least-squares', 'softmax'] as Loss[]) {
    for (const [kind, X] of [
      ['dense', dense],
      ['csr', csr],
    ] as [string, DataMatrix][]) {
      for (const view of ['full', 'batch']) {
        it(`${loss} × ${kind} × ${view}: gradient, hessVec, hessDiag, along`, () => {
          const y = targetsFor(loss, n, 7);
          const full = build(loss, X, y, 0.05);
          const f = view === 'full' ? full : full.batch!(batchRows);
          expect(f.backend).toBe('js');
          expect(f.dim).toBe(loss === 'softmax' ? d * K : d);
          expect(f.numSamples).toBe(view === 'full' ? n : batchRows.length);
          const rand = rng(3);
          const x = normals(rand, f.dim, 0.7);
          const v = normals(rand, f.dim);

          // Gradient against central differences of value.
          const g = f.gradient(x);
          const h = 1e-6;
          const fd = new Float64Array(f.dim);
          for (let j = 0; j < f.dim; j++) {
            const e = new Float64Array(f.dim);
            e[j] = h;
            fd[j] = (f.value(add(x, 1, e)) - f.value(add(x, -1, e))) / (2 * h);
          }
          expect(relErr(fd, g)).toBeLessThan(1e-6);

          // valueAndGradient agrees with value and gradient.
          const g2 = new Float64Array(f.dim);
          const fx = f.valueAndGradient(x, g2);
          expect(fx).toBe(f.value(x));
          expect(Array.from(g2)).toEqual(Array.from(g));

          // Hessian-vector product against central differences of the gradient.
          const hv = f.hessVec!(x, v);
          const eps = 1e-5;
          const gp = f.gradient(add(x, eps, v));
          const gm = f.gradient(add(x, -eps, v));
          const fdHv = gp.map((a, j) => (a - gm[j]) / (2 * eps));
          expect(relErr(fdHv, hv)).toBeLessThan(1e-6);

          // Diagonal: (H e_j)_j, exact up to rounding.
          const diag = f.hessDiag!(x);
          const fromHv = new Float64Array(f.dim);
          for (let j = 0; j < f.dim; j++) {
            const e = new Float64Array(f.dim);
            e[j] = 1;
            fromHv[j] = f.hessVec!(x, e)[j];
          }
          expect(relErr(diag, fromHv)).toBeLessThan(1e-12);

          // along: φ(t) = f(x + t d), φ'(t) = ∇f(x + t d)·d.
          const dir = normals(rand, f.dim, 0.3);
          const line = f.along(x, dir);
          for (const t of [0, 0.3, -1.2, 2.5]) {
            const xt = add(x, t, dir);
            const gt = f.gradient(xt);
            const slope = gt.reduce((a, gj, j) => a + gj * dir[j], 0);
            const scale = gt.reduce((a, gj, j) => a + Math.abs(gj * dir[j]), 0);
            expect(relErrScalar(line.value(t), f.value(xt))).toBeLessThan(1e-12);
            const vs = line.valueAndSlope(t);
            expect(relErrScalar(vs.value, f.value(xt))).toBeLessThan(1e-12);
            expect(Math.abs(vs.slope - slope)).toBeLessThan(1e-12 * scale);
          }
        });
      }
    }
  }

  it('dense and CSR storage give the same results', () => {
    for (const loss of ['logistic', 'least-squares', 'softmax'] as Loss[]) {
      const y = targetsFor(loss, n, 9);
      const a = build(loss, dense, y, 0.1);
      const b = build(loss, csr, y, 0.1);
      const x = normals(rng(5), a.dim);
      const v = normals(rng(6), a.dim);
      expect(relErrScalar(b.value(x), a.value(x))).toBeLessThan(1e-14);
      expect(relErr(b.gradient(x), a.gradient(x))).toBeLessThan(1e-14);
      expect(relErr(b.hessVec!(x, v), a.hessVec!(x, v))).toBeLessThan(1e-14);
      expect(relErr(b.hessDiag!(x), a.hessDiag!(x))).toBeLessThan(1e-14);
    }
  });

  it('a batch view averages over its rows (repeats counted) and keeps the full l2 term', () => {
    for (const loss of ['logistic', 'least-squares', 'softmax'] as Loss[]) {
      const y = targetsFor(loss, n, 13);
      const f = build(loss, csr, y, 0.2);
      const x = normals(rng(8), f.dim);
      const ref = plainReference(loss, dense, y, x, 0.2, batchRows);
      const b = f.batch!(Int32Array.from(batchRows));
      const g = new Float64Array(f.dim);
      expect(relErrScalar(b.valueAndGradient(x, g), ref.f)).toBeLessThan(1e-12);
      expect(relErr(g, ref.g)).toBeLessThan(1e-12);
      // The same rows as a plain array; a batch of a batch indexes the full data.
      expect(relErrScalar(b.batch!([0, 29]).value(x), plainReference(loss, dense, y, x, 0.2, [0, 29]).f)).toBeLessThan(1e-12);
    }
  });
});

describe('TS backend: reference values on real data', () => {
  const fixtures = path.join(__dirname, 'fixtures');
  const bundled = path.join(__dirname, '..', 'examples', 'data');

  it('logistic on breast cancer with bias, l2 = 1/n: f(0) = log 2 exactly; value and gradient match a plain loop', () => {
    for (const format of ['dense', 'csr'] as const) {
      const { X, y } = readLibsvmSync(path.join(bundled, 'breast_cancer_wdbc.libsvm'), { bias: true, format });
      const Xd = readLibsvmSync(path.join(bundled, 'breast_cancer_wdbc.libsvm'), { bias: true, format: 'dense' }).X as DenseMatrix;
      const n = X.rows;
      const f = logistic(X, y, { l2: 1 / n, backend: 'js' });
      expect(f.dim).toBe(31);
      expect(f.value(new Float64Array(31))).toBe(Math.LN2);
      const w = normals(rng(2024), 31, 1e-3);
      const ref = plainReference('logistic', Xd, y, w, 1 / n);
      const g = new Float64Array(31);
      expect(relErrScalar(f.valueAndGradient(w, g), ref.f)).toBeLessThan(1e-12);
      expect(relErr(g, ref.g)).toBeLessThan(1e-12);
      // ±1 labels give the same objective.
      const pm = logistic(X, Array.from(y, (b) => 2 * b - 1), { l2: 1 / n, backend: 'js' });
      expect(pm.value(w)).toBe(f.value(w));
    }
  });

  it('least squares on diabetes (with bias) matches a plain loop', () => {
    for (const format of ['dense', 'csr'] as const) {
      const file = path.join(fixtures, 'diabetes.libsvm');
      const { X, y } = readLibsvmSync(file, { bias: true, format });
      const Xd = readLibsvmSync(file, { bias: true, format: 'dense' }).X as DenseMatrix;
      const f = leastSquares(X, y, { l2: 1 / X.rows, backend: 'js' });
      // f(0) = (1/2n)‖y‖²: a closed form.
      const half = y.reduce((a, v) => a + v * v, 0) / (2 * X.rows);
      expect(relErrScalar(f.value(new Float64Array(f.dim)), half)).toBeLessThan(1e-14);
      const w = normals(rng(77), f.dim, 0.1);
      const ref = plainReference('least-squares', Xd, y, w, 1 / X.rows);
      const g = new Float64Array(f.dim);
      expect(relErrScalar(f.valueAndGradient(w, g), ref.f)).toBeLessThan(1e-12);
      expect(relErr(g, ref.g)).toBeLessThan(1e-12);
    }
  });

  it('softmax on wine (3 classes, with bias) matches a plain loop; f(0) = log 3', () => {
    for (const format of ['dense', 'csr'] as const) {
      const file = path.join(fixtures, 'wine.libsvm');
      const { X, y } = readLibsvmSync(file, { bias: true, format });
      const Xd = readLibsvmSync(file, { bias: true, format: 'dense' }).X as DenseMatrix;
      const f = softmax(X, y, { classes: 3, l2: 1 / X.rows, backend: 'js' });
      expect(f.dim).toBe(14 * 3);
      expect(f.value(new Float64Array(f.dim))).toBe(Math.log(3));
      const w = normals(rng(99), f.dim, 1e-3);
      const ref = plainReference('softmax', Xd, y, w, 1 / X.rows);
      const g = new Float64Array(f.dim);
      expect(relErrScalar(f.valueAndGradient(w, g), ref.f)).toBeLessThan(1e-12);
      expect(relErr(g, ref.g)).toBeLessThan(1e-12);
    }
  });
});

describe('TS backend: caching, aliasing and numerics', () => {
  const { dense, csr } = randomMatrices(5, 25, 4, 0.7);
  const y = targetsFor('logistic', 25, 1);

  it('reuses margins only for a bit-identical point (results equal a cold objective exactly)', () => {
    for (const X of [dense, csr]) {
      const warm = logistic(X, y, { l2: 0.1, backend: 'js' });
      const x1 = normals(rng(1), 4);
      const x2 = normals(rng(2), 4);
      const f1 = warm.value(x1);
      const f2 = warm.value(x2);
      expect(f2).not.toBe(f1);
      // Same array object, new contents: must not be served from the cache.
      const x = x1.slice();
      warm.value(x);
      x[2] += 0.5;
      const cold = logistic(X, y, { l2: 0.1, backend: 'js' });
      expect(warm.value(x)).toBe(cold.value(x));
      expect(Array.from(warm.gradient(x))).toEqual(Array.from(logistic(X, y, { l2: 0.1, backend: 'js' }).gradient(x)));
      expect(Array.from(warm.hessDiag!(x1))).toEqual(Array.from(logistic(X, y, { l2: 0.1, backend: 'js' }).hessDiag!(x1)));
      expect(warm.value(x1)).toBe(f1);
    }
  });

  it('accepts outputs that alias the inputs', () => {
    for (const loss of ['logistic', 'least-squares', 'softmax'] as Loss[]) {
      const t = targetsFor(loss, 25, 4);
      const f = build(loss, csr, t, 0.3);
      const x = normals(rng(10), f.dim);
      const v = normals(rng(11), f.dim);
      const g = f.gradient(x);
      const hv = f.hessVec!(x, v);
      const fx = f.value(x);
      const xa = x.slice();
      expect(f.valueAndGradient(xa, xa)).toBe(fx);
      expect(Array.from(xa)).toEqual(Array.from(g));
      const va = v.slice();
      f.hessVec!(x, va, va);
      expect(Array.from(va)).toEqual(Array.from(hv));
      expect(f.gradient(x)).toEqual(g);
    }
  });

  it('evaluates a non-finite point, direction or step to NaN instead of throwing (spec §0 NaN/Inf policy)', () => {
    for (const loss of ['logistic', 'least-squares', 'softmax'] as Loss[]) {
      const f = build(loss, dense, targetsFor(loss, 25, 4), 0.1);
      const bad = new Float64Array(f.dim);
      bad[1] = Infinity;
      const ok = new Float64Array(f.dim).fill(0.1);
      const g = new Float64Array(f.dim);
      expect(f.value(bad)).toBeNaN();
      expect(f.valueAndGradient(bad, g)).toBeNaN();
      expect(g.every(Number.isNaN)).toBe(true);
      expect(f.hessVec!(ok, bad).every(Number.isNaN)).toBe(true);
      expect(f.hessDiag!(bad).every(Number.isNaN)).toBe(true);
      expect(f.along(ok, bad).valueAndSlope(1).slope).toBeNaN();
      expect(f.along(ok, ok).value(NaN)).toBeNaN();
      expect(Number.isFinite(f.value(ok))).toBe(true); // the objective still works afterwards
    }
  });

  it('stays finite for huge steps (stable log σ, σ − b and log-sum-exp)', () => {
    for (const loss of ['logistic', 'softmax'] as Loss[]) {
      const t = targetsFor(loss, 25, 4);
      const f = build(loss, dense, t, 0);
      const x = normals(rng(12), f.dim, 1e10);
      const g = new Float64Array(f.dim);
      const fx = f.valueAndGradient(x, g);
      expect(Number.isFinite(fx)).toBe(true);
      expect(fx).toBeGreaterThan(0);
      expect(g.every(Number.isFinite)).toBe(true);
      expect(f.hessDiag!(x).every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(f.along(new Float64Array(f.dim), x).valueAndSlope(1).slope)).toBe(true);
    }
  });
});

describe('objective(): user functions', () => {
  // f(x) = (1/m) Σ_{i∈rows} ½ a_i (x_{i mod 3} − c_i)², a quadratic with 5 samples over 3 parameters.
  const a = [1, 2, 3, 4, 5];
  const c = [0.5, -1, 2, 0, 1];
  const fg = (x: Float64Array, g: Float64Array, rows?: Int32Array): number => {
    const sel = rows ?? Int32Array.from([0, 1, 2, 3, 4]);
    g.fill(0);
    let f = 0;
    for (const i of sel) {
      const j = i % 3;
      const r = x[j] - c[i];
      f += 0.5 * a[i] * r * r;
      g[j] += (a[i] * r) / sel.length;
    }
    return f / sel.length;
  };

  it('wraps valueAndGradient; along evaluates f(x + t d) with full calls', () => {
    const f = objective(fg, 3);
    expect(f.backend).toBe('js');
    expect(f.dim).toBe(3);
    expect(f.numSamples).toBeUndefined();
    expect(f.batch).toBeUndefined();
    expect(f.hessVec).toBeUndefined();
    const x = new Float64Array([1, 2, 3]);
    const d = new Float64Array([0.5, -1, 2]);
    const line = f.along(x, d);
    const xt = add(x, 0.7, d);
    const g = f.gradient(xt);
    expect(line.value(0.7)).toBe(f.value(xt));
    const vs = line.valueAndSlope(0.7);
    expect(vs.value).toBe(f.value(xt));
    expect(vs.slope).toBeCloseTo(g[0] * d[0] + g[1] * d[1] + g[2] * d[2], 14);
    x[0] = 100; // along copied x
    expect(line.value(0.7)).toBe(f.value(xt));
  });

  it('batch(rows) passes the rows to the function; value, hessVec and hessDiag callbacks are used', () => {
    const seen: (Int32Array | undefined)[] = [];
    const f = objective(
      (x, g, rows) => {
        seen.push(rows);
        return fg(x, g, rows);
      },
      3,
      {
        numSamples: 5,
        value: (x, rows) => fg(x, new Float64Array(3), rows),
        hessVec: (_x, v, out) => {
          out.set(v);
        },
        hessDiag: () => new Float64Array([1, 1, 1]),
      },
    );
    expect(f.numSamples).toBe(5);
    const b = f.batch!([4, 1]);
    expect(b.numSamples).toBe(2);
    const x = new Float64Array([0, 0, 0]);
    const g = new Float64Array(3);
    const fb = b.valueAndGradient(x, g);
    expect(Array.from(seen[0]!)).toEqual([4, 1]);
    expect(fb).toBe((0.5 * 5 * 1 + 0.5 * 2 * 1) / 2);
    expect(b.value(x)).toBe(fb);
    expect(Array.from(f.hessVec!(x, new Float64Array([1, 2, 3])))).toEqual([1, 2, 3]);
    expect(Array.from(f.hessDiag!(x))).toEqual([1, 1, 1]);
    expect(() => f.batch!([5])).toThrow(/^rows: element 0 is 5; expected an integer row index in \[0, 5\)/);
  });

  it('checks what the user function returns', () => {
    const f = objective(() => undefined as unknown as number, 2);
    expect(() => f.value(new Float64Array(2))).toThrow(TypeError);
    expect(() => f.value(new Float64Array(2))).toThrow(/^objective: valueAndGradient must return a number/);
    const h = objective(() => 0, 2, { hessVec: () => [1, 2] as unknown as Float64Array });
    expect(() => h.hessVec!(new Float64Array(2), new Float64Array(2))).toThrow(/^objective: hessVec must write into out or return a Float64Array/);
  });
});
