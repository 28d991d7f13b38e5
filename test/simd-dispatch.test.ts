/**
 * The vectorized logistic kernels (native/core/logistic_kernel.cpp) and the dense and CSR row kernels
 * (native/core/dense_kernels.cpp, sparse_kernels.cpp) exist as an AVX-512, an AVX2 and an SSE2 build, picked at run time
 * (native/core/simd_level.cpp); all must give the same bits. Each build runs in a child process (the build is
 * chosen once per process; STEPSEARCH_SIMD caps it) on margins of every kind, and the children's outputs —
 * value, gradient, Hessian products at a new point (weights from the vectorized pass), line trials from t = 0
 * to 1e10, full, on a batch with an odd row count and row by row (one-row batches) — are compared bit for bit. On a CPU without AVX-512
 * (or AVX2) the capped levels coincide and the test says so instead of comparing a build with itself.
 */
import { describe, expect, it } from 'vitest';
import { simdLevel } from '../lib';
import { describeChild, requireFreshDist, runNode } from './helpers/child';

const SCRIPT = `
const path = require('path');
const { loadNative } = require(path.join(ROOT, 'dist', 'native.js'));
const addon = loadNative();
addon.setThreads(1);
let a = 12345;
const rand = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const N = 2003, D = 3;  // not a multiple of any vector width or chunk
const data = new Float64Array(N * D), y = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const kind = i % 6;
  data[i * D] = kind === 0 ? (2 * rand() - 1) * 800 : kind === 1 ? (rand() < 0.5 ? -1 : 1) * (700 + 50 * rand())
    : kind === 2 ? 0 : kind === 3 ? (rand() - 0.5) * 1e-8 : (2 * rand() - 1) * 30;
  data[i * D + 1] = (2 * rand() - 1) * 3;
  data[i * D + 2] = 1;
  y[i] = rand() < 0.5 ? 0 : 1;
}
const X = { kind: 'dense', data, rows: N, cols: D };
const f = new addon.LinearObjective('logistic', X, y, 1e-3, 0);
const rows = Int32Array.from({ length: 1001 }, () => Math.floor(rand() * N));
const b = f.batch(rows);
const bits = [];
const put = (v) => { for (const x of (typeof v === 'number' ? [v] : v)) bits.push(Buffer.from(new Float64Array([x]).buffer).toString('hex')); };
const x = new Float64Array([1, 0.5, -0.25]), d = new Float64Array([0.1, -2, 1]), v = new Float64Array([0.3, -1, 2]);
const g = new Float64Array(D), hv = new Float64Array(D), out = new Float64Array(1);
for (const obj of [f, b]) {
  put(obj.value(x));
  put(obj.valueAndGradient(new Float64Array([1.5, 0.5, -0.25]), g)); put(g);
  obj.hessVec(new Float64Array([0.5, 0.5, -0.25]), v, hv); put(hv);
  const line = obj.along(x, d);
  for (const t of [0, 5e-324, 1e-9, 0.37, -1.25, 6, -40, 1e10, -1e10]) { put(line.value(t)); put(line.valueAndSlope(t, out)); put(out[0]); }
}
// Row by row (one-row batches, l2 = 0): a mean over many rows hides a one-ulp difference in one row's term.
const f0 = new addon.LinearObjective('logistic', X, y, 0, 0);
for (let i = 0; i < 600; i++) {
  const one = f0.batch(Int32Array.of(i));
  put(one.valueAndGradient(x, g)); put(g);
  one.hessVec(new Float64Array([0.5, 0.5, -0.25]), v, hv); put(hv);
  const line = one.along(x, d);
  put(line.value(0.37)); put(line.valueAndSlope(-1.25, out)); put(out[0]);
}
// The dense row kernels (native/core/dense_kernels.cpp: 8-double vectors in the AVX-512 build, 2-double ones
// otherwise): rows of 203 entries go row by row (dot, axpy), rows of 37 in chunks (dot2, axpy4); both widths
// leave a tail. Value, gradient, Hessian product and a line (its reset takes X·x and X·d with dot2).
for (const [rowsN, cols] of [[301, 203], [517, 37]]) {
  const dd = Float64Array.from({ length: rowsN * cols }, () => (2 * rand() - 1) * (rand() < 0.05 ? 40 : 1));
  const yy = Float64Array.from({ length: rowsN }, () => (rand() < 0.5 ? 0 : 1));
  const fd = new addon.LinearObjective('logistic', { kind: 'dense', data: dd, rows: rowsN, cols }, yy, 1e-3, 0);
  const xd = Float64Array.from({ length: cols }, () => 0.3 * (2 * rand() - 1));
  const dir = Float64Array.from({ length: cols }, () => 2 * rand() - 1);
  const gd = new Float64Array(cols), hd = new Float64Array(cols);
  put(fd.valueAndGradient(xd, gd)); put(gd);
  fd.hessVec(dir, xd, hd); put(hd);
  const ld = fd.along(xd, dir);
  put(ld.value(0.5)); put(ld.valueAndSlope(-2, out)); put(out[0]);
}
// The CSR row kernels (native/core/sparse_kernels.cpp: gathers and scatters in the AVX-512 build, scalar lanes
// otherwise): rows of 0 to 41 entries (every tail length, rows shorter than one vector) and, at 300 columns,
// rows of 130+ entries that take the long-row path. Value, gradient, Hessian product, a line (dot2).
for (const [rowsN, cols, maxLen] of [[611, 50, 41], [97, 300, 170]]) {
  const indptr = new Int32Array(rowsN + 1), idx = [], vals = [];
  for (let i = 0; i < rowsN; i++) {
    const len = maxLen > 100 ? 130 + (i % 40) : i % (maxLen + 1);
    const cs = new Set();
    while (cs.size < len) cs.add(Math.floor(rand() * cols));
    for (const c of [...cs].sort((p, q) => p - q)) { idx.push(c); vals.push((2 * rand() - 1) * (rand() < 0.05 ? 40 : 1)); }
    indptr[i + 1] = idx.length;
  }
  const Xs = { kind: 'csr', rows: rowsN, cols, indptr, indices: Int32Array.from(idx), values: Float64Array.from(vals) };
  const yy = Float64Array.from({ length: rowsN }, () => (rand() < 0.5 ? 0 : 1));
  const fs = new addon.LinearObjective('logistic', Xs, yy, 1e-3, 0);
  const xs = Float64Array.from({ length: cols }, () => 0.3 * (2 * rand() - 1));
  const dir = Float64Array.from({ length: cols }, () => 2 * rand() - 1);
  const gs = new Float64Array(cols), hs = new Float64Array(cols);
  put(fs.value(dir));
  put(fs.valueAndGradient(xs, gs)); put(gs);
  fs.hessVec(dir, xs, hs); put(hs);
  const ls = fs.along(xs, dir);
  put(ls.value(0.5)); put(ls.valueAndSlope(-2, out)); put(out[0]);
}
console.log(JSON.stringify({ level: addon.simdLevel(), bits }));
`;

