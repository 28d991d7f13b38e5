/**
 * Property-based fuzzing of the public boundary, in process (fast-check). The invariant everywhere: a call
 * either returns a correct result (checked against a plain loop written here) or throws a TypeError/RangeError
 * whose message starts with the name of the argument at fault. Never a crash, a hang or a silently wrong
 * number. Inputs: random shapes and lengths, plain arrays and wrong typed arrays, detached buffers,
 * SharedArrayBuffer-backed arrays, views with a byteOffset, NaN/±Infinity, empty and absurd sizes.
 *
 * Cases that could crash the process (buffers detached or mutated under a native objective, the raw addon)
 * are in test/fuzz-native.test.ts, run in child processes.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix, withBias, type DataMatrix } from '../lib/data';
import { getThreads, leastSquares, logistic, objective, setThreads, softmax } from '../lib/index';
import type { Backend, Objective } from '../lib/objectives/objective';

const BACKENDS: Backend[] = ['native', 'js'];
/** Cases run per property: enough to hit every branch of the generators below, fast enough under ASan. */
const RUNS = Number(process.env.STEPSEARCH_FUZZ_RUNS ?? 150);
let cases = 0;
afterAll(() => {
  console.log(`fuzz.test.ts: ${cases} fuzz cases`);
});

// ---------------------------------------------------------------------------------------------------------
// Outcome checks.

type ErrorKind = 'TypeError' | 'RangeError';

/**
 * Runs fn; returns its value, or undefined after checking that it threw a TypeError/RangeError whose message
 * starts with one of `names` followed by ':' (the library's convention, lib/errors.ts).
 */
function outcome<T>(fn: () => T, names: readonly string[], what: string): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    const err = e as Error;
    if (!(err instanceof TypeError) && !(err instanceof RangeError)) {
      throw new Error(`${what}: threw ${String((err as Error)?.constructor?.name)} "${String(err?.message)}", expected a TypeError/RangeError`);
    }
    if (!names.some((n) => err.message.startsWith(`${n}:`))) {
      throw new Error(`${what}: message "${err.message}" does not start with one of ${names.join(', ')}`);
    }
    return { ok: false, error: err };
  }
}

