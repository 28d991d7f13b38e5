#!/usr/bin/env node
/**
 * Kernel benchmark of the native linear objectives (native/core/linear_model.hpp): how close the fused
 * value-and-gradient pass gets to the memory-bandwidth floor, and the cost ratios the optimizers rely on.
 *
 * Run (from the package root; compiles the TypeScript first, the addon must be built):
 *   npx tsc -p . && node bench/kernels.mjs
 * Options / environment:
 *   STEPSEARCH_ADDON=path/to/stepsearch.node   use a development build (lib/native.ts honours it)
 *   STEPSEARCH_DIST=dir                        compiled TypeScript to load (default: dist/)
 *   --quick                                    n = 50 000 instead of 200 000 (for a smoke run)
 *   --no-save                                  do not write bench/results/kernels-<date>.json
 *
 * Problems (seeded, generated here): dense logistic n = 200 000 × d = 200 (320 MB of float64), and CSR
 * logistic n = 200 000 × d = 50 000 with ~50 stored entries per row drawn with power-law (Zipf, exponent 1)
 * column frequencies (~120 MB). Every timed evaluation is at a point different from the previous one, so
 * no cached margins are reused unless the row says so. Each figure is the minimum over several calls
 * (the median is saved beside it).
 *
 * Measured:
 *   - streamRead (Σ of the dense data with 1 and 2 threads) = the bandwidth floor; the fused dense
 *     valueAndGradient as a % of that floor (floor time / kernel time);
 *   - sparse fused valueAndGradient vs a two-pass kernel (X·w, then Xᵀr; same threading and accumulators,
 *     timed inside C++ so that argument validation is excluded as it is for the fused objective);
 *   - hessVec / valueAndGradient time, with the Hessian weights reused (Newton-CG's inner loop) and cold;
 *   - one line-search trial (along(x, d).value(t)) vs a full evaluation;
 *   - native vs the TypeScript backend (lib/objectives/linear_js.ts) at 1 and 2 threads, when present; for
 *     sparse data also the TS value+gradient against the native value alone (no gradient), a bound on the
 *     native/TS ratio the fused pass can reach.
 * Machine info and every figure go to bench/results/kernels-<date>.json. Keep the run short (shared machine):
 * it takes ~12 s here (data generation included). Two-thread figures are only meaningful on an otherwise idle
 * machine: a competing process turns them into multiples of the scheduler tick (4 ms); the load average at
 * the start and end of the run is saved with the results.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const dist = path.resolve(process.env.STEPSEARCH_DIST ?? path.join(root, 'dist'));
const require = createRequire(import.meta.url);
const { loadNative } = require(path.join(dist, 'native.js'));
const addon = loadNative();
let LinearObjectiveJs;
try {
  ({ LinearObjectiveJs } = require(path.join(dist, 'objectives', 'linear_js.js')));
} catch {
  LinearObjectiveJs = undefined;
}

const quick = process.argv.includes('--quick');
const save = !process.argv.includes('--no-save');
const N = quick ? 50_000 : 200_000;
const D_DENSE = 200;
const D_SPARSE = 50_000;
const NNZ_PER_ROW = 50;

// ---------------------------------------------------------------------------------------------------------

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVector(rand, n, scale) {
  const v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = scale * (2 * rand() - 1);
  return v;
}

/** Labels from a planted model with 10% flips. */
function labelsFrom(margins, rand) {
  const y = new Float64Array(margins.length);
  for (let i = 0; i < y.length; i++) y[i] = (margins[i] > 0) !== (rand() < 0.1) ? 1 : 0;
  return y;
}

function denseProblem() {
  const rand = rng(1);
  const data = new Float64Array(N * D_DENSE);
  for (let k = 0; k < data.length; k++) data[k] = 2 * rand() - 1;
  const wTrue = randomVector(rand, D_DENSE, 1);
  const z = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < D_DENSE; j++) s += data[i * D_DENSE + j] * wTrue[j];
    z[i] = s;
  }
  return { X: { kind: 'dense', data, rows: N, cols: D_DENSE }, y: labelsFrom(z, rand) };
}

