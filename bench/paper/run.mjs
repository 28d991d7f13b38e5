// bench/paper: reproduction of the multidimensional-backtracking paper's comparison (spec §3) on small problems:
// suboptimality against oracle calls for every deterministic method of the paper.
//
//   npm run build            # or: npx tsc -p . (and an addon in build/Release, or STEPSEARCH_ADDON=...)
//   node bench/paper/run.mjs [--out DIR] [--js] [--max-iterations N]
//
// Problems (spec §3.1–§3.3): raw features + a bias column appended last, l2 = 1/n (one pseudo-observation),
// the paper's bias initialisation (BiasInitializerLogReg / BiasInitializerLinReg):
//   - breast-cancer, logistic (examples/data/breast_cancer_wdbc.libsvm)
//   - diabetes, least squares (test/fixtures/diabetes.libsvm)
//   - two generated, seeded, badly scaled problems (columns scaled 1e-3 … 1e3), logistic and least squares.
// Methods: every registered baseline of spec §2 plus 'mdb-box', 'mdb-ellipsoid' and 'lbfgs', each with its
// defaults (= the paper's experiment settings, forward 1.1), 2000 iterations (the paper's budget for small
// problems), gradTol 0.
// f* (spec §3.5): the minimum of a long L-BFGS run (1e4 iterations, gradTol 0), a Newton run and every value
// logged by every method.
// x-axis: oracle calls = nfev + ngev + nhdiag + nhvp, every call counted, the initial f and ∇f included. So
// RPROP, HyperGD, RMSProp and AdaGrad count 2 calls per iteration (the paper's appendix convention; its main
// figure counts them at 1), and diag-hessian pays for its Hessian diagonals (the appendix convention).
//
// Output (DIR defaults to bench/results/paper): table.md (calls to reach relative suboptimality
// (f − f*)/(f0 − f*) ≤ 1e-2, 1e-4, 1e-6, also printed), summary.json, and one SVG per problem (log-scale y;
// the paper's main-figure methods plus mdb-box and lbfgs, drawn with lib/plot.ts).
// Calls are deterministic; wall times are not (they depend on the machine's load). The native kernels run on
// one thread so that timings of small problems are not dominated by fork/join costs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const lib = require(path.join(root, 'dist', 'index.js'));

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const outDir = path.resolve(argValue('--out', path.join(root, 'bench', 'results', 'paper')));
const backend = process.argv.includes('--js') ? 'js' : 'native';
const maxIterations = Number(argValue('--max-iterations', '2000'));
const THRESHOLDS = [1e-2, 1e-4, 1e-6];

/** Plotted: the paper's main-figure methods (spec §3.6) plus 'mdb-box' and 'lbfgs'; the table lists all. */
const PLOTTED = new Set(['mdb-ellipsoid', 'mdb-box', 'lbfgs', 'gd', 'diag-hessian', 'diagonal-bb', 'adagrad-ls', 'rprop', 'hypergd-mult']);
const METHODS = [
  'mdb-ellipsoid', 'mdb-box', 'lbfgs', 'gd', 'diag-hessian', 'diagonal-bb', 'adagrad-ls', 'rprop', 'hypergd-mult',
  'hypergd-add', 'rmsprop', 'adagrad', 'adagrad-norm',
];

// ---------------------------------------------------------------------------------------------------------
// Data.

/** mulberry32, a small seeded PRNG (uniform in [0, 1)). */
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

function gaussian(rand) {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * n × d Gaussian features, column j scaled by 10^(−3 + 6j/(d−1)) (six orders of magnitude, the situation
 * per-coordinate step sizes are for), then a bias column; a planted w* with w*_j ~ N(0,1)/scale_j so every
 * feature matters; targets y = Xw* + 0.5·noise (least squares) or 1[Xw* + noise > 0] (logistic).
 */
function badlyScaled(kind, n, d, seed) {
  const rand = rng(seed);
  const cols = d + 1;
  const data = new Float64Array(n * cols);
  const scale = Float64Array.from({ length: d }, (_, j) => 10 ** (-3 + (6 * j) / (d - 1)));
  const w = Float64Array.from({ length: d }, (_, j) => gaussian(rand) / scale[j]);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = scale[j] * gaussian(rand);
      data[i * cols + j] = v;
      z += v * w[j];
    }
    data[i * cols + d] = 1;
    const noisy = z + 0.5 * gaussian(rand);
    y[i] = kind === 'logistic' ? (noisy > 0 ? 1 : 0) : noisy;
  }
  return { X: new lib.DenseMatrix(data, n, cols), y };
}

const PROBLEMS = [
  { name: 'breast-cancer', loss: 'logistic', load: () => lib.readLibsvmSync(path.join(root, 'examples/data/breast_cancer_wdbc.libsvm'), { bias: true }) },
  { name: 'diabetes', loss: 'least-squares', load: () => lib.readLibsvmSync(path.join(root, 'test/fixtures/diabetes.libsvm'), { bias: true }) },
  { name: 'scaled-logistic', loss: 'logistic', load: () => badlyScaled('logistic', 1000, 24, 11) },
  { name: 'scaled-least-squares', loss: 'least-squares', load: () => badlyScaled('least-squares', 1000, 24, 12) },
];

/** Spec §3.3: w = 0 except the bias (last coordinate): mean(y) (least squares), or the clipped intercept-only MLE (logistic). */
function biasInit(loss, y, dim) {
  const w = new Float64Array(dim);
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  if (loss === 'least-squares') w[dim - 1] = mean;
  else {
    const p = Math.min(Math.max(mean, 0.01), 0.99);
    w[dim - 1] = Math.log(p / (1 - p));
  }
  return w;
}

// ---------------------------------------------------------------------------------------------------------
// Runs.

