/**
 * The native linear objectives (native/core/linear_model.hpp, softmax.hpp; binding objective_wrap.cc; wrapper
 * lib/objectives/native_objective.ts), checked against references written here: plain float64 loops for f
 * and ∇f, central finite differences for ∇f and ∇²f·v, unit-vector Hessian products for diag ∇²f, and the
 * objective itself at x + t·d for the line functions. Nothing is compared with figures produced by the code
 * under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix } from '../lib/data';
import { loadNative } from '../lib/native';
import { createNativeLinearObjective, type NativeLinearLoss } from '../lib/objectives/native_objective';
import type { Objective } from '../lib/objectives/objective';
import { getThreads, setThreads } from '../lib/threads';
import { rng } from './helpers/random-data';

// ---------------------------------------------------------------------------------------------------------
// Test data and plain reference loops.


function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function randomVector(rand: () => number, n: number, scale = 1): Float64Array {
  const v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = scale * normal(rand);
  return v;
}

interface Problem {
  loss: NativeLinearLoss;
  dense: DenseMatrix;
  csr: CsrMatrix;
  y: Float64Array;
  K: number; // classes for softmax, 1 otherwise
  l2: number;
  dim: number;
}

/** About half the entries zero (so CSR rows differ in length, one row empty), columns scaled differently. */
function makeProblem(loss: NativeLinearLoss, n: number, d: number, seed: number): Problem {
  const rand = rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (i === 3) continue; // an empty row
    for (let j = 0; j < d; j++) if (rand() < 0.55) data[i * d + j] = normal(rand) * (0.5 + (j % 4));
  }
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      if (data[i * d + j] !== 0) {
        idx.push(j);
        val.push(data[i * d + j]);
      }
    }
    indptr[i + 1] = idx.length;
  }
  const K = loss === 'softmax' ? 3 : 1;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (loss === 'logistic') y[i] = rand() < 0.5 ? 0 : 1;
    else if (loss === 'softmax') y[i] = Math.floor(rand() * K);
    else y[i] = 3 * normal(rand);
  }
  return {
    loss,
    dense: new DenseMatrix(data, n, d),
    csr: new CsrMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val)),
    y,
    K,
    l2: 0.03,
    dim: d * K,
  };
}

/** f and ∇f by plain loops over the dense copy of the data, averaging over `rows`. */
function reference(p: Problem, rows: readonly number[], w: Float64Array): { f: number; g: Float64Array } {
  const { data, cols: d } = p.dense;
  const K = p.K;
  const g = new Float64Array(p.dim);
  let f = 0;
  for (const i of rows) {
    if (p.loss === 'softmax') {
      const s = new Array<number>(K).fill(0);
      for (let j = 0; j < d; j++) for (let k = 0; k < K; k++) s[k] += data[i * d + j] * w[j * K + k];
      const mx = Math.max(...s);
      let den = 0;
      for (let k = 0; k < K; k++) den += Math.exp(s[k] - mx);
      const lse = mx + Math.log(den);
      f += lse - s[p.y[i]];
      for (let k = 0; k < K; k++) {
        const r = Math.exp(s[k] - lse) - (k === p.y[i] ? 1 : 0);
        for (let j = 0; j < d; j++) g[j * K + k] += r * data[i * d + j];
      }
    } else {
      let z = 0;
      for (let j = 0; j < d; j++) z += data[i * d + j] * w[j];
      let r: number;
      if (p.loss === 'logistic') {
        const m = (2 * p.y[i] - 1) * z; // log(1 + e^{−m}), written stably
        f += Math.max(0, -m) + Math.log1p(Math.exp(-Math.abs(m)));
        r = 1 / (1 + Math.exp(-z)) - p.y[i];
      } else {
        r = z - p.y[i];
        f += 0.5 * r * r;
      }
      for (let j = 0; j < d; j++) g[j] += r * data[i * d + j];
    }
  }
  let ww = 0;
  for (let j = 0; j < p.dim; j++) {
    g[j] = g[j] / rows.length + p.l2 * w[j];
    ww += w[j] * w[j];
  }
  return { f: f / rows.length + 0.5 * p.l2 * ww, g };
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j] - b[j]));
  return m;
}

