/**
 * Crash-prone fuzzing, each batch in a child process (a segfault, an abort or a hang fails the test with the
 * last case run instead of killing the test worker):
 *
 * 1. The N-API boundary itself: the raw addon (LinearObjective, Line, minimize, startMinimize,
 *    minimizeStochastic, startMinimizeStochastic, setThreads, streamRead) called with random arguments,
 *    bypassing every TypeScript check. Each call must return or throw a JS error with a message; an internal
 *    C++ error text (std::..., vector, basic_string) leaking out counts as a failure.
 * 2. Buffers changed under a native objective after construction (the buffer-mutation contract, SECURITY.md):
 *    CSR indices/indptr overwritten with out-of-range values (results must not change: the native side owns
 *    a validated copy of the structure), values/data/labels overwritten, buffers detached (structuredClone
 *    transfer) and then garbage-collected, resizable buffers shrunk, SharedArrayBuffer-backed data, all
 *    between calls, inside a minimize callback, and (structure only) during async runs. After a detach or a
 *    shrink every use must throw a TypeError naming X or y, never read freed memory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeChild, requireFreshDist, runNode } from './helpers/child';

const RUNS = Number(process.env.STEPSEARCH_FUZZ_RUNS ?? 150);

/** Shared prelude of the child scripts: fast-check, the package, the addon, a "last case" file. */
const PRELUDE = String.raw`
const path = require('path');
const fs = require('fs');
const fc = require(path.join(ROOT, 'node_modules', 'fast-check'));
const lib = require(DIST);
const addon = require(path.join(ROOT, 'dist', 'native.js')).loadNative();
const { findMethod } = require(path.join(ROOT, 'dist', 'optimizers', 'registry.js'));
const { findStochasticMethod } = require(path.join(ROOT, 'dist', 'stochastic', 'methods.js'));
const { STATUSES } = require(path.join(ROOT, 'dist', 'result.js'));
const RUNS = Number(process.argv[2]);
const SEED = Number(process.argv[3]);
const LAST = process.argv[4];
const failures = [];
let cases = 0;
// Records the case about to run, so that a crash can be reported with its input.
function mark(what, value) {
  let text;
  try { text = fc.stringify(value); } catch {
    text = JSON.stringify(value, (k, v) => (ArrayBuffer.isView(v) ? v.constructor.name + '(length ' + v.length + ')' : typeof v === 'bigint' ? String(v) : v));
  }
  fs.writeFileSync(LAST, what + '\n' + String(text).slice(0, 4000));
}
const INTERNAL = /std::|vector|basic_string|_M_|bad_alloc|bad_array|max_size/;
// A thrown value must be a TypeError or RangeError with a message, no C++ internals leaking out (callers'
// own errors, passed through unchanged, are exempted by the caller of this check).
function checkThrown(e, what) {
  if (!(e instanceof TypeError || e instanceof RangeError) || typeof e.message !== 'string' || e.message.length === 0) {
    failures.push(what + ': threw ' + (e && e.constructor && e.constructor.name) + ' ' + String(e && e.message));
  } else if (INTERNAL.test(e.message)) failures.push(what + ': internal error text leaked: ' + e.message);
}
const OWN = new Set(); // errors thrown by the test's own callbacks: they must come back unchanged
function attempt(what, fn) {
  try { return { ok: true, value: fn() }; } catch (e) { if (!OWN.has(e)) checkThrown(e, what); return { ok: false, error: e }; }
}
// Detaches an ArrayBuffer as postMessage/structuredClone with transfer do; a SharedArrayBuffer cannot be.
function detach(buffer) {
  if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return false;
  structuredClone(buffer, { transfer: [buffer] });
  return true;
}
function sharedF64(values) { const a = new Float64Array(new SharedArrayBuffer(8 * values.length)); a.set(values); return a; }
function sharedI32(values) { const a = new Int32Array(new SharedArrayBuffer(4 * values.length)); a.set(values); return a; }
`;

// ---------------------------------------------------------------------------------------------------------
// 1. The raw addon with random arguments.