const calls = (r) => r.nfev + r.ngev + r.nhdiag + r.nhvp;

function runMethod(f, x0, method) {
  const t0 = performance.now();
  try {
    const r = lib.minimize(f, x0, { method, maxIterations, gradTol: 0, trace: true });
    // x0 costs f + ∇f (+ the Hessian diagonal for diag-hessian).
    const points = [{ calls: method === 'diag-hessian' ? 3 : 2, fun: r.initialFun }, ...r.trace.map((t) => ({ calls: calls(t), fun: t.fun }))];
    return { method, status: r.status, nit: r.nit, calls: calls(r), fun: r.fun, points, ms: performance.now() - t0 };
  } catch (e) {
    return { method, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** Spec §3.5: f* = min(long L-BFGS, Newton, every logged value). */
function referenceMinimum(f, x0, runs) {
  let best = Infinity;
  const long = [
    ['lbfgs', { maxIterations: 10_000 }],
    ['newton', { maxIterations: 200 }],
  ];
  for (const [method, extra] of long) {
    try {
      const r = lib.minimize(f, x0, { method, gradTol: 0, ...extra });
      if (Number.isFinite(r.fun)) best = Math.min(best, r.fun);
    } catch {
      // a method that is not available only loosens f*; the table says which were used
    }
  }
  for (const run of runs) for (const p of run.points ?? []) if (Number.isFinite(p.fun)) best = Math.min(best, p.fun);
  return best;
}

function firstCallsBelow(run, f0, fStar, tau) {
  for (const p of run.points) if ((p.fun - fStar) / (f0 - fStar) <= tau) return p.calls;
  return undefined;
}

/** At most ~400 points per series (keeps the first, the last and the running-minimum changes). */
function thin(points, max = 400) {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  return points.filter((_, k) => k % step === 0 || k === points.length - 1);
}

// ---------------------------------------------------------------------------------------------------------

const started = performance.now();
try {
  lib.setThreads(1);
} catch {
  // JS backend only
}
fs.mkdirSync(outDir, { recursive: true });
const lines = [];
const summary = [];
const say = (s = '') => {
  console.log(s);
  lines.push(s);
};

say(`# Paper reproduction: oracle calls to reach a relative suboptimality (backend ${backend})`);
say();
say(`Budget ${maxIterations} iterations per method, gradTol 0. Calls = nfev + ngev + nhdiag + nhvp (initial f, ∇f included).`);
say('"—": not reached within the budget. rel. gap = (f − f*)/(f0 − f*) at the end of the run.');
for (const problem of PROBLEMS) {
  const { X, y } = problem.load();
  const l2 = 1 / X.rows;
  const f = problem.loss === 'logistic' ? lib.logistic(X, y, { l2, backend }) : lib.leastSquares(X, y, { l2, backend });
  const x0 = biasInit(problem.loss, y, f.dim);
  const runs = METHODS.map((m) => runMethod(f, x0, m));
  const fStar = referenceMinimum(f, x0, runs);
  const f0 = runs.find((r) => r.points)?.points[0].fun ?? f.value(x0);
  say();
  say(`## ${problem.name} (${problem.loss}, n = ${X.rows}, d = ${f.dim}), f0 = ${f0.toPrecision(8)}, f* = ${fStar.toPrecision(12)}`);
  say();
  say('| method | calls to 1e-2 | 1e-4 | 1e-6 | rel. gap at end | iterations | calls | status | ms |');
  say('|---|---:|---:|---:|---:|---:|---:|---|---:|');
  const series = [];
  for (const run of runs) {
    if (run.error) {
      say(`| ${run.method} | — | — | — | — | — | — | not run: ${run.error} | — |`);
      continue;
    }
    const reach = THRESHOLDS.map((tau) => firstCallsBelow(run, f0, fStar, tau));
    const gap = (run.fun - fStar) / (f0 - fStar);
    say(`| ${run.method} | ${reach.map((c) => c ?? '—').join(' | ')} | ${Number.isFinite(gap) ? gap.toExponential(1) : gap} | ${run.nit} | ${run.calls} | ${run.status} | ${run.ms.toFixed(0)} |`);
    summary.push({ problem: problem.name, method: run.method, reach: Object.fromEntries(THRESHOLDS.map((t, k) => [t, reach[k] ?? null])), finalRelativeGap: gap, nit: run.nit, calls: run.calls, status: run.status, ms: run.ms, fStar, f0 });
    if (!PLOTTED.has(run.method)) continue;
    // Relative gap, clipped to [1e-12, 1e3] (the paper clips above at 1000·gap0) so diverging runs stay visible.
    const pts = thin(run.points);
    series.push({
      name: run.method,
      x: pts.map((p) => p.calls),
      y: pts.map((p) => Math.min(Math.max((p.fun - fStar) / (f0 - fStar), 1e-12), 1e3)),
    });
  }
  const svg = await lib.convergencePlotSvg(series, {
    title: `${problem.name} (${problem.loss}, raw features + bias, l2 = 1/n, bias init)`,
    subtitle: `f* = ${fStar.toPrecision(12)}; ${backend} backend; ${maxIterations} iterations per method`,
    xTitle: 'oracle calls (nfev + ngev + nhdiag)',
    yTitle: '(f − f*)/(f0 − f*)  [clipped to 1e-12 … 1e3]',
    yLog: true,
    width: 640,
    height: 400,
  });
  fs.writeFileSync(path.join(outDir, `${problem.name}.svg`), svg);
}
say();
say(`Total wall time ${((performance.now() - started) / 1000).toFixed(1)} s (machine load affects times, not calls).`);
fs.writeFileSync(path.join(outDir, 'table.md'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), outDir)}/{table.md,summary.json,${PROBLEMS.map((p) => p.name).join(',')}.svg}`);