function sparseProblem() {
  const rand = rng(2);
  const logD = Math.log(D_SPARSE + 1);
  const indptr = new Int32Array(N + 1);
  const indices = new Int32Array(N * NNZ_PER_ROW);
  const values = new Float64Array(N * NNZ_PER_ROW);
  const row = new Int32Array(NNZ_PER_ROW);
  const wTrue = randomVector(rand, D_SPARSE, 1);
  const z = new Float64Array(N);
  let nnz = 0;
  for (let i = 0; i < N; i++) {
    // Zipf(1) column draws: P(j) ∝ 1/(j+1), by inverting the continuous CDF log(j+1)/log(d+1).
    for (let k = 0; k < NNZ_PER_ROW; k++) row[k] = Math.min(D_SPARSE - 1, Math.floor(Math.exp(rand() * logD)) - 1);
    row.sort();
    let s = 0;
    for (let k = 0; k < NNZ_PER_ROW; k++) {
      if (k > 0 && row[k] === row[k - 1]) continue;
      indices[nnz] = row[k];
      values[nnz] = 2 * rand() - 1;
      s += values[nnz] * wTrue[row[k]];
      nnz++;
    }
    z[i] = s;
    indptr[i + 1] = nnz;
  }
  return {
    X: { kind: 'csr', rows: N, cols: D_SPARSE, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) },
    y: labelsFrom(z, rand),
    nnz,
  };
}