const RAW_CHILD = PRELUDE + String.raw`
const METHODS = lib.methodNames();
const SMETHODS = lib.stochasticMethodNames();

// A value from a pool of troublemakers, or a typed array of a chosen element type and length.
const numberArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, -1, 0.5, NaN, Infinity, -Infinity, -0, 1e300, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, -(2 ** 31)),
  fc.integer({ min: -10, max: 40 }),
  fc.double(),
);
const f64Arb = (len) => fc.oneof(
  { weight: 4, arbitrary: fc.float64Array({ minLength: len, maxLength: len, noNaN: true, noDefaultInfinity: true, min: -5, max: 5 }) },
  { weight: 1, arbitrary: fc.float64Array({ maxLength: len + 2 }) },
  { weight: 1, arbitrary: fc.constant(len).map((n) => { const a = new Float64Array(n); detach(a.buffer); return a; }) },
  { weight: 1, arbitrary: fc.float64Array({ minLength: len, maxLength: len, noNaN: true }).map((a) => sharedF64(a)) },
  { weight: 1, arbitrary: fc.constant(len).map((n) => new Float64Array(new ArrayBuffer(8 * (n + 2)), 8, n).fill(0.25)) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 1, 'x', {}, [1, 2], new Float32Array(len), new Int32Array(len), new Uint8Array(8 * len)) },
);
const junkArb = fc.constantFrom(undefined, null, 0, 'x', {}, [], () => 1, Symbol('s'), 10n, new Float64Array(2));

// Matrices: valid dense/CSR, then one corruption (or none).
const matrixArb = fc.record({
  rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 5 }), csr: fc.boolean(),
  fill: fc.float64Array({ minLength: 30, maxLength: 30, noNaN: true, noDefaultInfinity: true, min: -3, max: 3 }),
  corrupt: fc.constantFrom('none', 'none', 'none', 'kind', 'rows', 'cols', 'data-type', 'data-len', 'nan', 'detach', 'shared',
    'indptr-len', 'indptr-first', 'indptr-last', 'indptr-neg', 'indptr-huge', 'indptr-dec', 'idx-oob', 'idx-neg', 'idx-dup', 'idx-detach', 'values-len', 'junk'),
  at: fc.nat(50), val: numberArb,
}).map(({ rows, cols, csr, fill, corrupt, at, val }) => {
  const dense = Float64Array.from({ length: rows * cols }, (_, k) => ((k * 5) % 3 === 0 ? 0 : fill[k % 30]));
  let m;
  if (!csr) m = { kind: 'dense', data: dense, rows, cols };
  else {
    const indptr = new Int32Array(rows + 1); const idx = []; const vals = [];
    for (let i = 0; i < rows; i++) { for (let j = 0; j < cols; j++) if (dense[i * cols + j] !== 0) { idx.push(j); vals.push(dense[i * cols + j]); } indptr[i + 1] = idx.length; }
    m = { kind: 'csr', rows, cols, indptr, indices: Int32Array.from(idx), values: Float64Array.from(vals) };
  }
  const nnz = csr ? m.indices.length : 0;
  switch (corrupt) {
    case 'kind': m.kind = ['sparse', 1, undefined][at % 3]; break;
    case 'rows': m.rows = val; break;
    case 'cols': m.cols = val; break;
    case 'data-type': if (!csr) m.data = Array.from(m.data); else m.values = new Float32Array(m.values); break;
    case 'data-len': if (!csr) m.data = m.data.subarray(1); else m.values = m.values.subarray(1); break;
    case 'nan': if (!csr) m.data[at % m.data.length] = NaN; else if (nnz) m.values[at % nnz] = -Infinity; break;
    case 'detach': detach(csr ? m.values.buffer : m.data.buffer); break;
    case 'shared': if (!csr) m.data = sharedF64(m.data); else { m.values = sharedF64(m.values); m.indices = sharedI32(m.indices); m.indptr = sharedI32(m.indptr); } break;
    case 'indptr-len': if (csr) m.indptr = m.indptr.subarray(0, rows); break;
    case 'indptr-first': if (csr) m.indptr[0] = 1; break;
    case 'indptr-last': if (csr) m.indptr[rows] = nnz + 1 + (at % 1000000); break;
    case 'indptr-neg': if (csr) m.indptr[at % (rows + 1)] = -1 - at; break;
    case 'indptr-huge': if (csr) m.indptr[1 + (at % rows)] = 2 ** 31 - 1; break;
    case 'indptr-dec': if (csr && rows > 1) { m.indptr[1] = nnz; } break;
    case 'idx-oob': if (csr && nnz) m.indices[at % nnz] = cols + at; break;
    case 'idx-neg': if (csr && nnz) m.indices[at % nnz] = -1 - at * 1000; break;
    case 'idx-dup': if (csr && nnz > 1) m.indices[1] = m.indices[0]; break;
    case 'idx-detach': if (csr) detach(m.indices.buffer); break;
    case 'values-len': if (csr) m.values = new Float64Array(nnz + 1); break;
    case 'junk': m = [null, 'matrix', 5, [], { kind: 'csr' }][at % 5]; break;
  }
  return m;
});

function labelsFor(m, loss, kind, classes) {
  const n = m && typeof m.rows === 'number' && m.rows >= 0 && m.rows < 100 ? m.rows : 3;
  switch (kind) {
    case 'good': return Float64Array.from({ length: n }, (_, i) => (loss === 'softmax' ? i % Math.max(2, Math.min(classes | 0, 4)) : i % 2));
    case 'short': return new Float64Array(Math.max(0, n - 1));
    case 'bad': return Float64Array.from({ length: n }, (_, i) => (i === 0 ? 2.5 : -1));
    case 'nan': return Float64Array.from({ length: n }, () => NaN);
    case 'detached': { const a = new Float64Array(n); detach(a.buffer); return a; }
    default: return kind === 'array' ? Array.from({ length: n }, () => 0) : undefined;
  }
}

// Per-method settings: the TypeScript-resolved ones, then up to two values replaced by anything.
function settingsArb(method, dim) {
  let base = {};
  try { base = findMethod(method).resolve({}, dim); } catch { /* unknown method name */ }
  const keys = [...Object.keys(base), 'memory', 'window', 'refine', 'preconditioner', 'maxCgIterations', 'maxDim', 'batchesPerEpoch', 'learningRate', 'c', 'beta1', 'precond', 'variant', 'unknownKey'];
  return fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(numberArb, f64Arb(dim), fc.constantFrom('exact', 'diagonal', 'none', 'nope', true, false, null, {}, [1, 2]))), { maxLength: 2 })
    .map((changes) => { const s = { ...base }; for (const [k, v] of changes) s[k] = v; return s; });
}

function stopper(limit) { let n = 0; return () => (++n >= limit ? 'stop' : undefined); }

async function main() {
  // (a) construction + members.
  fc.assert(fc.property(
    fc.constantFrom('logistic', 'least-squares', 'softmax', 'hinge', 3, undefined), matrixArb,
    fc.constantFrom('good', 'good', 'good', 'short', 'bad', 'nan', 'detached', 'array', 'junk'), numberArb, numberArb,
    fc.array(fc.record({ member: fc.constantFrom('value', 'valueAndGradient', 'gradient', 'hessVec', 'hessDiag', 'along', 'batch', 'dim', 'numSamples', 'missing'), a: fc.nat(), t: numberArb, rows: fc.array(fc.integer({ min: -3, max: 9 }), { maxLength: 5 }) }), { maxLength: 6 }),
    (loss, m, labelKind, l2, classes, calls) => {
      cases++;
      const good = typeof l2 === 'number' && l2 >= 0 && Number.isFinite(l2);
      const y = labelsFor(m, loss, labelKind, classes);
      mark('construct', { loss, m, labelKind, l2, classes, calls });
      const made = attempt('new LinearObjective', () => new addon.LinearObjective(loss, m, y, good ? l2 : l2, classes));
      if (!made.ok) return;
      const h = made.value;
      const dim = h.dim;
      const vec = (a, k) => (k % 7 === 0 ? new Float64Array(dim + 1) : k % 11 === 0 ? undefined : Float64Array.from({ length: dim }, (_, j) => Math.sin(j + a)));
      for (const c of calls) {
        const x = vec(c.a, c.a);
        const o = vec(c.a + 1, (c.a >> 3) + 1);
        attempt(c.member, () => {
          switch (c.member) {
            case 'value': return h.value(x);
            case 'valueAndGradient': return h.valueAndGradient(x, o);
            case 'gradient': return h.gradient(x, o);
            case 'hessVec': return h.hessVec(x, o, vec(c.a + 2, c.a + 3));
            case 'hessDiag': return h.hessDiag(x, o);
            case 'along': { const line = h.along(x, o); const out = c.a % 5 === 0 ? new Float64Array(0) : new Float64Array(1); attempt('line.value', () => line.value(c.t)); return line.valueAndSlope(c.t, out); }
            case 'batch': { const b = h.batch(c.a % 4 === 0 ? c.rows : Int32Array.from(c.rows)); return b.value(Float64Array.from({ length: dim })); }
            case 'dim': return h.dim + h.numSamples;
            case 'missing': return h.value();
          }
        });
      }
    }), { numRuns: RUNS * 6, seed: SEED });

  // (b) the drivers, sync and async, deterministic and stochastic, with random options and settings.
  const X = { kind: 'dense', data: Float64Array.from({ length: 24 }, (_, k) => Math.cos(k * 1.1)), rows: 8, cols: 3 };
  const handle = new addon.LinearObjective('logistic', X, Float64Array.from({ length: 8 }, (_, i) => i % 2), 0.01, 0);
  const view = handle.batch(new Int32Array([0, 3, 5]));
  const line = handle.along(new Float64Array(3), new Float64Array(3).fill(1));
  const handles = [handle, handle, handle, view, line, {}, null, lib.logistic(new lib.DenseMatrix(X.data, 8, 3), [0, 1, 0, 1, 0, 1, 0, 1], { backend: 'js' })];
  const driverArb = fc.record({
    h: fc.nat(handles.length - 1), method: fc.oneof(fc.constantFrom(...METHODS), fc.constantFrom('nope', 5, undefined)),
    x0: f64Arb(3), maxIterations: fc.oneof(fc.constant(undefined), numberArb), maxEvaluations: fc.oneof(fc.constant(undefined), numberArb),
    gradTol: fc.oneof(fc.constant(undefined), numberArb), fTol: fc.oneof(fc.constant(undefined), numberArb),
    timeLimitMs: fc.oneof(fc.constant(undefined), numberArb), trace: fc.oneof(fc.constant(undefined), fc.boolean(), junkArb),
    callback: fc.constantFrom('stopper', 'stopper', 'throws', 'junk'), progressEvery: numberArb,
  }).chain((d) => settingsArb(typeof d.method === 'string' ? d.method : 'gd', 3).map((settings) => ({ ...d, settings })));
  await fc.assert(fc.asyncProperty(driverArb, fc.boolean(), async (d, asyncRun) => {
    cases++;
    const options = { method: d.method, maxIterations: d.maxIterations, maxEvaluations: d.maxEvaluations, gradTol: d.gradTol, fTol: d.fTol, timeLimitMs: d.timeLimitMs, trace: d.trace, settings: d.settings };
    if (d.callback === 'junk' && !(options.maxIterations <= 200)) options.maxIterations = 200; // no stopper: keep it short
    mark(asyncRun ? 'startMinimize' : 'minimize', { d, options });
    const boom = new Error('boom');
    OWN.add(boom);
    const cb = d.callback === 'stopper' ? stopper(30) : d.callback === 'throws' ? () => { throw boom; } : 'junk';
    if (!asyncRun) {
      const r = attempt('minimize', () => addon.minimize(handles[d.h], d.x0, options, cb));
      if (r.ok && !STATUSES.includes(r.value.status)) failures.push('minimize: unknown status ' + r.value.status);
      if (!r.ok && d.callback === 'throws' && r.error !== boom && r.error && /boom/.test(r.error.message)) failures.push('minimize: callback error was wrapped: ' + r.error.message);
      OWN.delete(boom);
      return;
    }
    await new Promise((resolve) => {
      const started = attempt('startMinimize', () => addon.startMinimize(handles[d.h], d.x0, options, d.progressEvery,
        typeof cb === 'function' ? (rec) => cb(rec) : cb,
        (err, raw) => {
          // (Nothing here may throw: an exception in a completion callback is swallowed by N-API, and the
          // promise would never settle.)
          try {
            if (err) { if (err !== boom) checkThrown(err, 'startMinimize onDone'); }
            else if (!raw || !STATUSES.includes(raw.status)) failures.push('startMinimize: bad result ' + JSON.stringify(raw && raw.status));
          } finally { resolve(); }
        }));
      if (!started.ok) resolve();
    });
  }), { numRuns: RUNS * 3, seed: SEED + 1 });

  const stochArb = fc.record({
    h: fc.nat(handles.length - 1), method: fc.oneof(fc.constantFrom(...SMETHODS), fc.constantFrom('nope', 1)),
    batchSize: numberArb, epochs: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 3 }), numberArb), seed: fc.oneof(fc.constant(undefined), numberArb),
    checkEvery: fc.oneof(fc.constant(undefined), numberArb), x0: f64Arb(3),
    settings: fc.array(fc.tuple(fc.constantFrom('learningRate', 'c', 'beta1', 'beta2', 'eps', 'batchesPerEpoch', 'maxTrials', 'precond', 'variant', 'fStar', 'momentum', 'decay', 'lineSearchBatch', 'searchDirection'),
      fc.oneof(numberArb, fc.constantFrom('none', 'adam', 'max', 'smooth', 'independent', 'nope', true, null))), { maxLength: 4 }),
  });
  await fc.assert(fc.asyncProperty(stochArb, fc.boolean(), async (s, asyncRun) => {
    cases++;
    let settings = {};
    try { settings = findStochasticMethod(s.method).resolve({ batchesPerEpoch: 2, learningRate: 0.1 }); } catch { settings = {}; }
    for (const [k, v] of s.settings) settings[k] = v;
    const options = { method: s.method, batchSize: s.batchSize, epochs: typeof s.epochs === 'number' && s.epochs > 3 ? 3 : s.epochs, seed: s.seed, checkEvery: s.checkEvery, maxIterations: 500, settings };
    mark(asyncRun ? 'startMinimizeStochastic' : 'minimizeStochastic', options);
    if (!asyncRun) {
      const r = attempt('minimizeStochastic', () => addon.minimizeStochastic(handles[s.h], s.x0, options, stopper(3)));
      if (r.ok && !STATUSES.includes(r.value.status)) failures.push('minimizeStochastic: unknown status ' + r.value.status);
      return;
    }
    await new Promise((resolve) => {
      const started = attempt('startMinimizeStochastic', () => addon.startMinimizeStochastic(handles[s.h], s.x0, options, 1, stopper(3),
        (err, raw) => {
          try { if (err) checkThrown(err, 'startMinimizeStochastic onDone'); else if (!raw || !STATUSES.includes(raw.status)) failures.push('bad status'); }
          finally { resolve(); }
        }));
      if (!started.ok) resolve();
    });
  }), { numRuns: RUNS * 2, seed: SEED + 2 });

  // (c) small exports.
  fc.assert(fc.property(fc.oneof(numberArb, junkArb), f64Arb(5), (n, a) => {
    cases++;
    mark('setThreads/streamRead', { n, a });
    attempt('setThreads', () => addon.setThreads(n));
    attempt('streamRead', () => addon.streamRead(a));
    if (!(addon.getThreads() >= 1)) failures.push('getThreads < 1');
  }), { numRuns: RUNS, seed: SEED + 3 });
  addon.setThreads(0);

  console.log(JSON.stringify({ cases, failures: failures.slice(0, 10), failureCount: failures.length }));
}
let finished = false;
process.on('exit', (code) => { if (!finished && code === 0) { console.error('child: exited before finishing (a promise never settled)'); process.exitCode = 2; } });
main().then(() => { finished = true; }, (e) => { console.error('child error:', e); process.exit(1); });
`;

