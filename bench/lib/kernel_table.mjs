// Table 1: the kernels under the optimizers — value+gradient, Hessian-vector product, one `along` line-search
// trial — for dense and CSR logistic regression at several sizes: native (1 and 2 threads, setThreads) vs the
// TypeScript backend vs a plain Float64Array loop written here (bench/lib/plain_loops.mjs), and as a % of the
// memory-bandwidth floor.
//
// The floor: the addon's bench export `streamRead(a)` (Σ a[i], one streaming read with getThreads() threads) over
// an array of as many bytes as the kernel must read at least once: X.data for dense value+gradient and
// Hessian-vector products (one pass each); values + indices + indptr for CSR; 3 n-vectors (the cached margins
// X·x, X·d and the labels) for a line-search trial. "% of floor" = floor time / kernel time, both measured in the
// same interleaved run at the same thread count. Small sizes fit in cache, so their "floor" is cache bandwidth.
//
// Protocol: every value+gradient is at a point different from the previous call (two points alternate), so no
// cached margins are reused; Hessian-vector products are at the last evaluated point (Newton-CG's inner loop,
// Hessian weights reused — the plain loop gets its weights precomputed the same way); line trials use one line
// (X·d computed once) and a different t per call.
import { addon, lib, ms, quick, round, sizeLabel, times } from './common.mjs';
import { compareInterleaved, kernelTimer, summarize } from './measure.mjs';
import { csrLogistic, denseLogistic } from './data.mjs';
import * as plain from './plain_loops.mjs';

/** Problem sizes (n rows, d features before the bias column; CSR: ~nnzPerRow stored entries per row). */
export function kernelSizes() {
  return quick
    ? [
      { kind: 'dense', n: 1000, d: 10 },
      { kind: 'dense', n: 20000, d: 100 },
      { kind: 'csr', n: 20000, d: 5000, nnzPerRow: 20 },
    ]
    : [
      { kind: 'dense', n: 1000, d: 10 },
      { kind: 'dense', n: 10000, d: 100 },
      { kind: 'dense', n: 200000, d: 200 },
      { kind: 'csr', n: 10000, d: 1000, nnzPerRow: 10 },
      { kind: 'csr', n: 200000, d: 50000, nnzPerRow: 50 },
    ];
}

function randomVector(dim, seed, scale) {
  let s = seed >>> 0;
  const v = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[j] = scale * (s / 2 ** 31 - 1);
  }
  return v;
}

function fill(n) {
  const a = new Float64Array(Math.max(1, Math.ceil(n)));
  for (let i = 0; i < a.length; i++) a[i] = i & 7;
  return a;
}

/** The bytes a kernel must read once (see the file comment). */
function matrixBytes(X) {
  return X.kind === 'dense' ? X.data.byteLength : X.values.byteLength + X.indices.byteLength + X.indptr.byteLength;
}

/**
 * Measures one problem. Returns { label, kind, n, d, nnz, bytes, ops: { vg, hv, along }: each
 * { native1, native2, ts, plain, floor1, floor2 } as { medianMs, minMs, maxMs } }.
 */