function close(a: number, b: number, tol = 1e-9): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b; // e.g. l2 = 1e308: (l2/2)‖w‖² overflows in both
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-9): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 1;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
  for (let k = 0; k < expected.length; k++) {
    if (actual[k] === expected[k]) continue;
    if (!(Math.abs(actual[k] - expected[k]) <= tol * scale)) {
      throw new Error(`${what}[${k}] = ${actual[k]}, expected ${expected[k]}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Typed-array variants: the same numbers in every storage the API may be handed.

/** A Float64Array over a SharedArrayBuffer, holding `values`. */
function sharedF64(values: ArrayLike<number>): Float64Array {
  const a = new Float64Array(new SharedArrayBuffer(8 * values.length));
  a.set(values);
  return a;
}

/** A Float64Array view at a byteOffset inside a larger buffer, holding `values`. */
function offsetF64(values: ArrayLike<number>, pad: number): Float64Array {
  const buf = new ArrayBuffer(8 * (values.length + 2 * pad));
  const a = new Float64Array(buf, 8 * pad, values.length);
  a.set(values);
  new Float64Array(buf, 0, pad).fill(1e300); // garbage around the view must never be read
  return a;
}

/** A Float64Array whose buffer was transferred away (length 0, as after postMessage with transfer). */
function detachedF64(length: number): Float64Array {
  const a = new Float64Array(length);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/** Kinds of argument that stand for a vector of length n. */
const VECTOR_KINDS = [
  'plain', 'shared', 'offset', 'short', 'long', 'empty', 'nan', 'inf', 'f32', 'i32', 'array', 'detached', 'null',
  'string', 'object', 'number',
] as const;
type VectorKind = (typeof VECTOR_KINDS)[number];

/** Kinds that carry exactly the finite numbers `values` (the call must succeed and be correct). */
const GOOD_KINDS: ReadonlySet<VectorKind> = new Set(['plain', 'shared', 'offset']);

function makeVector(kind: VectorKind, values: Float64Array, pad: number): unknown {
  const n = values.length;
  switch (kind) {
    case 'plain': return Float64Array.from(values);
    case 'shared': return sharedF64(values);
    case 'offset': return offsetF64(values, pad);
    case 'short': return values.slice(0, Math.max(0, n - 1 - pad));
    case 'long': return Float64Array.from({ length: n + 1 + pad }, (_, k) => values[k % n]);
    case 'empty': return new Float64Array(0);
    case 'nan': { const a = Float64Array.from(values); a[pad % n] = NaN; return a; }
    case 'inf': { const a = Float64Array.from(values); a[pad % n] = pad % 2 ? Infinity : -Infinity; return a; }
    case 'f32': return Float32Array.from(values);
    case 'i32': return Int32Array.from(values, (v) => Math.round(v));
    case 'array': return Array.from(values);
    case 'detached': return detachedF64(n);
    case 'null': return pad % 2 ? null : undefined;
    case 'string': return '1,2,3';
    case 'object': return { length: n, 0: 1 };
    case 'number': return 1;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Plain-loop references (team rules "Objective definitions"), written independently of lib/ and native/.

interface Problem {
  loss: 'logistic' | 'least-squares' | 'softmax';
  rows: number;
  cols: number;
  /** Row-major dense copy of X. */
  dense: Float64Array;
  /** Targets as the kernels see them: b ∈ {0,1}, real targets, or class indices. */
  y: Float64Array;
  l2: number;
  K: number;
}

function scores(p: Problem, w: ArrayLike<number>, i: number): number[] {
  const out = new Array(p.K).fill(0);
  for (let j = 0; j < p.cols; j++) {
    const xij = p.dense[i * p.cols + j];
    for (let k = 0; k < p.K; k++) out[k] += xij * (p.loss === 'softmax' ? w[j * p.K + k] : w[j]);
  }
  return out;
}

function softmaxProbs(s: number[]): { lse: number; p: number[] } {
  const m = Math.max(...s);
  let sum = 0;
  for (const v of s) sum += Math.exp(v - m);
  return { lse: m + Math.log(sum), p: s.map((v) => Math.exp(v - m) / sum) };
}

/** f(w) and ∇f(w) over `sel` (all rows when undefined). */
function refValueGrad(p: Problem, w: ArrayLike<number>, sel?: ArrayLike<number>): { f: number; g: Float64Array } {
  const dim = p.loss === 'softmax' ? p.cols * p.K : p.cols;
  const g = new Float64Array(dim);
  const rowsList = sel ?? Array.from({ length: p.rows }, (_, i) => i);
  const m = rowsList.length;
  let f = 0;
  for (let r = 0; r < m; r++) {
    const i = rowsList[r];
    const s = scores(p, w, i);
    if (p.loss === 'softmax') {
      const { lse, p: pr } = softmaxProbs(s);
      f += lse - s[p.y[i]];
      for (let j = 0; j < p.cols; j++) {
        for (let k = 0; k < p.K; k++) g[j * p.K + k] += p.dense[i * p.cols + j] * (pr[k] - (k === p.y[i] ? 1 : 0)) / m;
      }
    } else {
      const z = s[0];
      let slope: number;
      if (p.loss === 'logistic') {
        f += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - p.y[i] * z; // log(1+e^z) − b·z
        slope = 1 / (1 + Math.exp(-z)) - p.y[i];
      } else {
        f += 0.5 * (z - p.y[i]) ** 2;
        slope = z - p.y[i];
      }
      for (let j = 0; j < p.cols; j++) g[j] += (slope * p.dense[i * p.cols + j]) / m;
    }
  }
  let ww = 0;
  for (let j = 0; j < dim; j++) {
    ww += w[j] * w[j];
    g[j] += p.l2 * w[j];
  }
  return { f: f / m + 0.5 * p.l2 * ww, g };
}

/** ∇²f(w)·v and diag ∇²f(w) over all rows. */
function refHessian(p: Problem, w: ArrayLike<number>, v: ArrayLike<number>): { hv: Float64Array; diag: Float64Array } {
  const dim = p.loss === 'softmax' ? p.cols * p.K : p.cols;
  const hv = new Float64Array(dim);
  const diag = new Float64Array(dim);
  const n = p.rows;
  for (let i = 0; i < n; i++) {
    const s = scores(p, w, i);
    if (p.loss === 'softmax') {
      const { p: pr } = softmaxProbs(s);
      const u = scores(p, v, i);
      let pu = 0;
      for (let k = 0; k < p.K; k++) pu += pr[k] * u[k];
      for (let j = 0; j < p.cols; j++) {
        const xij = p.dense[i * p.cols + j];
        for (let k = 0; k < p.K; k++) {
          hv[j * p.K + k] += (xij * pr[k] * (u[k] - pu)) / n;
          diag[j * p.K + k] += (xij * xij * pr[k] * (1 - pr[k])) / n;
        }
      }
    } else {
      const sig = 1 / (1 + Math.exp(-s[0]));
      const d = p.loss === 'logistic' ? sig * (1 - sig) : 1;
      let a = 0;
      for (let j = 0; j < p.cols; j++) a += p.dense[i * p.cols + j] * v[j];
      for (let j = 0; j < p.cols; j++) {
        const xij = p.dense[i * p.cols + j];
        hv[j] += (d * a * xij) / n;
        diag[j] += (d * xij * xij) / n;
      }
    }
  }
  for (let j = 0; j < dim; j++) {
    hv[j] += p.l2 * v[j];
    diag[j] += p.l2;
  }
  return { hv, diag };
}

// ---------------------------------------------------------------------------------------------------------
// Generators of valid data.

const smallDouble = fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });

/** A random matrix as row-major entries with some zeros (so that CSR storage is really sparse). */
const entriesArb = fc
  .record({ rows: fc.integer({ min: 1, max: 7 }), cols: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.oneof(fc.constant(0), smallDouble), { minLength: rows * cols, maxLength: rows * cols }),
    }),
  );

function toCsr(rows: number, cols: number, values: readonly number[]): CsrMatrix {
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (values[i * cols + j] !== 0) {
        idx.push(j);
        val.push(values[i * cols + j]);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return new CsrMatrix(rows, cols, indptr, Int32Array.from(idx), Float64Array.from(val));
}

// ---------------------------------------------------------------------------------------------------------

describe('DenseMatrix', () => {
  const dataArb = fc.oneof(
    fc.float64Array({ maxLength: 30 }), // includes NaN, ±Infinity, -0
    fc.float64Array({ maxLength: 30, noNaN: true, noDefaultInfinity: true }).map((a) => sharedF64(a)),
    fc.float64Array({ maxLength: 30, noNaN: true, noDefaultInfinity: true }).map((a) => offsetF64(a, 3)),
    fc.nat(20).map((n) => detachedF64(n)),
    fc.array(fc.double(), { maxLength: 10 }),
    fc.constantFrom(null, undefined, 'data', 7, {}, new Float32Array(6), new Int32Array(6)),
  );
  const dimArb = fc.oneof(
    fc.integer({ min: -2, max: 12 }),
    fc.constantFrom(0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, 0x7ffffffe, '3', null),
  );

  it('constructs a consistent matrix or throws naming data, rows or cols', () => {
    fc.assert(
      fc.property(dataArb, dimArb, dimArb, (data, rows, cols) => {
        cases++;
        const r = outcome(() => new DenseMatrix(data as Float64Array, rows as number, cols as number), ['data', 'rows', 'cols'], 'DenseMatrix');
        if (r.ok) {
          const M = r.value;
          expect(M.data).toBe(data); // zero-copy
          expect(M.rows * M.cols).toBe(M.data.length);
          expect(M.data.every((v) => Number.isFinite(v))).toBe(true);
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('CsrMatrix and CsrMatrix.fromUnsorted', () => {
  /** Near-valid COO-ish input, then one mutation (or none). */
  const csrArb = fc
    .record({
      rows: fc.integer({ min: 1, max: 6 }),
      cols: fc.integer({ min: 1, max: 6 }),
      perRow: fc.array(fc.array(fc.record({ j: fc.nat(7), v: smallDouble }), { maxLength: 5 }), { minLength: 6, maxLength: 6 }),
      mutation: fc.constantFrom(
        'none', 'none', 'none', 'index-high', 'index-negative', 'unsorted', 'indptr-decreasing', 'indptr-first',
        'indptr-last', 'indptr-short', 'values-short', 'nan-value', 'inf-value', 'f32-values', 'plain-indices',
        'shared', 'offset', 'detached-indices', 'rows-junk', 'cols-junk',
      ),
      pos: fc.nat(100),
    });

  it('accepts exactly the valid structures and stores them faithfully; fromUnsorted sorts and sums duplicates', () => {
    fc.assert(
      fc.property(csrArb, ({ rows, cols, perRow, mutation, pos }) => {
        cases++;
        // Reference: the dense matrix the COO triplets describe (duplicates summed), columns clamped in range.
        const ref = new Float64Array(rows * cols);
        const indptr = new Int32Array(rows + 1);
        const idx: number[] = [];
        const val: number[] = [];
        for (let i = 0; i < rows; i++) {
          for (const { j, v } of perRow[i]) {
            const jj = j % cols;
            ref[i * cols + jj] += v;
            idx.push(jj);
            val.push(v);
          }
          indptr[i + 1] = idx.length;
        }
        let ip: unknown = indptr;
        let ix: unknown = Int32Array.from(idx);
        let vs: unknown = Float64Array.from(val);
        let r: unknown = rows;
        let c: unknown = cols;
        const nnz = idx.length;
        const at = nnz > 0 ? pos % nnz : 0;
        switch (mutation) {
          case 'index-high': if (nnz) (ix as Int32Array)[at] = cols + (pos % 3); break;
          case 'index-negative': if (nnz) (ix as Int32Array)[at] = -1 - (pos % 5); break;
          case 'unsorted': break; // duplicates/unsorted are already likely in the random triplets
          case 'indptr-decreasing': if (rows > 1) indptr[1 + (pos % (rows - 1))] = -1; break;
          case 'indptr-first': indptr[0] = 1; break;
          case 'indptr-last': indptr[rows] = nnz + 1; break;
          case 'indptr-short': ip = indptr.subarray(0, rows); break;
          case 'values-short': vs = Float64Array.from(val.slice(1)); break;
          case 'nan-value': if (nnz) (vs as Float64Array)[at] = NaN; break;
          case 'inf-value': if (nnz) (vs as Float64Array)[at] = -Infinity; break;
          case 'f32-values': vs = Float32Array.from(val); break;
          case 'plain-indices': ix = idx; break;
          case 'shared': {
            const s = new Int32Array(new SharedArrayBuffer(4 * nnz));
            s.set(idx);
            ix = s;
            vs = sharedF64(val);
            break;
          }
          case 'offset': vs = offsetF64(val, 2); break;
          case 'detached-indices': { const d = Int32Array.from(idx); structuredClone(d.buffer, { transfer: [d.buffer] }); ix = d; break; }
          case 'rows-junk': r = [rows, 0.5, -1, NaN, '2'][pos % 5]; break;
          case 'cols-junk': c = [cols, 1.5, 0, Infinity, null][pos % 5]; break;
        }
        const names = ['rows', 'cols', 'indptr', 'indices', 'values'];
        const args = [r, c, ip, ix, vs] as [number, number, Int32Array, Int32Array, Float64Array];
        const direct = outcome(() => new CsrMatrix(...args), names, `CsrMatrix(${mutation})`);
        if (direct.ok) {
          // Accepted: the arrays are held by reference and describe exactly the reference matrix.
          const M = direct.value;
          expect(M.indices).toBe(args[3]);
          const dense = new Float64Array(M.rows * M.cols);
          for (let i = 0; i < M.rows; i++) {
            for (let k = M.indptr[i]; k < M.indptr[i + 1]; k++) {
              if (k > M.indptr[i]) expect(M.indices[k]).toBeGreaterThan(M.indices[k - 1]);
              dense[i * M.cols + M.indices[k]] = M.values[k];
            }
          }
          expectClose(dense, ref, 'CSR contents', 0);
        }
        const sorted = outcome(() => CsrMatrix.fromUnsorted(...args), names, `fromUnsorted(${mutation})`);
        if (sorted.ok) {
          const M = sorted.value;
          const dense = new Float64Array(M.rows * M.cols);
          for (let i = 0; i < M.rows; i++) for (let k = M.indptr[i]; k < M.indptr[i + 1]; k++) dense[i * M.cols + M.indices[k]] = M.values[k];
          expectClose(dense, ref, 'fromUnsorted contents', 1e-15);
        } else if (mutation === 'none' || mutation === 'unsorted' || mutation === 'shared' || mutation === 'offset') {
          throw new Error(`fromUnsorted rejected a valid input: ${sorted.error.message}`);
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('withBias', () => {
  it('appends a ones column to any valid matrix, rejects anything else naming X', () => {
    fc.assert(
      fc.property(entriesArb, fc.boolean(), fc.constantFrom(null, 'X', {}, { kind: 'dense' }, [[1]], undefined), (e, sparse, junk) => {
        cases++;
        const X = sparse ? toCsr(e.rows, e.cols, e.values) : new DenseMatrix(Float64Array.from(e.values), e.rows, e.cols);
        const B = withBias(X);
        expect(B.kind).toBe(X.kind);
        expect([B.rows, B.cols]).toEqual([e.rows, e.cols + 1]);
        const dense = new Float64Array(B.rows * B.cols);
        if (B.kind === 'dense') dense.set(B.data);
        else for (let i = 0; i < B.rows; i++) for (let k = B.indptr[i]; k < B.indptr[i + 1]; k++) dense[i * B.cols + B.indices[k]] = B.values[k];
        for (let i = 0; i < e.rows; i++) {
          for (let j = 0; j < e.cols; j++) expect(dense[i * B.cols + j] === e.values[i * e.cols + j]).toBe(true);
          expect(dense[i * B.cols + e.cols]).toBe(1);
        }
        outcome(() => withBias(junk as unknown as DataMatrix), ['X'], 'withBias(junk)');
        expect(() => withBias(junk as unknown as DataMatrix)).toThrow(TypeError);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('objective factories', () => {
  const FACTORY_NAMES = ['X', 'y', 'labels', 'options', 'l2', 'backend', 'classes'];
  const labelArb = fc.oneof(
    fc.constantFrom('01', 'pm1', 'classes', 'real'),
    fc.constantFrom('mixed', 'nan', 'inf', 'short', 'long', 'f32', 'strings', 'null', 'fraction', 'big-class'),
  );
  const optionsArb = fc.oneof(
    fc.record({ l2: fc.constantFrom(0, 0.1, 1e-8), backend: fc.constantFrom<Backend>('native', 'js') }),
    fc.record({
      l2: fc.constantFrom(-1, NaN, Infinity, '0.1', null, 1e308),
      backend: fc.constantFrom('native', 'js', 'gpu', 1, undefined),
      classes: fc.constantFrom(2, 3, 1, 0, 2.5, NaN, 2 ** 31, 1e9, -3, '3', undefined),
    }),
    fc.constantFrom(undefined, null, 'fast', 3, [], { lambda: 1 }, { classes: 3, backend: 'js', l2: 0, extra: 1 }),
  );

  it('build a correct objective or throw naming the argument (logistic, leastSquares, softmax; both backends)', () => {
    fc.assert(
      fc.property(entriesArb, fc.boolean(), labelArb, optionsArb, fc.constantFrom('logistic', 'least-squares', 'softmax'), fc.nat(1000),
        (e, sparse, labelKind, options, loss, seed) => {
          cases++;
          const X = sparse ? toCsr(e.rows, e.cols, e.values) : new DenseMatrix(Float64Array.from(e.values), e.rows, e.cols);
          const n = e.rows;
          const K = (options as { classes?: unknown } | undefined)?.classes;
          const Kn = typeof K === 'number' && Number.isInteger(K) && K >= 2 && K <= 5 ? K : 3;
          let y: unknown;
          switch (labelKind) {
            case '01': y = Float64Array.from({ length: n }, (_, i) => (i + seed) % 2); break;
            case 'pm1': y = Array.from({ length: n }, (_, i) => ((i + seed) % 2 ? 1 : -1)); break;
            case 'classes': y = Float64Array.from({ length: n }, (_, i) => (i + seed) % Kn); break;
            case 'real': y = Float64Array.from({ length: n }, (_, i) => Math.sin(i + seed) * 3); break;
            case 'mixed': y = Float64Array.from({ length: n }, (_, i) => (i % 3) - 1); break;
            case 'nan': y = Float64Array.from({ length: n }, (_, i) => (i === seed % n ? NaN : 0)); break;
            case 'inf': y = Array.from({ length: n }, (_, i) => (i === seed % n ? Infinity : 1)); break;
            case 'short': y = new Float64Array(n - 1); break;
            case 'long': y = new Float64Array(n + 1); break;
            case 'f32': y = new Float32Array(n); break;
            case 'strings': y = Array.from({ length: n }, () => '1'); break;
            case 'null': y = null; break;
            case 'fraction': y = Float64Array.from({ length: n }, () => 0.5); break;
            case 'big-class': y = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1e9 : 0)); break;
          }
          const yCopy = y instanceof Float64Array ? y.slice() : Array.isArray(y) ? y.slice() : y;
          const make = (): Objective =>
            loss === 'logistic' ? logistic(X, y as Float64Array, options as never)
              : loss === 'least-squares' ? leastSquares(X, y as Float64Array, options as never)
                : softmax(X, y as Float64Array, options as never);
          const r = outcome(make, FACTORY_NAMES, `${loss}(${labelKind}, ${JSON.stringify(options)})`);
          // The caller's labels are never modified.
          if (y instanceof Float64Array) expect(Array.from(y)).toEqual(Array.from(yCopy as Float64Array));
          if (!r.ok) return;
          const f = r.value;
          const Kused = loss === 'softmax' ? (options as { classes: number }).classes : 1;
          expect(f.dim).toBe(e.cols * Kused);
          const yv = Float64Array.from(y as ArrayLike<number>, (v) => (loss === 'logistic' ? (v === 1 ? 1 : 0) : v));
          const p: Problem = { loss, rows: e.rows, cols: e.cols, dense: Float64Array.from(e.values), y: yv, l2: (options as { l2?: number } | undefined)?.l2 ?? 0, K: Kused };
          const w = Float64Array.from({ length: f.dim }, (_, k) => Math.cos(k + seed));
          const { f: fRef, g: gRef } = refValueGrad(p, w);
          const g = new Float64Array(f.dim);
          expect(close(f.valueAndGradient(w, g), fRef), `${loss} value`).toBe(true);
          expectClose(g, gRef, `${loss} gradient`);
        }),
      { numRuns: RUNS * 3 },
    );
  });

  it('objective(): wraps valid user functions, rejects bad arguments naming them', () => {
    const fnArb = fc.constantFrom('fg', 'junk-string', 'null', 'number');
    const dimArb = fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constantFrom(0.5, NaN, Infinity, 2 ** 31, '2'));
    const optArb = fc.oneof(
      fc.constant(undefined),
      fc.record({ numSamples: fc.constantFrom(undefined, 1, 5, 0, -1, 1.5, NaN, 2 ** 31), hessVec: fc.constantFrom(undefined, 'x', 3) }),
      fc.constantFrom(null, 'opts', { hessian: () => 0 }, { value: 5 }, { hessDiag: {} }),
    );
    fc.assert(
      fc.property(fnArb, dimArb, optArb, (fnKind, dim, opts) => {
        cases++;
        const fg = (x: Float64Array, g: Float64Array): number => {
          let s = 0;
          for (let i = 0; i < x.length; i++) {
            g[i] = x[i];
            s += 0.5 * x[i] * x[i];
          }
          return s;
        };
        const fn = fnKind === 'fg' ? fg : fnKind === 'junk-string' ? 'f' : fnKind === 'null' ? null : 42;
        const r = outcome(() => objective(fn as typeof fg, dim as number, opts as never), ['valueAndGradient', 'dim', 'options', 'numSamples', 'hessVec', 'hessDiag', 'value'], 'objective()');
        if (r.ok) {
          const f = r.value;
          const x = Float64Array.from({ length: f.dim }, (_, k) => k - 1);
          expect(f.value(x)).toBe(fg(x, new Float64Array(f.dim)));
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Objective members with every kind of argument', () => {
  /** The objectives under test with their reference problem: 3 losses × dense/CSR × both backends + a user one. */
  interface Subject { name: string; f: Objective; p?: Problem }
  const subjects: Subject[] = [];
  const e = { rows: 6, cols: 4 };
  const values = Array.from({ length: e.rows * e.cols }, (_, k) => ((k * 7) % 5 === 0 ? 0 : Math.sin(1 + 3 * k) * 2));
  const y01 = Float64Array.from({ length: e.rows }, (_, i) => (i * 5) % 2);
  const yReal = Float64Array.from({ length: e.rows }, (_, i) => Math.cos(i) * 2);
  const yCls = Float64Array.from({ length: e.rows }, (_, i) => i % 3);
  for (const backend of BACKENDS) {
    for (const sparse of [false, true]) {
      const X = sparse ? toCsr(e.rows, e.cols, values) : new DenseMatrix(Float64Array.from(values), e.rows, e.cols);
      const base = { rows: e.rows, cols: e.cols, dense: Float64Array.from(values), l2: 0.05 };
      const tag = `${sparse ? 'csr' : 'dense'}/${backend}`;
      subjects.push({ name: `logistic ${tag}`, f: logistic(X, y01, { l2: 0.05, backend }), p: { ...base, loss: 'logistic', y: y01, K: 1 } });
      subjects.push({ name: `least-squares ${tag}`, f: leastSquares(X, yReal, { l2: 0.05, backend }), p: { ...base, loss: 'least-squares', y: yReal, K: 1 } });
      subjects.push({ name: `softmax ${tag}`, f: softmax(X, yCls, { classes: 3, l2: 0.05, backend }), p: { ...base, loss: 'softmax', y: yCls, K: 3 } });
    }
  }
  const userF = objective(
    (x, g) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        g[i] = (i + 1) * x[i];
        s += 0.5 * (i + 1) * x[i] * x[i];
      }
      return s;
    },
    5,
    {
      numSamples: 4,
      hessVec: (_x, v, out) => { for (let i = 0; i < v.length; i++) out[i] = (i + 1) * v[i]; },
      hessDiag: (_x, out) => { for (let i = 0; i < out.length; i++) out[i] = i + 1; },
    },
  );
  subjects.push({ name: 'user quadratic', f: userF });

  /** Reference for the user quadratic f = ½ Σ (i+1) x_i². */
  function userRef(x: ArrayLike<number>, v?: ArrayLike<number>): { f: number; g: Float64Array; hv: Float64Array; diag: Float64Array } {
    const n = x.length;
    let f = 0;
    const g = new Float64Array(n);
    const hv = new Float64Array(n);
    const diag = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      f += 0.5 * (i + 1) * x[i] * x[i];
      g[i] = (i + 1) * x[i];
      hv[i] = v ? (i + 1) * v[i] : 0;
      diag[i] = i + 1;
    }
    return { f, g, hv, diag };
  }

  const memberArb = fc.constantFrom('value', 'gradient', 'valueAndGradient', 'hessVec', 'hessDiag', 'along', 'batch');
  const kindArb = fc.constantFrom(...VECTOR_KINDS, 'plain', 'plain', 'shared', 'offset');
  const outArb = fc.constantFrom('none', 'fresh', 'alias-x', 'overlap', 'shared', 'wrong');
  const tArb = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, NaN, Infinity, -Infinity, 1e308, '1', null, undefined));
  const rowsArb = fc.oneof(
    fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }),
    fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }).map((a) => Int32Array.from(a)),
    fc.array(fc.nat(5), { minLength: 1, maxLength: 8 }).map((a) => { const s = new Int32Array(new SharedArrayBuffer(4 * a.length)); s.set(a); return s; }),
    fc.constantFrom([], [6], [-1], [0.5], ['1'], [NaN], new Int32Array([2 ** 31 - 1]), new Float64Array([1]), null, 'rows', { 0: 1, length: 1 }),
  );

  it.each(subjects.map((s) => [s.name, s] as const))('%s: correct results or a named error', (_name, s) => {
    const { f, p } = s;
    const dim = f.dim;
    fc.assert(
      fc.property(memberArb, kindArb, kindArb, outArb, tArb, rowsArb, fc.nat(7), (member, xKind, vKind, outKind, t, rows, pad) => {
        cases++;
        const xs = Float64Array.from({ length: dim }, (_, k) => Math.sin(k * 1.3 + pad) * 1.5);
        const vs = Float64Array.from({ length: dim }, (_, k) => Math.cos(k * 0.7 - pad));
        const x = makeVector(xKind, xs, pad) as Float64Array;
        const v = makeVector(vKind, vs, pad) as Float64Array;
        let out: Float64Array | undefined;
        switch (outKind) {
          case 'none': out = undefined; break;
          case 'fresh': out = new Float64Array(dim).fill(123); break;
          // A user function sees gradOut/out as given: aliasing x is only supported by the built-in objectives.
          case 'alias-x': out = p ? x : new Float64Array(dim); break;
          case 'overlap': // shares all but one element with an offset x
            out = p && x instanceof Float64Array && x.byteOffset >= 8 ? new Float64Array(x.buffer, x.byteOffset - 8, dim) : new Float64Array(dim);
            break;
          case 'shared': out = sharedF64(new Float64Array(dim)); break;
          case 'wrong': out = new Float64Array(dim + 1); break;
        }
        const xGood = GOOD_KINDS.has(xKind);
        const vGood = GOOD_KINDS.has(vKind);
        // Built-in objectives evaluate a non-finite point to NaN (spec §0); a user function returns what it computes.
        const xNonFinite = xKind === 'nan' || xKind === 'inf';
        if (!p && xNonFinite) return;
        const names = ['x', 'v', 'd', 'out', 'gradOut', 't', 'rows'];
        const ref = p ? (() => { const r = refValueGrad(p, xs); const h = refHessian(p, xs, vs); return { f: r.f, g: r.g, hv: h.hv, diag: h.diag }; })() : userRef(xs, vs);
        switch (member) {
          case 'value': {
            const r = outcome(() => f.value(x), names, 'value');
            if (xGood) expect(r.ok && close(r.value, ref.f), `value ${xKind}`).toBe(true);
            else if (xNonFinite && r.ok) expect(r.value).toBeNaN();
            else if (!xNonFinite) expect(r.ok, `value accepted x kind ${xKind}`).toBe(false);
            break;
          }
          case 'gradient':
          case 'valueAndGradient': {
            const outOk = outKind !== 'wrong' && (member === 'gradient' || outKind !== 'none');
            const r = outcome(() => {
              if (member === 'gradient') return { fv: NaN, g: f.gradient(x, out) };
              const g = out as Float64Array;
              const fv = f.valueAndGradient(x, g);
              return { fv, g };
            }, names, member);
            if (xGood && outOk) {
              expect(r.ok, `${member} rejected good args`).toBe(true);
              if (r.ok) {
                if (out !== undefined) expect(r.value.g).toBe(out);
                expectClose(r.value.g, ref.g, `${member} ${xKind}/${outKind}`);
                if (member === 'valueAndGradient') expect(close(r.value.fv, ref.f)).toBe(true);
              }
            } else if (r.ok) {
              expect(xNonFinite, `${member} accepted x kind ${xKind}, out ${outKind}`).toBe(true);
              expect(Array.from(r.value.g).every(Number.isNaN)).toBe(true);
            }
            break;
          }
          case 'hessVec': {
            if (!f.hessVec) break;
            const outOk = outKind !== 'wrong';
            const r = outcome(() => f.hessVec!(x, v, out), names, 'hessVec');
            if (xGood && vGood && outOk) {
              expect(r.ok, 'hessVec rejected good args').toBe(true);
              if (r.ok) expectClose(r.value, ref.hv, `hessVec ${xKind}/${vKind}/${outKind}`);
            } else if (r.ok) {
              expect(xNonFinite || vKind === 'nan' || vKind === 'inf', `hessVec accepted ${xKind}/${vKind}/${outKind}`).toBe(true);
            }
            break;
          }
          case 'hessDiag': {
            if (!f.hessDiag) break;
            const r = outcome(() => f.hessDiag!(x, out), names, 'hessDiag');
            if (xGood && outKind !== 'wrong') {
              expect(r.ok, 'hessDiag rejected good args').toBe(true);
              if (r.ok) expectClose(r.value, ref.diag, `hessDiag ${xKind}/${outKind}`);
            } else if (r.ok) expect(xNonFinite, `hessDiag accepted ${xKind}/${outKind}`).toBe(true);
            break;
          }
          case 'along': {
            const line = outcome(() => f.along(x, v), names, 'along');
            if (!line.ok) {
              expect(xGood && vGood, 'along rejected good args').toBe(false);
              break;
            }
            const val = outcome(() => line.value.value(t as number), names, 'along().value');
            const vas = outcome(() => line.value.valueAndSlope(t as number), names, 'along().valueAndSlope');
            if (typeof t !== 'number') {
              expect(val.ok || vas.ok, 'a non-number t was accepted').toBe(false);
              break;
            }
            if (xGood && vGood && Number.isFinite(t) && Math.abs(t) <= 3) {
              const pt = Float64Array.from(xs, (xj, j) => xj + t * vs[j]);
              const r = p ? refValueGrad(p, pt) : userRef(pt);
              let slope = 0;
              for (let j = 0; j < dim; j++) slope += r.g[j] * vs[j];
              expect(val.ok && close(val.value, r.f), 'along value').toBe(true);
              expect(vas.ok && close(vas.value.value, r.f) && close(vas.value.slope, slope, 1e-8), 'along slope').toBe(true);
            } else if (p && val.ok && !Number.isFinite(t)) {
              expect(val.value).toBeNaN(); // built-ins: a non-finite step evaluates to NaN (spec §0)
            }
            break;
          }
          case 'batch': {
            if (!f.batch) break;
            const nRows = f.numSamples ?? 0;
            const valid = (Array.isArray(rows) || rows instanceof Int32Array) && rows.length > 0 &&
              Array.from(rows as ArrayLike<unknown>).every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0 && r < nRows);
            const snapshot = valid ? Array.from(rows as ArrayLike<number>) : [];
            const b = outcome(() => f.batch!(rows as Int32Array), ['rows'], 'batch');
            expect(b.ok, `batch(${String(rows)})`).toBe(valid);
            if (b.ok && xGood) {
              expect(b.value.numSamples).toBe(snapshot.length);
              const got = b.value.value(x);
              expect(close(got, p ? refValueGrad(p, xs, snapshot).f : userRef(xs).f), 'batch value').toBe(true);
              // Changing the caller's row list afterwards does not change the view (it copied the rows).
              (rows as number[])[0] = (snapshot[0] + 1) % nRows;
              expect(b.value.value(x)).toBe(got);
            }
            break;
          }
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('setThreads', () => {
  it('accepts integers in [0, 1024] and rejects everything else naming n', () => {
    try {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: -3, max: 1100 }), fc.constantFrom(0.5, NaN, Infinity, -0, 2 ** 53, '2', null, undefined, [2])), (n) => {
          cases++;
          const r = outcome(() => setThreads(n as number), ['n'], 'setThreads');
          expect(r.ok).toBe(typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1024);
          expect(getThreads()).toBeGreaterThanOrEqual(1);
        }),
        { numRuns: RUNS },
      );
    } finally {
      setThreads(0);
    }
  });
});