// ---------------------------------------------------------------------------------------------------------
// 2. Buffers changed under native objectives after construction.

const MUTATION_CHILD = PRELUDE + String.raw`
const TYPE_X = /^(X|y): /;

// One problem in the chosen storage; returns the objective and handles on its arrays.
function build(sc) {
  const rows = sc.rows, cols = sc.cols;
  const dense = Float64Array.from({ length: rows * cols }, (_, k) => ((k * 7 + sc.salt) % 4 === 0 ? 0 : Math.sin(k + sc.salt) * 2));
  const store = (vals) => {
    if (sc.storage === 'shared') return sharedF64(vals);
    if (sc.storage === 'offset') { const a = new Float64Array(new ArrayBuffer(8 * (vals.length + 3)), 16, vals.length); a.set(vals); return a; }
    if (sc.storage === 'resizable') { const a = new Float64Array(new ArrayBuffer(8 * vals.length, { maxByteLength: 8 * vals.length * 4 })); a.set(vals); return a; }
    return Float64Array.from(vals);
  };
  let X;
  if (sc.csr) {
    const indptr = new Int32Array(rows + 1); const idx = []; const vals = [];
    for (let i = 0; i < rows; i++) { for (let j = 0; j < cols; j++) if (dense[i * cols + j] !== 0) { idx.push(j); vals.push(dense[i * cols + j]); } indptr[i + 1] = idx.length; }
    const indices = sc.storage === 'shared' ? sharedI32(idx) : Int32Array.from(idx);
    X = new lib.CsrMatrix(rows, cols, sc.storage === 'shared' ? sharedI32(indptr) : indptr, indices, store(vals));
  } else {
    X = new lib.DenseMatrix(store(dense), rows, cols);
  }
  const yv = Float64Array.from({ length: rows }, (_, i) => (sc.loss === 'softmax' ? i % 3 : sc.loss === 'logistic' ? (i * 3) % 2 : Math.cos(i)));
  const y = store(yv);
  const opts = { l2: 0.01, backend: 'native' };
  const f = sc.loss === 'logistic' ? lib.logistic(X, y, opts) : sc.loss === 'least-squares' ? lib.leastSquares(X, y, opts) : lib.softmax(X, y, { ...opts, classes: 3 });
  return { X, y, f };
}

// Everything a caller can do with an objective, as numbers (errors as their message).
function probe(f, salt) {
  const x = Float64Array.from({ length: f.dim }, (_, j) => Math.sin(j * 0.9 + salt));
  const v = Float64Array.from({ length: f.dim }, (_, j) => Math.cos(j * 1.3 - salt));
  const out = [];
  const run = (name, fn) => { try { out.push([name, fn()]); } catch (e) { checkThrown(e, name); out.push([name, 'threw ' + e.constructor.name + ': ' + e.message]); } };
  run('value', () => f.value(x));
  run('gradient', () => Array.from(f.gradient(x)));
  run('hessVec', () => Array.from(f.hessVec(x, v)));
  run('hessDiag', () => Array.from(f.hessDiag(x)));
  run('along', () => { const l = f.along(x, v); return [l.value(0.5), l.valueAndSlope(-0.25).slope]; });
  run('batch', () => f.batch([0, f.numSamples - 1, 0]).value(x));
  run('minimize', () => { const r = lib.minimize(f, new Float64Array(f.dim), { method: 'lbfgs', maxIterations: 15 }); return [r.status, r.fun]; });
  return out;
}

function mutate(sc, p) {
  const { X, y } = p;
  switch (sc.mutation) {
    case 'indices-oob': if (X.kind === 'csr' && X.indices.length) { X.indices[sc.at % X.indices.length] = [X.cols, 1e9, -1, -(2 ** 31)][sc.at % 4]; return 'structure'; } return 'none';
    case 'indptr-garbage': if (X.kind === 'csr') { X.indptr.fill(sc.at % 2 ? 2 ** 31 - 1 : -5); return 'structure'; } return 'none';
    case 'values': (X.kind === 'csr' ? X.values : X.data).fill(sc.at % 2 ? NaN : 1e308); return 'values';
    case 'labels': y.fill(sc.at % 2 ? 1e9 : -3); return 'labels';
    // An empty array (a CSR matrix with no stored entry) holds no memory to lose: detaching it changes nothing.
    case 'detach-data': { const a = X.kind === 'csr' ? X.values : X.data; return a.length > 0 && detach(a.buffer) ? 'gone-X' : 'none'; }
    case 'detach-y': return detach(y.buffer) ? 'gone-y' : 'none';
    case 'shrink': {
      const a = X.kind === 'csr' ? X.values : X.data;
      if (a.buffer.resizable && a.length > 0) { a.buffer.resize(Math.max(0, a.buffer.byteLength - 8 * (1 + (sc.at % 3)))); return 'gone-X'; }
      return 'none';
    }
    default: return 'none';
  }
}

async function main() {
  const scenarioArb = fc.record({
    rows: fc.integer({ min: 1, max: 9 }), cols: fc.integer({ min: 1, max: 5 }), csr: fc.boolean(), salt: fc.nat(100),
    storage: fc.constantFrom('plain', 'shared', 'offset', 'resizable'),
    loss: fc.constantFrom('logistic', 'least-squares', 'softmax'),
    mutation: fc.constantFrom('indices-oob', 'indptr-garbage', 'values', 'labels', 'detach-data', 'detach-y', 'shrink', 'none'),
    at: fc.nat(1000), whenCalled: fc.constantFrom('after', 'in-callback'),
  });
  await fc.assert(fc.asyncProperty(scenarioArb, async (sc) => {
    cases++;
    mark('mutation', sc);
    const p = build(sc);
    const twin = build(sc); // the same problem, never mutated
    const before = probe(p.f, sc.salt);
    let kind;
    if (sc.whenCalled === 'in-callback') {
      // The mutation happens inside a native run's callback: the run must stop with a named error (gone
      // buffers) or finish (anything else), never read freed memory.
      try {
        lib.minimize(p.f, new Float64Array(p.f.dim), { method: 'lbfgs', maxIterations: 20, gradTol: 0, callback: (rec) => { if (rec.iter === 2) kind = mutate(sc, p); } });
        if (kind === 'gone-X' || (kind === 'gone-y' && sc.loss === 'least-squares')) failures.push('minimize continued after the data was detached or shrunk: ' + JSON.stringify(sc));
      } catch (e) {
        checkThrown(e, 'minimize with a mutating callback');
        if (!(e instanceof TypeError) || !TYPE_X.test(e.message)) failures.push('unexpected error from a mutating callback: ' + e.message);
      }
    }
    if (kind === undefined) kind = mutate(sc, p); // also when the run ended before its second iteration
    if (global.gc) { global.gc(); for (let k = 0; k < 20; k++) new Float64Array(1 << 14).fill(k); }
    const after = probe(p.f, sc.salt);
    const reference = probe(twin.f, sc.salt);
    const goneY = kind === 'gone-y' && sc.loss === 'least-squares'; // logistic/softmax labels are private copies
    if (kind === 'gone-X' || goneY) {
      for (const [name, r] of after) {
        if (typeof r !== 'string' || !/^threw TypeError: (X|y): /.test(r)) failures.push(name + ' after ' + sc.mutation + ' gave ' + JSON.stringify(r) + ' ' + JSON.stringify(sc));
      }
      // The async driver refuses too, before starting its worker.
      try { await lib.minimizeAsync(p.f, new Float64Array(p.f.dim), { method: 'gd', maxIterations: 5 }); failures.push('minimizeAsync ran on gone data'); }
      catch (e) { if (!(e instanceof TypeError) || !TYPE_X.test(e.message)) failures.push('minimizeAsync on gone data: ' + e.message); }
    } else if (kind === 'structure' || kind === 'none' || kind === 'gone-y' || (kind === 'labels' && sc.loss !== 'least-squares')) {
      // The native objective owns the CSR structure and the logistic/softmax labels: nothing observable changed.
      const same = JSON.stringify(after) === JSON.stringify(reference) && JSON.stringify(before) === JSON.stringify(reference);
      if (!same) failures.push('results changed after ' + sc.mutation + ': ' + JSON.stringify(sc) + '\n' + JSON.stringify(after).slice(0, 300) + '\n' + JSON.stringify(reference).slice(0, 300));
    } else {
      // Values or least-squares targets overwritten: zero-copy, so results follow the data; they must still be
      // numbers (possibly NaN) or documented statuses, never a crash.
      for (const [name, r] of after) if (typeof r === 'string' && r.startsWith('threw')) failures.push(name + ' threw after ' + sc.mutation + ': ' + r);
    }
  }), { numRuns: RUNS * 3, seed: SEED });

  // CSR structure overwritten while async native runs are using it: results equal the untouched twin's.
  await fc.assert(fc.asyncProperty(fc.nat(1000), fc.constantFrom('lbfgs', 'gd', 'newton-cg', 'mdb-ellipsoid'), async (salt, method) => {
    cases++;
    const sc = { rows: 40, cols: 6, csr: true, salt, storage: salt % 2 ? 'shared' : 'plain', loss: 'logistic' };
    mark('async-structure', sc);
    const p = build(sc);
    const twin = build(sc);
    const opts = { method, maxIterations: 30, gradTol: 0 };
    const running = Promise.all([lib.minimizeAsync(p.f, new Float64Array(6), opts), lib.minimizeAsync(p.f, new Float64Array(6), opts)]);
    for (let k = 0; k < 50; k++) { p.X.indices[k % p.X.indices.length] = k % 2 ? 1e9 : -7; p.X.indptr[(k % 40) + 1] = 2 ** 31 - 1; await null; }
    const [a, b] = await running;
    const ref = await lib.minimizeAsync(twin.f, new Float64Array(6), opts);
    for (const r of [a, b]) if (r.nit !== ref.nit || Math.abs(r.fun - ref.fun) > 1e-12 * Math.abs(ref.fun)) failures.push('async run changed by structure mutation: ' + JSON.stringify([r.fun, ref.fun, r.nit, ref.nit]));
  }), { numRuns: Math.max(5, RUNS / 10), seed: SEED + 1 });

  console.log(JSON.stringify({ cases, failures: failures.slice(0, 10), failureCount: failures.length }));
}
let finished = false;
process.on('exit', (code) => { if (!finished && code === 0) { console.error('child: exited before finishing (a promise never settled)'); process.exitCode = 2; } });
main().then(() => { finished = true; }, (e) => { console.error('child error:', e); process.exit(1); });
`;