// ---------------------------------------------------------------------------------------------------------

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Times fn(k) over `reps` calls after one untimed warm-up call and records the figure under `key`: the
 * minimum in ms (the kernel's cost with the least interference from other processes; every ratio uses it)
 * and the median beside it. `setup(k)`, when given, runs untimed before each call. Returns the minimum.
 */
function timed(key, fn, reps, note = '', setup = undefined) {
  setup?.(-1);
  fn(-1);
  const t = [];
  for (let k = 0; k < reps; k++) {
    setup?.(k);
    const t0 = nowMs();
    fn(k);
    t.push(nowMs() - t0);
  }
  t.sort((a, b) => a - b);
  const min = t[0];
  const median = t[Math.floor(t.length / 2)];
  results.figures[key] = { minMs: +min.toFixed(3), medianMs: +median.toFixed(3), note };
  rows.push([key, min.toFixed(3), median.toFixed(3), note]);
  return min;
}

/** Records per-call times measured elsewhere (ms), as timed() does. Returns the minimum. */
function recordTimes(key, times, note) {
  const t = Array.from(times).sort((a, b) => a - b);
  results.figures[key] = { minMs: +t[0].toFixed(3), medianMs: +t[Math.floor(t.length / 2)].toFixed(3), note };
  rows.push([key, t[0].toFixed(3), t[Math.floor(t.length / 2)].toFixed(3), note]);
  return t[0];
}

function ratio(key, value) {
  results.ratios[key] = +value.toFixed(value >= 10 ? 1 : 3);
}

/** Two distinct points, alternated so that every evaluation misses the margin cache. */
function points(dim, seed) {
  const rand = rng(seed);
  return [randomVector(rand, dim, 0.01), randomVector(rand, dim, 0.01)];
}

const results = { figures: {}, ratios: {} };
const rows = [];

/** One line-search trial vs a full evaluation, for `f` whose valueAndGradient took `full` ms. */
function lineTrials(prefix, f, x, d, full) {
  const line = f.along(x, d);
  const out2 = new Float64Array(1);
  const trial = timed(`${prefix}.along.trial`, (k) => line.value(0.5 + k * 1e-3), 21, 'line.value(t)');
  const withSlope = timed(`${prefix}.along.trialWithSlope`, (k) => line.valueAndSlope(0.5 + k * 1e-3, out2), 21, 'line.valueAndSlope(t)');
  ratio(`${prefix}.fullEvaluationOverTrial`, full / trial);
  ratio(`${prefix}.fullEvaluationOverTrialWithSlope`, full / withSlope);
}

function measureDense() {
  const t0 = nowMs();
  const { X, y } = denseProblem();
  results.setup.denseGenerationMs = Math.round(nowMs() - t0);
  const bytes = X.data.byteLength;
  const f = new addon.LinearObjective('logistic', X, y, 1 / N, 0);
  const ls = new addon.LinearObjective('least-squares', X, y, 1 / N, 0);
  const [x1, x2] = points(D_DENSE, 3);
  const g = new Float64Array(D_DENSE);
  const v = randomVector(rng(4), D_DENSE, 1);
  const out = new Float64Array(D_DENSE);
  const at = (k) => (k & 1 ? x2 : x1);

  for (const threads of [1, 2]) {
    addon.setThreads(threads);
    const p = `dense.t${threads}`;
    const stream = timed(`${p}.streamRead`, () => addon.streamRead(X.data), 15, `Σ of ${(bytes / 1e6).toFixed(0)} MB`);
    const vg = timed(`${p}.valueAndGradient`, (k) => f.valueAndGradient(at(k), g), 15, 'logistic, a new point each call');
    ratio(`${p}.streamReadGBps`, bytes / stream / 1e6);
    ratio(`${p}.valueAndGradientGBps`, bytes / vg / 1e6);
    ratio(`${p}.percentOfStreamFloor`, (100 * stream) / vg);

    // Hessian-vector products at the point of the last evaluation (Newton-CG): the weights σ(1−σ) are
    // derived from the cached margins once, then reused by every CG iteration; "cold" is at a new point.
    f.valueAndGradient(x1, g);
    const hvReuse = timed(`${p}.hessVec.reuse`, () => f.hessVec(x1, v, out), 9, 'at the last evaluated point, weights reused');
    const hvFirst = timed(`${p}.hessVec.first`, (k) => f.hessVec(at(k), v, out), 7, 'first after an evaluation at the point: weights from cached margins', (k) => f.valueAndGradient(at(k), g));
    const hvCold = timed(`${p}.hessVec.cold`, (k) => f.hessVec(at(k), v, out), 7, 'a new point each call: margins, weights, product');
    ratio(`${p}.hessVecOverValueAndGradient.reuse`, hvReuse / vg);
    ratio(`${p}.hessVecOverValueAndGradient.first`, hvFirst / vg);
    ratio(`${p}.hessVecOverValueAndGradient.cold`, hvCold / vg);

    lineTrials(`${p}.logistic`, f, x1, v, vg);
    const vgLs = timed(`${p}.leastSquares.valueAndGradient`, (k) => ls.valueAndGradient(at(k), g), 5, 'least squares');
    lineTrials(`${p}.leastSquares`, ls, x1, v, vgLs);
  }
  if (LinearObjectiveJs) {
    const js = new LinearObjectiveJs('logistic', X, y, 1 / N, 1);
    const tjs = timed('dense.ts.valueAndGradient', (k) => js.valueAndGradient(at(k), g), 3, 'TypeScript backend');
    for (const threads of [1, 2]) ratio(`dense.t${threads}.nativeSpeedupOverTs`, tjs / results.figures[`dense.t${threads}.valueAndGradient`].minMs);
  }
}

function measureSparse() {
  const t0 = nowMs();
  const { X, y, nnz } = sparseProblem();
  results.setup.sparseGenerationMs = Math.round(nowMs() - t0);
  results.problems.sparse.nnz = nnz;
  const bytes = X.values.byteLength + X.indices.byteLength + X.indptr.byteLength;
  const f = new addon.LinearObjective('logistic', X, y, 1 / N, 0);
  const [x1, x2] = points(D_SPARSE, 5);
  const g = new Float64Array(D_SPARSE);
  const v = randomVector(rng(6), D_SPARSE, 1);
  const out = new Float64Array(D_SPARSE);
  const at = (k) => (k & 1 ? x2 : x1);
  for (const threads of [1, 2]) {
    addon.setThreads(threads);
    const p = `sparse.t${threads}`;
    const fused = timed(`${p}.valueAndGradient.fused`, (k) => f.valueAndGradient(at(k), g), 15, 'one pass');
    const twoPass = recordTimes(`${p}.valueAndGradient.twoPass`, addon._benchTwoPassLogistic(X, y, 1 / N, x1, g, 9), 'X·w, then Xᵀr (timed in C++)');
    // value alone (X·w and the losses, no gradient): the first half of the fused pass, a bound on how far
    // the fused pass can get ahead of the TS backend (sparse.tN.tsValueAndGradientOverNativeValue).
    timed(`${p}.value`, (k) => f.value(at(k)), 15, 'value alone at a new point: X·w and the losses, no gradient');
    ratio(`${p}.csrArraysGBps`, bytes / fused / 1e6);
    ratio(`${p}.twoPassOverFused`, twoPass / fused);

    f.valueAndGradient(x1, g);
    const hvReuse = timed(`${p}.hessVec.reuse`, () => f.hessVec(x1, v, out), 9, 'at the last evaluated point, weights reused');
    const hvFirst = timed(`${p}.hessVec.first`, (k) => f.hessVec(at(k), v, out), 7, 'first after an evaluation at the point', (k) => f.valueAndGradient(at(k), g));
    const hvCold = timed(`${p}.hessVec.cold`, (k) => f.hessVec(at(k), v, out), 7, 'a new point each call');
    ratio(`${p}.hessVecOverValueAndGradient.reuse`, hvReuse / fused);
    ratio(`${p}.hessVecOverValueAndGradient.first`, hvFirst / fused);
    ratio(`${p}.hessVecOverValueAndGradient.cold`, hvCold / fused);
    lineTrials(`${p}.logistic`, f, x1, v, fused);
  }
  if (LinearObjectiveJs) {
    const js = new LinearObjectiveJs('logistic', X, y, 1 / N, 1);
    const tjs = timed('sparse.ts.valueAndGradient', (k) => js.valueAndGradient(at(k), g), 3, 'TypeScript backend');
    for (const threads of [1, 2]) {
      ratio(`sparse.t${threads}.nativeSpeedupOverTs`, tjs / results.figures[`sparse.t${threads}.valueAndGradient.fused`].minMs);
      ratio(`sparse.t${threads}.tsValueAndGradientOverNativeValue`, tjs / results.figures[`sparse.t${threads}.value`].minMs);
    }
  }
}

function machine() {
  let cpu = 'unknown';
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m);
    if (m) cpu = m[1];
  } catch {
    /* not Linux */
  }
  const load = os.loadavg().map((l) => +l.toFixed(2));
  let commit;
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    commit = undefined;
  }
  return {
    cpu,
    cores: os.cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ompDefaultThreads: addon.maxThreads(),
    threadCountsMeasured: [1, 2],
    loadAverageAtStart: load,
    commit,
    addon: process.env.STEPSEARCH_ADDON ?? 'node-gyp-build default',
  };
}