interface Output {
  level: string;
  bits: string[];
}

function run(cap: string | undefined): Output {
  const env: Record<string, string> = cap ? { STEPSEARCH_SIMD: cap } : {};
  const r = runNode(SCRIPT, { env, timeoutMs: 60_000 });
  expect(r.status, describeChild(r)).toBe(0);
  return r.json as Output;
}

describe('SIMD builds of the logistic and dense kernels', () => {
  it('AVX-512, AVX2 and SSE2 builds give the same bits', () => {
    requireFreshDist();
    const widest = run(undefined);
    const avx2 = run('avx2');
    const sse2 = run('sse2');
    expect(sse2.level).toBe('sse2');
    expect(['avx2', 'sse2']).toContain(avx2.level);
    expect(['avx512', 'avx2', 'sse2']).toContain(widest.level);
    console.log(`simd-dispatch: compared ${widest.level}, ${avx2.level}, ${sse2.level} (${sse2.bits.length} values each)`);
    expect(widest.bits.length).toBeGreaterThan(50);
    expect(avx2.bits).toEqual(sse2.bits);
    expect(widest.bits).toEqual(sse2.bits);
  });

  it('simdLevel() names the build this process runs (no cap set here: the widest, as in the uncapped child)', () => {
    const level = simdLevel();
    expect(['avx512', 'avx2', 'sse2']).toContain(level);
    if (!process.env.STEPSEARCH_SIMD) expect(level).toBe(run(undefined).level);
  });
});
