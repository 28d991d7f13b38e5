#!/usr/bin/env node
/**
 * Stochastic-methods benchmark: epochs and time to a full training loss of 1e-3 on interpolating synthetic
 * problems (n = 100 000), every method at its defaults plus SGD, Adam and Lion at their best learning rate
 * from a small grid; and the time per epoch of the C++ loop vs the TypeScript loop (same run, same machine).
 *
 * Run (from the package root; compiles the TypeScript first, the addon must be built):
 *   npx tsc -p . && node bench/stochastic/run.mjs
 * Options / environment:
 *   STEPSEARCH_ADDON=path/to/stepsearch.node   use a development build (lib/native.ts honours it)
 *   STEPSEARCH_DIST=dir                        compiled TypeScript to load (default: dist/)
 *   --quick                                    n = 20 000 and fewer epochs (smoke run)
 *   --no-save                                  do not write bench/results/stochastic-<date>.json
 *
 * Problems (bench/stochastic/problems.mjs, seeded; regenerate them from `results.problems[*].spec`):
 *   dense-logistic  n × 50 dense, separable with margin (l2 = 0)
 *   csr-logistic    n × 5 000 CSR, 20 entries per row, Zipf(1) columns, separable with margin (l2 = 0)
 *   dense-lsq       the dense matrix with consistent targets y = X·w⋆ (least squares, l2 = 0)
 * Protocol: batch 64, seed 1, at most MAX_EPOCHS epochs, a full-data checkpoint after every epoch; the run
 * stops at the first checkpoint with f < 1e-3 ("epochs" = that epoch). "ms" = wall time of the run including
 * the checkpoints; "optimizer ms" excludes them (result.fullEvalMs). Time per epoch: 2 epochs with
 * checkEvery = 2 (one checkpoint), optimizer time / 2, the minimum of 2 repetitions, native objective + C++
 * loop vs pure-TS objective + TS loop. The machine is shared (2 cores): figures are indicative.
 *
 * torch.optim.SGD per epoch (`results.torch`): every problem is written to a temporary folder and
 * bench/stochastic/torch_sgd.py (Debian's python3-torch, /usr/bin/python3; bench/setup installs it) times 2
 * epochs of SGD at batch 64 with the learning rate SGD's grid picked here, float64, torch.set_num_threads =
 * the native thread count; the best of 2 repetitions, as for the native figure it is compared with (the C++
 * loop on the native objective, same batch size and learning rate). Skipped with a note when torch is absent.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { python } from '../lib/common.mjs';
import { exchangeDir, writeProblem } from '../lib/data.mjs';
import { csrProblem, denseProblem } from './problems.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const dist = path.resolve(process.env.STEPSEARCH_DIST ?? path.join(root, 'dist'));
const require = createRequire(import.meta.url);
const lib = require(path.join(dist, 'index.js'));
const { DenseMatrix, CsrMatrix, logistic, leastSquares, minimizeStochastic, getThreads } = lib;

const quick = process.argv.includes('--quick');
const save = !process.argv.includes('--no-save');
const N = quick ? 20_000 : 100_000;
const MAX_EPOCHS = quick ? 10 : 25;
const TARGET = 1e-3;
const BATCH = 64;
const SEED = 1;

const GRIDS = {
  sgd: [0.01, 0.1, 1, 10],
  adam: [1e-3, 1e-2, 1e-1, 1],
  lion: [1e-4, 1e-3, 1e-2, 1e-1],
};
const DEFAULTS = [
  ['sls', {}], ['sps', {}], ['ponos', {}], ['adam', {}], ['adagrad', {}],
  ['sls', { preset: 'slsAmsgrad' }], ['ponos', { preset: 'ponosPrec' }],
];

const label = (method, extra) => (Object.keys(extra).length ? `${method} ${JSON.stringify(extra)}` : method);
const round = (v, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? v : +v.toPrecision(digits));

function toTarget(f, method, extra) {
  const r = minimizeStochastic(f, new Float64Array(f.dim), {
    method, batchSize: BATCH, epochs: MAX_EPOCHS, seed: SEED, backend: 'native', ...extra,
    callback: (e) => (e.fun < TARGET ? 'stop' : undefined),
  });
  const reached = r.status === 'callback-stop';
  return {
    epochs: reached ? r.epochs : null, finalLoss: round(r.fun, 4), epochsRun: r.epochs, status: r.status,
    ms: round(r.timeMs, 4), optimizerMs: round(r.timeMs - r.fullEvalMs, 4), nfev: r.nfev, ngev: r.ngev,
  };
}

/** Best learning rate: fewest epochs to the target, ties and misses broken by the final loss. */
function bestOfGrid(f, method, grid) {
  const runs = grid.map((learningRate) => ({ learningRate, ...toTarget(f, method, { learningRate }) }));
  const key = (r) => [r.epochs ?? Infinity, Number.isFinite(r.finalLoss) ? r.finalLoss : Infinity];
  runs.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
  return { best: runs[0], grid: runs.map(({ learningRate, epochs, finalLoss }) => ({ learningRate, epochs, finalLoss })) };
}

function msPerEpoch(f, method, extra, backend) {
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const r = minimizeStochastic(f, new Float64Array(f.dim), {
      method, batchSize: BATCH, epochs: 2, checkEvery: 2, seed: SEED, backend, ...extra,
    });
    best = Math.min(best, (r.timeMs - r.fullEvalMs) / 2);
  }
  return best;
}