export function measureKernelProblem(size, { rounds, roundMs }) {
  const p = size.kind === 'dense' ? denseLogistic({ n: size.n, d: size.d, seed: 11 }) : csrLogistic({ n: size.n, d: size.d, nnzPerRow: size.nnzPerRow, seed: 12 });
  const { X, y, l2 } = p;
  const dim = X.cols;
  const fN = lib.logistic(X, y, { l2, backend: 'native' });
  const fT = lib.logistic(X, y, { l2, backend: 'js' });
  const x1 = randomVector(dim, 1, 0.01);
  const x2 = randomVector(dim, 2, 0.01);
  const v = randomVector(dim, 3, 1);
  const g = new Float64Array(dim);
  const out = new Float64Array(dim);
  let k = 0;
  const at = () => ((k++ & 1) ? x2 : x1);

  // The plain loop's line: margins at x1 and along v, computed once (as along() does).
  const zx = plain.matVec(X, x1, new Float64Array(X.rows));
  const zd = plain.matVec(X, v, new Float64Array(X.rows));
  let xx = 0, xd = 0, dd = 0;
  for (let j = 0; j < dim; j++) {
    xx += x1[j] * x1[j];
    xd += x1[j] * v[j];
    dd += v[j] * v[j];
  }
  const D = plain.hessianWeights(X, x1);
  const lineN = fN.along(x1, v);
  const lineT = fT.along(x1, v);
  let t = 0;
  const nextT = () => (t = t >= 1 ? 0.01 : t + 0.01);

  const bytes = matrixBytes(X);
  const floorMatrix = X.kind === 'dense' ? X.data : fill(bytes / 8);
  const floorLine = fill(3 * X.rows);
  const threads = (n) => () => addon.setThreads(n);
  const contenders = [];
  for (const nt of [1, 2]) {
    contenders.push(
      { key: `vg.floor${nt}`, fn: () => addon.streamRead(floorMatrix), beforeAll: threads(nt) },
      { key: `vg.native${nt}`, fn: () => fN.valueAndGradient(at(), g), beforeAll: threads(nt) },
      { key: `hv.floor${nt}`, fn: () => addon.streamRead(floorMatrix), beforeAll: threads(nt) },
      // Weights at x1 come from the evaluation in beforeAll; every product then reuses them.
      { key: `hv.native${nt}`, fn: () => fN.hessVec(x1, v, out), beforeAll: () => { addon.setThreads(nt); fN.valueAndGradient(x1, g); } },
      { key: `along.floor${nt}`, fn: () => addon.streamRead(floorLine), beforeAll: threads(nt) },
      { key: `along.native${nt}`, fn: () => lineN.value(nextT()), beforeAll: threads(nt) },
    );
  }
  contenders.push(
    { key: 'vg.ts', fn: () => fT.valueAndGradient(at(), g) },
    { key: 'vg.plain', fn: () => plain.valueAndGradient(X, y, l2, at(), g) },
    { key: 'hv.ts', fn: () => fT.hessVec(x1, v, out), beforeAll: () => fT.valueAndGradient(x1, g) },
    { key: 'hv.plain', fn: () => plain.hessVec(X, D, l2, v, out) },
    { key: 'along.ts', fn: () => lineT.value(nextT()) },
    { key: 'along.plain', fn: () => plain.lineSearchTrial(zx, zd, y, l2, xx, xd, dd, nextT()) },
  );
  const res = compareInterleaved(contenders, { rounds, roundMs });
  if (X.kind === 'csr') {
    // The two-pass alternative to the fused pass (X·w, then Xᵀr; same threading, accumulators and loss kernel),
    // right after the rounds above: 9 repeats timed inside C++ (argument validation excluded, an advantage to it).
    for (const nt of [1, 2]) {
      addon.setThreads(nt);
      res.set(`vg.twoPass${nt}`, summarize(Array.from(addon._benchTwoPassLogistic(X, y, l2, x1, g, 9))));
    }
  }
  addon.setThreads(0);
  const ops = {};
  for (const op of ['vg', 'hv', 'along']) {
    ops[op] = {};
    for (const c of ['native1', 'native2', 'ts', 'plain', 'floor1', 'floor2', 'twoPass1', 'twoPass2']) {
      if (res.has(`${op}.${c}`)) ops[op][c] = res.get(`${op}.${c}`);
    }
  }
  const label = size.kind === 'dense'
    ? `dense ${sizeLabel(size.n)}×${sizeLabel(size.d)}`
    : `CSR ${sizeLabel(size.n)}×${sizeLabel(size.d)}, ${size.nnzPerRow}/row`;
  return { label, ...size, cols: dim, nnz: X.kind === 'csr' ? X.values.length : size.n * dim, bytes, ops };
}

const OP_NAMES = { vg: 'value+gradient', hv: 'Hessian·v', along: 'along trial' };

/** Runs every size; returns { rows, markdown, json, goal }. */
export function runKernelTable(log) {
  const opts = quick ? { rounds: 3, roundMs: 15 } : { rounds: 5, roundMs: 60 };
  const rows = [];
  for (const size of kernelSizes()) {
    log(`kernels: ${size.kind} n=${size.n} d=${size.d}`);
    rows.push(measureKernelProblem(size, opts));
  }
  const md = [];
  md.push(`Median time per call (min–max over ${opts.rounds} interleaved rounds, timed by ${kernelTimer}); ` +
    '"× TS" and "× loop" = TS or plain-loop median / native median at 2 threads; "% floor" = streamRead time of the ' +
    'bytes the kernel must read / kernel time, same thread count, same run.');
  md.push('');
  md.push('| problem | kernel | native 1 thr | native 2 thr | TS backend | plain loop | × TS | × loop | % floor 1 thr | % floor 2 thr |');
  md.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const fmt = (s) => (s ? `${ms(s.medianMs)} (${ms(s.minMs)}–${ms(s.maxMs)})` : '—');
  const pct = (floor, k) => (floor && k ? `${Math.round((100 * floor.medianMs) / k.medianMs)} %` : '—');
  for (const r of rows) {
    for (const op of ['vg', 'hv', 'along']) {
      const o = r.ops[op];
      md.push(`| ${r.label} | ${OP_NAMES[op]} | ${fmt(o.native1)} | ${fmt(o.native2)} | ${fmt(o.ts)} | ${fmt(o.plain)} | ` +
        `${times(o.ts.medianMs / o.native2.medianMs)} | ${times(o.plain.medianMs / o.native2.medianMs)} | ` +
        `${pct(o.floor1, o.native1)} | ${pct(o.floor2, o.native2)} |`);
    }
  }
  md.push('');
  md.push('All times in ms. The TS backend and the plain loop are single-threaded. Floor for `along` = reading 3 n-vectors.');
  for (const r of rows.filter((x) => x.ops.vg.twoPass1)) {
    md.push(`${r.label}, value+gradient by two passes (X·w, then Xᵀr; timed in C++): ${fmt(r.ops.vg.twoPass1)} at 1 thread, ` +
      `${fmt(r.ops.vg.twoPass2)} at 2 threads; the fused pass is ${times(r.ops.vg.twoPass1.medianMs / r.ops.vg.native1.medianMs)} / ` +
      `${times(r.ops.vg.twoPass2.medianMs / r.ops.vg.native2.medianMs)} faster.`);
  }
  const dense = largest(rows, 'dense');
  const csr = largest(rows, 'csr');
  const json = rows.map((r) => ({
    label: r.label, kind: r.kind, n: r.n, d: r.d, cols: r.cols, nnz: r.nnz, bytes: r.bytes,
    ops: Object.fromEntries(Object.entries(r.ops).map(([op, o]) => [op, Object.fromEntries(Object.entries(o).map(([c, s]) => [c, s && {
      medianMs: round(s.medianMs), minMs: round(s.minMs), maxMs: round(s.maxMs), samples: s.samples,
    }]))])),
  }));
  return { rows, markdown: md.join('\n'), json, timer: kernelTimer, goals: kernelGoals(dense, csr) };
}