function runFuzzChild(script: string, nodeArgs: string[] = []): { cases: number; failures: string[]; failureCount: number } {
  // A failure prints its seed; STEPSEARCH_FUZZ_SEED=<seed> replays it.
  const seed = process.env.STEPSEARCH_FUZZ_SEED ? Number(process.env.STEPSEARCH_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const last = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-fuzz-last-')), 'last-case.txt');
  const r = runNode(script, { nodeArgs, args: [String(RUNS), String(seed), last], timeoutMs: 300_000 });
  const lastCase = fs.existsSync(last) ? fs.readFileSync(last, 'utf8') : '(none)';
  expect(r.status, `seed ${seed}; last case:\n${lastCase}\n${describeChild(r)}`).toBe(0);
  return r.json as { cases: number; failures: string[]; failureCount: number };
}

describe('fuzzing the native boundary in child processes', () => {
  beforeAll(() => requireFreshDist());

  it('the raw addon: random arguments to every export never crash and never leak C++ error text', () => {
    const out = runFuzzChild(RAW_CHILD);
    console.log(`fuzz-native.test.ts (raw addon): ${out.cases} fuzz cases`);
    expect(out.failures).toEqual([]);
    expect(out.cases).toBe(RUNS * 12);
  });

  it('buffers mutated, detached, shrunk or shared after construction: a named error or unchanged results', () => {
    const out = runFuzzChild(MUTATION_CHILD, ['--expose-gc']);
    console.log(`fuzz-native.test.ts (buffer mutation): ${out.cases} fuzz cases`);
    expect(out.failures).toEqual([]);
    expect(out.cases).toBe(RUNS * 3 + Math.max(5, RUNS / 10));
  });
});