/** torch.optim.SGD ms per epoch on the same data (torch_sgd.py), or { skipped } with the reason. */
function torchPerEpoch(name, X, y, loss, learningRate) {
  const dir = exchangeDir();
  try {
    const folder = writeProblem(dir, name, { X, y, l2: 0 }, {
      loss, learningRate, batchSize: BATCH, epochs: 2, repeats: 2, threads: getThreads(), seed: SEED,
    });
    const r = spawnSync(python(), [path.join(here, 'torch_sgd.py'), folder], {
      encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: String(getThreads()) },
    });
    if (r.status !== 0) return { skipped: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() };
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const t0 = performance.now();
const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, threads: getThreads() },
  protocol: { n: N, batchSize: BATCH, seed: SEED, maxEpochs: MAX_EPOCHS, target: TARGET, quick },
  problems: {},
  toTarget: {},
  msPerEpoch: {},
  torch: {},
};

const denseSpec = { n: N, d: 50, seed: 1, marginFraction: 0.5 };
const csrSpec = { n: N, d: 5000, nnzPerRow: 20, seed: 2, marginFraction: 0.5 };
const dense = denseProblem(denseSpec);
const csr = csrProblem(csrSpec);
const Xd = new DenseMatrix(dense.X.data, dense.X.rows, dense.X.cols);
const Xs = new CsrMatrix(csr.X.rows, csr.X.cols, csr.X.indptr, csr.X.indices, csr.X.values);
const problems = [
  { name: 'dense-logistic', X: dense.X, y: dense.labels, loss: 'logistic', spec: { generator: 'denseProblem', ...denseSpec, loss: 'logistic', l2: 0 }, make: (backend) => logistic(Xd, dense.labels, { backend }) },
  { name: 'csr-logistic', X: csr.X, y: csr.labels, loss: 'logistic', spec: { generator: 'csrProblem', ...csrSpec, loss: 'logistic', l2: 0 }, make: (backend) => logistic(Xs, csr.labels, { backend }) },
  { name: 'dense-lsq', X: dense.X, y: dense.targets, loss: 'least-squares', spec: { generator: 'denseProblem', ...denseSpec, loss: 'least-squares', targets: 'y = X w*', l2: 0 }, make: (backend) => leastSquares(Xd, dense.targets, { backend }) },
];
results.setup = { generationMs: Math.round(performance.now() - t0) };

for (const p of problems) {
  const native = p.make('native');
  const js = p.make('js');
  results.problems[p.name] = { spec: p.spec, initialLoss: round(native.value(new Float64Array(native.dim)), 6) };
  const rows = {};
  const timed = [];
  for (const [method, extra] of DEFAULTS) {
    rows[label(method, extra)] = toTarget(native, method, extra);
    timed.push([method, extra]);
  }
  for (const [method, grid] of Object.entries(GRIDS)) {
    const { best, grid: all } = bestOfGrid(native, method, grid);
    rows[`${method} (best lr)`] = { ...best, gridSearched: all };
    timed.push([method, { learningRate: best.learningRate }]);
  }
  results.toTarget[p.name] = rows;
  const perEpoch = {};
  for (const [method, extra] of timed) {
    const nat = msPerEpoch(native, method, extra, 'native');
    const ts = msPerEpoch(js, method, extra, 'js');
    perEpoch[label(method, extra)] = { nativeMs: round(nat), tsMs: round(ts), tsOverNative: round(ts / nat) };
  }
  results.msPerEpoch[p.name] = perEpoch;
  const sgdLr = rows['sgd (best lr)'].learningRate;
  const torch = torchPerEpoch(p.name, p.X, p.y, p.loss, sgdLr);
  const sgdNative = perEpoch[label('sgd', { learningRate: sgdLr })].nativeMs;
  results.torch[p.name] = { sgd: { learningRate: sgdLr, ...torch, nativeMs: sgdNative, torchOverNative: torch.msPerEpoch ? round(torch.msPerEpoch / sgdNative) : null } };

  console.log(`\n${p.name}  (n = ${N}, f(x0) = ${results.problems[p.name].initialLoss}; target ${TARGET}, batch ${BATCH}, ≤ ${MAX_EPOCHS} epochs)`);
  console.log(['method'.padEnd(34), 'epochs', 'ms(all)', 'ms(opt)', 'final f'.padStart(10)].join('  '));
  for (const [name, r] of Object.entries(rows)) {
    const lr = r.learningRate !== undefined ? ` lr=${r.learningRate}` : '';
    console.log([(name + lr).padEnd(34), String(r.epochs ?? `>${MAX_EPOCHS}`).padStart(6), String(r.ms).padStart(7),
      String(r.optimizerMs).padStart(7), String(r.finalLoss).padStart(10)].join('  '));
  }
  console.log(['ms per epoch'.padEnd(48), 'native', '    TS', 'TS/native'].join('  '));
  for (const [name, r] of Object.entries(perEpoch)) {
    console.log([name.padEnd(48), String(r.nativeMs).padStart(6), String(r.tsMs).padStart(6), String(r.tsOverNative).padStart(9)].join('  '));
  }
  const t = results.torch[p.name].sgd;
  if (t.skipped) console.log(`torch.optim.SGD: skipped (${t.skipped})`);
  else console.log(`torch.optim.SGD lr=${t.learningRate}: ${round(t.msPerEpoch)} ms per epoch (torch ${t.torch}, ${t.threads} threads) vs native sgd ${t.nativeMs} ms: native ${t.torchOverNative}x faster`);
}

results.totalMs = Math.round(performance.now() - t0);
console.log(`\ntotal ${(results.totalMs / 1000).toFixed(1)} s (threads: ${results.machine.threads})`);
if (save) {
  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `stochastic-${results.date.slice(0, 10)}${quick ? '-quick' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 1) + '\n');
  console.log(`saved ${path.relative(root, file)}`);
}