// ---------------------------------------------------------------------------------------------------------

const started = nowMs();
results.date = new Date().toISOString();
results.machine = machine();
results.problems = {
  dense: { rows: N, cols: D_DENSE, loss: 'logistic', bytes: N * D_DENSE * 8 },
  sparse: { rows: N, cols: D_SPARSE, loss: 'logistic', nnzPerRowDrawn: NNZ_PER_ROW, columns: 'Zipf(1)' },
};
results.tsBackend = LinearObjectiveJs ? 'lib/objectives/linear_js.ts (compiled)' : 'absent';
results.setup = {};
measureDense();
measureSparse();
addon.setThreads(0);
results.totalSeconds = +((nowMs() - started) / 1000).toFixed(1);
results.machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));

const pad = (s, n) => String(s).padEnd(n);
console.log(`\nstepsearch kernel benchmark — ${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version}, n = ${N}`);
console.log(`load average at start: ${results.machine.loadAverageAtStart.join(' ')}, at end: ${results.machine.loadAverageAtEnd.join(' ')}\n`);
console.log(`${pad('figure', 52)} ${pad('min ms', 9)} ${pad('median', 9)} note`);
for (const [k, min, median, note] of rows) console.log(`${pad(k, 52)} ${pad(min, 9)} ${pad(median, 9)} ${note}`);
console.log('\nratios');
for (const [k, v] of Object.entries(results.ratios)) console.log(`${pad(k, 52)} ${v}`);
console.log(`\ntotal ${results.totalSeconds} s`);

if (save) {
  const dir = path.join(here, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `kernels-${results.date.slice(0, 10)}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`saved ${path.relative(root, file)}`);
}