function largest(rows, kind) {
  return rows.filter((r) => r.kind === kind).sort((a, b) => b.bytes - a.bytes)[0];
}

/**
 * The kernel goals of the foundation issue, on the largest dense and CSR problems (medians of the interleaved
 * rounds above; "full evaluation" = value+gradient at a new point; Hessian products with the weights of the
 * last evaluation reused, as in Newton-CG's inner loop).
 */
function kernelGoals(dense, csr) {
  const goals = [];
  const med = (r, op, c) => r.ops[op][c].medianMs;
  const threadsLabel = (nt) => `${nt} thread${nt > 1 ? 's' : ''}`;
  const add = (name, r, value, pass, detail) => goals.push({ name, problem: r.label, value, pass, sizeConditionMet: r.bytes >= 64e6, detail });
  const pctFloor = (100 * med(dense, 'vg', 'floor2')) / med(dense, 'vg', 'native2');
  add('dense value+gradient ≥ 75 % of the memory-bandwidth floor with 2 threads', dense, pctFloor, pctFloor >= 75,
    `${dense.label} (${(dense.bytes / 1e6).toFixed(0)} MB): ${pctFloor.toFixed(0)} % (streamRead ${ms(med(dense, 'vg', 'floor2'))} ms, value+gradient ${ms(med(dense, 'vg', 'native2'))} ms)`);
  const overTs = (r, nt, min, label) => {
    const ratio = med(r, 'vg', 'ts') / med(r, 'vg', `native${nt}`);
    add(`${label} value+gradient: native (${threadsLabel(nt)}) ≥ ${min}× the TS backend`, r, ratio, ratio >= min,
      `TS ${ms(med(r, 'vg', 'ts'))} ms vs native ${ms(med(r, 'vg', `native${nt}`))} ms: ${times(ratio)}`);
  };
  overTs(dense, 1, 5, 'dense');
  overTs(dense, 2, 8, 'dense');
  if (csr) {
    overTs(csr, 1, 5, 'CSR');
    overTs(csr, 2, 5, 'CSR');
    for (const nt of [1, 2]) {
      const ratio = med(csr, 'vg', `twoPass${nt}`) / med(csr, 'vg', `native${nt}`);
      add(`CSR value+gradient: the fused pass faster than two passes (${threadsLabel(nt)})`, csr, ratio, ratio > 1,
        `two-pass ${ms(med(csr, 'vg', `twoPass${nt}`))} ms vs fused ${ms(med(csr, 'vg', `native${nt}`))} ms: ${times(ratio)}`);
    }
  }
  for (const r of [dense, csr].filter(Boolean)) {
    for (const nt of [1, 2]) {
      const vg = med(r, 'vg', `native${nt}`);
      const hv = med(r, 'hv', `native${nt}`) / vg;
      add(`Hessian·v ≤ 1.3× value+gradient (${threadsLabel(nt)})`, r, hv, hv <= 1.3,
        `Hessian·v ${ms(med(r, 'hv', `native${nt}`))} ms vs value+gradient ${ms(vg)} ms: ${hv.toFixed(2)}`);
      const along = vg / med(r, 'along', `native${nt}`);
      add(`one along trial ≥ 50× cheaper than a full evaluation (${threadsLabel(nt)})`, r, along, along >= 50,
        `trial ${ms(med(r, 'along', `native${nt}`))} ms vs value+gradient ${ms(vg)} ms: ${times(along)}`);
    }
  }
  return goals;
}