/** |a − b| ≤ tol·max(|b|, floor) elementwise-max form for vectors. */
function expectVectorClose(a: Float64Array, b: Float64Array, tol: number): void {
  expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(tol * Math.max(maxAbs(b), 1e-300));
}

function expectClose(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(Math.abs(b), 1e-300));
}

function axpy(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = x[j] + t * d[j];
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function build(p: Problem, storage: 'dense' | 'csr'): Objective {
  return createNativeLinearObjective(p.loss, storage === 'dense' ? p.dense : p.csr, p.y, { l2: p.l2, classes: p.K });
}

const LOSSES: NativeLinearLoss[] = ['logistic', 'least-squares', 'softmax'];
const BATCH_ROWS = [5, 0, 17, 17, 3, 30, 11];

afterEach(() => setThreads(0));

// ---------------------------------------------------------------------------------------------------------

describe.each(LOSSES)('%s', (loss) => {
  const p = makeProblem(loss, 37, 7, 11 + LOSSES.indexOf(loss));
  const rand = rng(99);
  const x = randomVector(rand, p.dim, 0.3);
  const v = randomVector(rand, p.dim);
  const d = randomVector(rand, p.dim);

  describe.each(['dense', 'csr'] as const)('%s storage', (storage) => {
    describe.each(['full', 'batch'] as const)('%s', (part) => {
      const full = build(p, storage);
      const f = part === 'full' ? full : full.batch!(BATCH_ROWS);
      const rows = part === 'full' ? Array.from({ length: 37 }, (_, i) => i) : BATCH_ROWS;

      it('value and gradient equal a plain loop (≤1e-12 relative)', () => {
        const ref = reference(p, rows, x);
        expect(f.dim).toBe(p.dim);
        expect(f.numSamples).toBe(rows.length);
        expectClose(f.value(x), ref.f, 1e-12);
        const g = new Float64Array(p.dim);
        expectClose(f.valueAndGradient(x, g), ref.f, 1e-12);
        expectVectorClose(g, ref.g, 1e-12);
        expectVectorClose(f.gradient(x), ref.g, 1e-12);
      });

      it('gradient matches central finite differences', () => {
        const g = f.gradient(x);
        const fd = new Float64Array(p.dim);
        for (let j = 0; j < p.dim; j++) {
          const h = 1e-5 * (1 + Math.abs(x[j]));
          const xp = x.slice();
          const xm = x.slice();
          xp[j] += h;
          xm[j] -= h;
          fd[j] = (f.value(xp) - f.value(xm)) / (2 * h);
        }
        expectVectorClose(g, fd, 1e-6);
      });

      it('hessVec matches central differences of the gradient', () => {
        const h = 1e-5;
        const gp = f.gradient(axpy(x, h, v));
        const gm = f.gradient(axpy(x, -h, v));
        const fd = new Float64Array(p.dim);
        for (let j = 0; j < p.dim; j++) fd[j] = (gp[j] - gm[j]) / (2 * h);
        expectVectorClose(f.hessVec!(x, v), fd, 1e-6);
      });

      it('hessDiag equals unit-vector Hessian products and finite-difference Hessian columns', () => {
        const diag = f.hessDiag!(x);
        const e = new Float64Array(p.dim);
        const h = 1e-5;
        for (let j = 0; j < p.dim; j++) {
          e.fill(0);
          e[j] = 1;
          expectClose(diag[j], f.hessVec!(x, e)[j], 1e-12);
          const col = (f.gradient(axpy(x, h, e))[j] - f.gradient(axpy(x, -h, e))[j]) / (2 * h);
          expectClose(diag[j], col, 1e-6);
        }
      });

      it('along(x, d) gives f(x + t·d) and ∇f(x + t·d)·d', () => {
        const line = f.along(x, d);
        for (const t of [0, 0.37, -1.3, 2.5]) {
          const y = axpy(x, t, d);
          const g = new Float64Array(p.dim);
          const fy = f.valueAndGradient(y, g);
          expectClose(line.value(t), fy, 1e-12);
          const { value, slope } = line.valueAndSlope(t);
          expectClose(value, fy, 1e-12);
          // the slope is a sum of terms of both signs: compare on the scale of |∇f|·|d|
          expect(Math.abs(slope - dot(g, d))).toBeLessThanOrEqual(1e-12 * Math.sqrt(dot(g, g) * dot(d, d)) * 10);
        }
      });

      it('along() from a cached and an uncached point agree', () => {
        f.value(x); // margins at x cached
        const cached = f.along(x, d);
        f.value(d); // cache moved elsewhere
        const fresh = f.along(x, d);
        for (const t of [0.5, -2]) expect(cached.valueAndSlope(t)).toEqual(fresh.valueAndSlope(t));
      });
    });

    it('the cache is keyed on the point, never stale', () => {
      const f = build(p, storage);
      const y = randomVector(rng(5), p.dim, 0.4);
      const rx = reference(p, Array.from({ length: 37 }, (_, i) => i), x);
      const ry = reference(p, Array.from({ length: 37 }, (_, i) => i), y);
      const hvFresh = (at: Float64Array) => build(p, storage).hessVec!(at, v);
      const g = new Float64Array(p.dim);
      expectClose(f.value(x), rx.f, 1e-12);
      expectVectorClose(f.gradient(y), ry.g, 1e-12);
      expect(f.hessVec!(x, v)).toEqual(hvFresh(x));
      expectClose(f.valueAndGradient(y, g), ry.f, 1e-12);
      expectVectorClose(g, ry.g, 1e-12);
      expect(f.hessDiag!(x)).toEqual(build(p, storage).hessDiag!(x));
      expect(f.hessVec!(y, v)).toEqual(hvFresh(y));
      expectClose(f.value(x), rx.f, 1e-12);
      // Hessian weights cached at one point are not reused at another whose margins are cached
      f.hessVec!(x, v);
      f.value(y);
      expect(f.hessVec!(y, v)).toEqual(hvFresh(y));
      f.hessDiag!(y);
      f.gradient(x);
      expect(f.hessDiag!(x)).toEqual(build(p, storage).hessDiag!(x));
      // the same array object with new contents is a new point
      const moving = x.slice();
      expectClose(f.value(moving), rx.f, 1e-12);
      moving.set(y);
      expectClose(f.value(moving), ry.f, 1e-12);
      expectVectorClose(f.gradient(moving), ry.g, 1e-12);
      // a one-ulp change is a new point too
      moving[0] = y[0] + Math.abs(y[0]) * 2 ** -52;
      const r1 = reference(p, Array.from({ length: 37 }, (_, i) => i), moving);
      expectClose(f.valueAndGradient(moving, g), r1.f, 1e-12);
      expectVectorClose(g, r1.g, 1e-12);
    });

    it('outputs may alias inputs', () => {
      const f = build(p, storage);
      const hv = f.hessVec!(x, v);
      const vv = v.slice();
      expect(f.hessVec!(x, vv, vv)).toEqual(hv); // out === v
      const xx = x.slice();
      const g = f.gradient(x);
      f.gradient(xx, xx); // out === x
      expect(xx).toEqual(g);
    });

    it('a view of a view indexes the full data', () => {
      const f = build(p, storage);
      const view = f.batch!([1, 2, 3]).batch!(new Int32Array([30, 36]));
      expect(view.numSamples).toBe(2);
      expectClose(view.value(x), reference(p, [30, 36], x).f, 1e-12);
    });
  });

  it('dense and CSR storage agree (≤1e-12 relative)', () => {
    const fd = build(p, 'dense');
    const fc = build(p, 'csr');
    const gd = new Float64Array(p.dim);
    const gc = new Float64Array(p.dim);
    expectClose(fc.valueAndGradient(x, gc), fd.valueAndGradient(x, gd), 1e-12);
    expectVectorClose(gc, gd, 1e-12);
    expectVectorClose(fc.hessVec!(x, v), fd.hessVec!(x, v), 1e-12);
    expectVectorClose(fc.hessDiag!(x), fd.hessDiag!(x), 1e-12);
    expectClose(fc.along(x, d).value(0.7), fd.along(x, d).value(0.7), 1e-12);
  });

  it('byteOffset views of the data and of x give the same results', () => {
    const { rows: n, cols } = p.dense;
    const pad = 5;
    const buf = new Float64Array(n * cols + 2 * pad);
    buf.set(p.dense.data, pad);
    const shifted = new DenseMatrix(buf.subarray(pad, pad + n * cols), n, cols);
    const ybuf = new Float64Array(n + 3);
    ybuf.set(p.y, 3);
    const ys = ybuf.subarray(3);
    const vbuf = new Float64Array(p.csr.values.length + 1);
    vbuf.set(p.csr.values, 1);
    const ibuf = new Int32Array(p.csr.indices.length + 2);
    ibuf.set(p.csr.indices, 2);
    const shiftedCsr = new CsrMatrix(n, cols, p.csr.indptr, ibuf.subarray(2), vbuf.subarray(1));
    const xbuf = new Float64Array(p.dim + 1);
    xbuf.set(x, 1);
    const xs = xbuf.subarray(1);
    const ref = reference(p, Array.from({ length: n }, (_, i) => i), x);
    for (const X of [shifted, shiftedCsr]) {
      const f = createNativeLinearObjective(p.loss, X, ys, { l2: p.l2, classes: p.K });
      const g = new Float64Array(p.dim);
      expectClose(f.valueAndGradient(xs, g), ref.f, 1e-12);
      expectVectorClose(g, ref.g, 1e-12);
    }
  });

  it('steps of 1e10 stay finite', () => {
    for (const storage of ['dense', 'csr'] as const) {
      const f = build(p, storage);
      const line = f.along(x, d);
      for (const t of [1e10, -1e10]) {
        expect(Number.isFinite(line.value(t))).toBe(true);
        const { value, slope } = line.valueAndSlope(t);
        expect(Number.isFinite(value) && Number.isFinite(slope)).toBe(true);
        const far = axpy(x, t, d);
        const g = new Float64Array(p.dim);
        expect(Number.isFinite(f.valueAndGradient(far, g))).toBe(true);
        expect(g.every(Number.isFinite)).toBe(true);
        expect(f.hessVec!(far, v).every(Number.isFinite)).toBe(true);
        expect(f.hessDiag!(far).every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('a non-finite point evaluates to NaN at the TypeScript level (the raw addon rejects it)', () => {
    const f = build(p, 'dense');
    const bad = x.slice();
    bad[1] = Infinity;
    expect(f.value(bad)).toBeNaN();
    const g = new Float64Array(p.dim);
    expect(f.valueAndGradient(bad, g)).toBeNaN();
    expect(g.every(Number.isNaN)).toBe(true);
    expect(f.along(x, d).value(NaN)).toBeNaN();
    expect(f.along(bad, d).valueAndSlope(1).slope).toBeNaN();
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('breast-cancer data', () => {
  /** A tiny LIBSVM parser (1-based indices; labels kept as written: 0/1 here). */
  function readLibsvmText(file: string): { X: DenseMatrix; csr: CsrMatrix; y: Float64Array } {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const entries = lines.map((l) => l.trim().split(/\s+/));
    let d = 0;
    for (const e of entries) for (const t of e.slice(1)) d = Math.max(d, Number(t.split(':')[0]));
    const n = entries.length;
    const data = new Float64Array(n * d);
    const y = new Float64Array(n);
    const indptr = new Int32Array(n + 1);
    const idx: number[] = [];
    const val: number[] = [];
    entries.forEach((e, i) => {
      y[i] = Number(e[0]);
      for (const t of e.slice(1)) {
        const [j, value] = t.split(':').map(Number);
        data[i * d + j - 1] = value;
        idx.push(j - 1);
        val.push(value);
      }
      indptr[i + 1] = idx.length;
    });
    return { X: new DenseMatrix(data, n, d), csr: new CsrMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val)), y };
  }

  const file = path.join(__dirname, '..', '..', 'shared', 'data', 'breast_cancer_wdbc.libsvm');
  const fallback = '/work/shared/data/breast_cancer_wdbc.libsvm';
  const { X, csr, y } = readLibsvmText(fs.existsSync(file) ? file : fallback);

  it('logistic at w = 0 equals log 2 exactly (dense and CSR)', () => {
    expect(X.rows).toBe(569);
    for (const M of [X, csr]) {
      const f = createNativeLinearObjective('logistic', M, y, { l2: 1 / 569 });
      const w = new Float64Array(30);
      expect(f.value(w)).toBe(Math.LN2);
      expect(f.valueAndGradient(w, new Float64Array(30))).toBe(Math.LN2);
      expect(f.along(w, new Float64Array(30).fill(1e-3)).value(0)).toBe(Math.LN2);
    }
  });

  it('badly scaled real features: gradient equals the plain loop', () => {
    const f = createNativeLinearObjective('logistic', X, y, { l2: 1 / 569 });
    const p: Problem = { loss: 'logistic', dense: X, csr, y, K: 1, l2: 1 / 569, dim: 30 };
    const w = randomVector(rng(3), 30, 1e-3);
    const ref = reference(p, Array.from({ length: 569 }, (_, i) => i), w);
    const g = new Float64Array(30);
    expectClose(f.valueAndGradient(w, g), ref.f, 1e-12);
    expectVectorClose(g, ref.g, 1e-12);
  });
});

// LinearModel evaluates short rows in chunks (margins, then the losses of the chunk in one vectorized call,
// then the gradient updates) and long rows (≥ 128 stored entries) row by row; the problems above fit in one
// chunk. These cover many chunks, a ragged last chunk, long rows, and mini-batches with repeated rows.
describe('chunked and row-by-row evaluation paths', () => {
  // [n, d]: 700×10 (~6 entries/row: 256-row chunks); 600×160 (dense rows of 160 go row by row, CSR rows of
  // ~88 entries in chunks of ~31 rows).
  const shapes: [number, number][] = [[700, 10], [600, 160]];
  describe.each(shapes)('%i × %i', (n, d) => {
    it.each(['logistic', 'least-squares'] as const)('%s: value and gradient equal a plain loop, full and batch, dense and CSR', (loss) => {
      const p = makeProblem(loss, n, d, 5 + d);
      const rand = rng(d);
      const x = randomVector(rand, p.dim, 0.2);
      const batchRows = Array.from({ length: 250 }, () => Math.floor(rand() * n));
      for (const storage of ['dense', 'csr'] as const) {
        const full = build(p, storage);
        for (const [f, rows] of [[full, Array.from({ length: n }, (_, i) => i)], [full.batch!(batchRows), batchRows]] as const) {
          const ref = reference(p, rows, x);
          const g = new Float64Array(p.dim);
          const fg = f.valueAndGradient(x, g);
          expectClose(fg, ref.f, 1e-12);
          expectVectorClose(g, ref.g, 1e-12);
          // value alone takes the same path as valueAndGradient (and at a new point, not from the cache)
          const fresh = build(p, storage);
          const fv = f === full ? fresh.value(x) : fresh.batch!(batchRows).value(x);
          expect(fv).toBe(fg);
        }
      }
    });
  });
});

describe('threads', () => {
  it('setThreads(1) and setThreads(2) agree to 1e-12 on a problem large enough to run in parallel', () => {
    for (const loss of LOSSES) {
      const p = makeProblem(loss, 6000, 24, 21); // 6000·24·K ≫ the 32768 multiply-adds parallel threshold
      const rand = rng(4);
      const x = randomVector(rand, p.dim, 0.2);
      const v = randomVector(rand, p.dim);
      const results: { f: number; g: Float64Array; hv: Float64Array; hd: Float64Array; line: number; slope: number }[] = [];
      for (const threads of [1, 2]) {
        setThreads(threads);
        expect(getThreads()).toBe(threads);
        for (const storage of ['dense', 'csr'] as const) {
          const f = build(p, storage);
          const g = new Float64Array(p.dim);
          const fv = f.valueAndGradient(x, g);
          const { value, slope } = f.along(x, v).valueAndSlope(0.3);
          results.push({ f: fv, g, hv: f.hessVec!(x, v), hd: f.hessDiag!(x), line: value, slope });
        }
      }
      for (let k = 0; k < 2; k++) {
        const [a, b] = [results[k], results[k + 2]];
        expectClose(b.f, a.f, 1e-12);
        expectVectorClose(b.g, a.g, 1e-12);
        expectVectorClose(b.hv, a.hv, 1e-12);
        expectVectorClose(b.hd, a.hd, 1e-12);
        expectClose(b.line, a.line, 1e-12);
        expectClose(b.slope, a.slope, 1e-11);
      }
    }
  });

  it('rejects invalid counts', () => {
    expect(() => setThreads(-1)).toThrow(RangeError);
    expect(() => setThreads(1.5)).toThrow(RangeError);
    expect(() => setThreads('2' as unknown as number)).toThrow(TypeError);
    expect(() => loadNative().setThreads(2000)).toThrow(/n must be an integer in \[0, 1024\]/);
  });
});

describe('context awareness', () => {
  it('the addon loads and evaluates in a worker thread while the main thread uses it', async () => {
    const addonPath = process.env.STEPSEARCH_ADDON
      ? path.resolve(process.env.STEPSEARCH_ADDON)
      : // eslint-disable-next-line @typescript-eslint/no-var-requires
        (require('node-gyp-build') as { resolve(dir: string): string }).resolve(path.join(__dirname, '..'));
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const a = require(workerData);
      const X = { kind: 'dense', data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 };
      const f = new a.LinearObjective('least-squares', X, new Float64Array([1, 0]), 0, 0);
      const line = f.batch(new Int32Array([1])).along(new Float64Array(2), new Float64Array([1, 0]));
      parentPort.postMessage([f.value(new Float64Array([1, 0])), line.value(1)]);`;
    const main = createNativeLinearObjective('least-squares', new DenseMatrix(new Float64Array([1, 2, 3, 4]), 2, 2), new Float64Array([1, 0]), { l2: 0 });
    const fromWorker = await new Promise<number[]>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: addonPath });
      w.once('message', (m: number[]) => resolve(m));
      w.once('error', reject);
    });
    // f(w) = (1/2n)‖Xw − y‖²: at w = (1, 0) the residuals are (0, 3), so f = 9/4; the batch {row 1} along
    // d = (1, 0) at t = 1 has residual 3 − 0, so φ(1) = 9/2.
    expect(fromWorker).toEqual([9 / 4, 9 / 2]);
    expect(main.value(new Float64Array([1, 0]))).toBe(9 / 4);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('bad input at the raw binding', () => {
  const addon = loadNative();
  const dense = () => ({ kind: 'dense', data: new Float64Array([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 });
  const csr = () => ({
    kind: 'csr',
    rows: 3,
    cols: 4,
    indptr: new Int32Array([0, 2, 2, 4]),
    indices: new Int32Array([0, 3, 1, 2]),
    values: new Float64Array([1, 2, 3, 4]),
  });
  const y01 = () => new Float64Array([0, 1, 1]);
  const make = (loss: unknown, matrix: unknown, y: unknown, l2: unknown = 0.1, classes: unknown = 0) =>
    new addon.LinearObjective(loss, matrix, y, l2, classes);

  function expectError(fn: () => unknown, type: typeof TypeError | typeof RangeError, names: RegExp): void {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(type);
    expect((caught as Error).message).toMatch(names);
  }

  it('the valid inputs used below construct', () => {
    expect(make('logistic', dense(), y01()).dim).toBe(2);
    expect(make('logistic', csr(), y01()).dim).toBe(4);
  });

  it('constructor arguments', () => {
    expectError(() => make('hinge', dense(), y01()), TypeError, /^loss/);
    expectError(() => make(7, dense(), y01()), TypeError, /^loss/);
    expectError(() => make('logistic', null, y01()), TypeError, /^matrix/);
    expectError(() => make('logistic', { ...dense(), kind: 'coo' }, y01()), TypeError, /^matrix\.kind/);
    expectError(() => make('logistic', { ...dense(), data: [1, 2, 3, 4, 5, 6] }, y01()), TypeError, /^matrix\.data/);
    expectError(() => make('logistic', { ...dense(), data: new Float32Array(6) }, y01()), TypeError, /^matrix\.data/);
    expectError(() => make('logistic', { ...dense(), rows: 4 }, y01()), RangeError, /^matrix\.data/);
    expectError(() => make('logistic', { ...dense(), rows: 0 }, y01()), RangeError, /^matrix\.rows/);
    expectError(() => make('logistic', { ...dense(), cols: 1.5 }, y01()), RangeError, /^matrix\.cols/);
    expectError(() => make('logistic', { ...dense(), cols: '2' }, y01()), TypeError, /^matrix\.cols/);
    expectError(() => make('logistic', { ...dense(), data: new Float64Array([1, 2, NaN, 4, 5, 6]) }, y01()), RangeError, /^matrix\.data.*NaN/);
    expectError(() => make('logistic', { ...dense(), data: new Float64Array([1, 2, 3, Infinity, 5, 6]) }, y01()), RangeError, /^matrix\.data/);
    expectError(() => make('logistic', dense(), new Float64Array([0, 1])), RangeError, /^y/);
    expectError(() => make('logistic', dense(), [0, 1, 1]), TypeError, /^y/);
    expectError(() => make('logistic', dense(), y01(), -1), RangeError, /^l2/);
    expectError(() => make('logistic', dense(), y01(), NaN), RangeError, /^l2/);
    expectError(() => make('logistic', dense(), y01(), '0.1'), TypeError, /^l2/);
  });

  it('CSR structure', () => {
    const bad = (patch: Record<string, unknown>) => () => make('logistic', { ...csr(), ...patch }, y01());
    expectError(bad({ indptr: new Int32Array([1, 2, 2, 4]) }), RangeError, /^matrix\.indptr/);
    expectError(bad({ indptr: new Int32Array([0, 3, 2, 4]) }), RangeError, /^matrix\.indptr.*non-decreasing/);
    expectError(bad({ indptr: new Int32Array([0, 2, 2, 3]) }), RangeError, /^matrix\.indptr/);
    expectError(bad({ indptr: new Int32Array([0, 2, 4]) }), RangeError, /^matrix\.indptr/);
    expectError(bad({ indptr: new Float64Array([0, 2, 2, 4]) }), TypeError, /^matrix\.indptr/);
    expectError(bad({ indices: new Int32Array([3, 0, 1, 2]) }), RangeError, /^matrix\.indices.*increasing/);
    expectError(bad({ indices: new Int32Array([0, 0, 1, 2]) }), RangeError, /^matrix\.indices.*increasing/);
    expectError(bad({ indices: new Int32Array([0, 4, 1, 2]) }), RangeError, /^matrix\.indices.*out of range/);
    expectError(bad({ indices: new Int32Array([-1, 3, 1, 2]) }), RangeError, /^matrix\.indices.*out of range/);
    expectError(bad({ indices: new Int32Array([0, 3, 1]) }), RangeError, /^matrix\.(indices|values|indptr)/);
    expectError(bad({ values: new Float64Array([1, 2, 3]) }), RangeError, /^matrix\.values/);
    expectError(bad({ values: new Float64Array([1, NaN, 3, 4]) }), RangeError, /^matrix\.values.*NaN/);
  });

  it('labels for each loss', () => {
    expectError(() => make('logistic', dense(), new Float64Array([0, -1, 1])), RangeError, /^y.*0\/1/);
    expectError(() => make('logistic', dense(), new Float64Array([0, 0.5, 1])), RangeError, /^y/);
    expectError(() => make('least-squares', dense(), new Float64Array([0, NaN, 1])), RangeError, /^y/);
    expectError(() => make('softmax', dense(), new Float64Array([0, 1, 3]), 0, 3), RangeError, /^y.*class/);
    expectError(() => make('softmax', dense(), new Float64Array([0, 1.5, 2]), 0, 3), RangeError, /^y/);
    expectError(() => make('softmax', dense(), new Float64Array([0, -1, 2]), 0, 3), RangeError, /^y/);
    expectError(() => make('softmax', dense(), new Float64Array([0, 1, 0]), 0, 1), RangeError, /^classes/);
    expectError(() => make('softmax', dense(), new Float64Array([0, 1, 0]), 0, 2.5), RangeError, /^classes/);
    expectError(() => make('softmax', dense(), new Float64Array([0, 1, 0]), 0, null), TypeError, /^classes/);
  });

  it('method arguments', () => {
    const f = make('logistic', dense(), y01());
    const x = new Float64Array(2);
    const out = new Float64Array(2);
    expectError(() => f.value([0, 0]), TypeError, /^x/);
    expectError(() => f.value(new Float64Array(3)), RangeError, /^x/);
    expectError(() => f.value(new Float64Array([0, NaN])), RangeError, /^x.*NaN/);
    expectError(() => f.valueAndGradient(x, new Float64Array(1)), RangeError, /^gradOut/);
    expectError(() => f.valueAndGradient(x), TypeError, /^gradOut/);
    expectError(() => f.gradient(x, new Int32Array(2)), TypeError, /^out/);
    expectError(() => f.hessVec(x, new Float64Array([1, Infinity]), out), RangeError, /^v/);
    expectError(() => f.hessVec(x, new Float64Array(2), new Float64Array(5)), RangeError, /^out/);
    expectError(() => f.hessDiag(new Float64Array(1), out), RangeError, /^x/);
    expectError(() => f.along(x, new Float64Array(1)), RangeError, /^d/);
    const line = f.along(x, new Float64Array([1, 1]));
    expectError(() => line.value('1'), TypeError, /^t/);
    expectError(() => line.value(NaN), RangeError, /^t/);
    expectError(() => line.valueAndSlope(1, new Float64Array(0)), RangeError, /^out/);
    expectError(() => line.valueAndSlope(1), TypeError, /^out/);
    expectError(() => new addon.Line(), TypeError, /^Line/);
  });

  it('batch rows', () => {
    const f = make('logistic', dense(), y01());
    expectError(() => f.batch([0, 1]), TypeError, /^rows/);
    expectError(() => f.batch(new Int32Array(0)), RangeError, /^rows/);
    expectError(() => f.batch(new Int32Array([0, 3])), RangeError, /^rows\[1\]/);
    expectError(() => f.batch(new Int32Array([-1])), RangeError, /^rows\[0\]/);
    const view = f.batch(new Int32Array([2, 2]));
    expect(view.numSamples).toBe(2);
    expectError(() => view.batch(new Int32Array([3])), RangeError, /^rows\[0\]/);
  });

  it('the TypeScript wrapper names the argument too', () => {
    const p = makeProblem('logistic', 10, 3, 1);
    const f = build(p, 'dense');
    expectError(() => f.value(new Float64Array(2)), RangeError, /^x/);
    expectError(() => f.batch!([0, 10]), RangeError, /^rows/);
    expectError(() => f.hessVec!(new Float64Array(3), [1, 2, 3] as unknown as Float64Array), TypeError, /^v/);
  });
});
