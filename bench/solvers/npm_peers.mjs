// The JavaScript optimizers a Node user would otherwise install from npm, each driven as its own docs show, on
// our problem (bench/lib/data.mjs). Installed by bench/setup into bench/node_modules only.
//
// None of them takes a tolerance we could tune to a target, so each runs under a *monitor*: the objective handed
// to the tool (the plain loop of bench/lib/plain_loops.mjs, float64) records the time at which the first
// evaluated point reached each target, and ends the run once the tightest target is met or the time budget is
// spent. This is generous to the peers (an oracle stop, no tolerance to pick), so a ratio against them
// understates stepsearch's lead. tfjs works in float32 on its own tensors: its weights are copied out and
// evaluated in float64 every few steps, with the clock paused while we do.
import { pathToFileURL } from 'node:url';
import { benchRequire, firstLine, log, now } from '../lib/common.mjs';
import * as plain from '../lib/plain_loops.mjs';

class StopSolve extends Error {}

/**
 * Time-to-target bookkeeping for one run. `check(f)` is called with every float64 objective value the tool
 * produced; it throws StopSolve when the tightest target is met or the budget is spent.
 */
class Monitor {
  constructor(ctx, budgetMs) {
    this.ctx = ctx;
    this.budgetMs = budgetMs;
    this.reached = new Map();
    this.calls = 0;
    this.best = Infinity;
    this.paused = 0;
  }
  start() {
    this.t0 = now();
  }
  elapsed() {
    return now() - this.t0 - this.paused;
  }
  check(f) {
    this.calls++;
    if (f < this.best) this.best = f;
    const { fStar, f0, targets } = this.ctx;
    const gap = (f - fStar) / (f0 - fStar);
    const t = this.elapsed();
    for (const tau of targets) if (gap <= tau && !this.reached.has(tau)) this.reached.set(tau, { ms: t, calls: this.calls });
    if (this.reached.has(Math.min(...targets))) throw new StopSolve('target');
    if (t > this.budgetMs) throw new StopSolve('budget');
  }
  result(extra = {}) {
    const { fStar, f0, targets } = this.ctx;
    return {
      targets: Object.fromEntries(targets.map((tau) => [tau, this.reached.get(tau) ?? null])),
      bestGap: (this.best - fStar) / (f0 - fStar), calls: this.calls, ms: this.elapsed(), ...extra,
    };
  }
}

/** Runs body(monitor) and turns StopSolve into a normal end. */
function monitored(ctx, budgetMs, body) {
  const m = new Monitor(ctx, budgetMs);
  m.start();
  let stoppedBy = 'tool';
  try {
    body(m);
  } catch (e) {
    if (!(e instanceof StopSolve)) throw e;
    stoppedBy = e.message;
  }
  const stop = { tool: 'stopped by itself', target: 'target met', budget: `budget (${(budgetMs / 1000).toFixed(0)} s) spent` }[stoppedBy];
  return m.result({ stop, stoppedBy, budgetMs });
}

function loadCjs(name) {
  try {
    return { module: benchRequire(name) };
  } catch (e) {
    return { error: `${name} not installed in bench/node_modules (run bench/setup): ${firstLine(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------------------

/**
 * f and ∇f as the separate functions numeric and optimization-js take (plain Float64Array loops; the gradient
 * returned as a fresh Array): every f call reports its value to the monitor.
 */
function separateOracle({ X, y, l2, dim }, m) {
  const g = new Float64Array(dim);
  const f = (x) => {
    const v = plain.value(X, y, l2, x);
    m.check(v);
    return v;
  };
  const grad = (x) => {
    plain.valueAndGradient(X, y, l2, x, g);
    return Array.from(g);
  };
  return { f, grad };
}

/** numeric.uncmin (dense BFGS with a backtracking line search), f and gradient as separate functions. */
function numericUncmin(ctx, budgetMs) {
  const { module: numeric, error } = loadCjs('numeric');
  if (error) return { skipped: error };
  const { dim } = ctx;
  return monitored(ctx, budgetMs, (m) => {
    const { f, grad } = separateOracle(ctx, m);
    // tol 1e-12 and a large maxit: the monitor decides when it is done (its default tol is 1e-8).
    numeric.uncmin(f, new Array(dim).fill(0), 1e-12, grad, 1e7);
  });
}

/** optimization-js minimize_L_BFGS (its own fixed constants: m = 5, stop at max|g| < 1e-5; no iteration cap). */
function optimizationJs(ctx, budgetMs) {
  const { module: opt, error } = loadCjs('optimization-js');
  if (error) return { skipped: error };
  const { dim } = ctx;
  return monitored(ctx, budgetMs, (m) => {
    const { f, grad } = separateOracle(ctx, m);
    opt.minimize_L_BFGS(f, grad, new Array(dim).fill(0));
  });
}

/** fmin.conjugateGradient (Polak–Ribière with a Wolfe line search), f(x, fxprime) fused. */
async function fminCg(ctx, budgetMs) {
  let fmin;
  try {
    await import(pathToFileURL(benchRequire.resolve('fmin')).href);
    // fmin 0.0.4 ships a UMD bundle under "type": "module": in Node it defines a global instead of exports.
    fmin = globalThis.fmin;
    if (!fmin?.conjugateGradient) throw new Error('fmin loaded but defines no conjugateGradient');
  } catch (e) {
    return { skipped: `fmin not usable: ${firstLine(e)}` };
  }
  const { X, y, l2, dim } = ctx;
  return monitored(ctx, budgetMs, (m) => {
    const f = (x, fxprime) => {
      const v = plain.valueAndGradient(X, y, l2, x, fxprime);
      m.check(v);
      return v;
    };
    fmin.conjugateGradient(f, new Array(dim).fill(0), { maxIterations: 1e7 });
  });
}

/** ml-logistic-regression: gradient ascent with a fixed step on the unregularized log-likelihood, no intercept. */
function mlLogisticRegression(ctx, budgetMs) {
  const { module: LogisticRegression, error } = loadCjs('ml-logistic-regression');
  const { module: mlMatrix, error: e2 } = loadCjs('ml-matrix');
  if (error || e2) return { skipped: error ?? e2 };
  const { Matrix } = mlMatrix;
  const { X, y, l2, dim, fStar, f0 } = ctx;
  if (X.kind !== 'dense') return { skipped: 'ml-logistic-regression takes a dense ml-matrix only' };
  // X already holds our bias column, so the model gets an (unregularized) intercept through it.
  const rows = [];
  for (let i = 0; i < X.rows; i++) rows.push(Array.from(X.data.subarray(i * dim, (i + 1) * dim)));
  const Xm = new Matrix(rows);
  const Ym = Matrix.columnVector(Array.from(y));
  // Its docs' defaults: numSteps 50 000, learningRate 5e-4. Timing a few steps gives the cost per step; a longer
  // run (within the budget) shows where it gets on our objective.
  const probe = 5;
  let t0 = now();
  new LogisticRegression({ numSteps: probe, learningRate: 5e-4 }).train(Xm, Ym);
  const msPerStep = (now() - t0) / probe;
  const steps = Math.max(probe, Math.min(50000, Math.floor(budgetMs / msPerStep)));
  t0 = now();
  const model = new LogisticRegression({ numSteps: steps, learningRate: 5e-4 });
  model.train(Xm, Ym);
  const ms = now() - t0;
  // classifiers[0] is "class 0 vs rest" with target 1 for the rest, i.e. P(y = 1): our orientation.
  const w = Float64Array.from(model.classifiers[0].weights.to1DArray());
  const gap = (plain.value(X, y, l2, w) - fStar) / (f0 - fStar);
  return {
    targets: Object.fromEntries(ctx.targets.map((t) => [t, null])), bestGap: gap, ms, calls: steps, msPerStep,
    stop: `${steps} steps (of its default 50 000), learningRate 5e-4`,
    differs: 'no L2 term and no intercept of its own (our bias column stands in, unregularized); one-vs-rest trains 2 models for 2 classes',
  };
}

/** tfjs: full-batch Adam or SGD on float32 tensors, per the tfjs docs (optimizer.minimize with a loss closure). */
async function tfjsRuns(ctx, budgetMs, pilotSteps) {
  let tf;
  const quietConsole = console.warn;
  try {
    tf = benchRequire('@tensorflow/tfjs');
  } catch (e) {
    return { skipped: `@tensorflow/tfjs not installed (run bench/setup): ${firstLine(e)}` };
  }
  let wasmError;
  try {
    benchRequire('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    wasmError = `@tensorflow/tfjs-backend-wasm not installed: ${firstLine(e)}`;
  }
  const { X, y, l2, dim } = ctx;
  if (X.kind !== 'dense') return { skipped: 'tfjs: CSR data would need tf.sparse ops that have no gradient; dense problems only' };
  const out = {};
  const grids = { adam: [1e-3, 1e-2, 1e-1], sgd: [1e-3, 1e-2, 1e-1, 1] };
  const make = (name, lr) => (name === 'adam' ? tf.train.adam(lr) : tf.train.sgd(lr));
  const w64 = new Float64Array(dim);
  // tfjs takes float32 (a Float64Array is rejected): the user converts once, outside the timed part.
  const X32 = Float32Array.from(X.data);
  const y32 = Float32Array.from(y);
  const oneRun = (name, lr, steps, m) => {
    const Xt = tf.tensor2d(X32, [X.rows, dim], 'float32');
    const yt = tf.tensor2d(y32, [X.rows, 1], 'float32');
    const w = tf.variable(tf.zeros([dim, 1], 'float32'));
    const opt = make(name, lr);
    const loss = () => tf.losses.sigmoidCrossEntropy(yt, Xt.matMul(w)).add(w.square().sum().mul(l2 / 2));
    const checkEvery = 10;
    try {
      m?.start();
      for (let s = 1; s <= steps; s++) {
        opt.minimize(loss);
        if (m && s % checkEvery === 0) {
          const p0 = now();
          w64.set(w.dataSync());
          const v = plain.value(X, y, l2, w64);
          m.paused += now() - p0;
          m.check(v);
        }
      }
      w64.set(w.dataSync());
      return plain.value(X, y, l2, w64);
    } finally {
      tf.dispose([Xt, yt, w]);
      opt.dispose();
    }
  };
  console.warn = () => {}; // tfjs prints a banner recommending tfjs-node on every backend switch
  try {
    for (const backend of ['cpu', 'wasm']) {
      if (backend === 'wasm' && wasmError) {
        out[`tfjs-${backend}`] = { skipped: wasmError };
        continue;
      }
      if (!(await tf.setBackend(backend))) {
        out[`tfjs-${backend}`] = { skipped: `tfjs backend ${backend} failed to initialize` };
        continue;
      }
      await tf.ready();
      for (const name of ['adam', 'sgd']) {
        // Learning rate: the best final f of a short pilot per grid value (on this backend).
        let best = { lr: undefined, f: Infinity };
        for (const lr of grids[name]) {
          const f = oneRun(name, lr, pilotSteps);
          if (Number.isFinite(f) && f < best.f) best = { lr, f };
        }
        const key = `tfjs-${backend} ${name === 'adam' ? 'Adam' : 'SGD'}`;
        if (best.lr === undefined) {
          out[key] = { skipped: 'diverged for every learning rate of the grid' };
          continue;
        }
        out[key] = monitored(ctx, budgetMs, (m) => oneRun(name, best.lr, 1e9, m));
        out[key].setting = `lr ${best.lr} (grid ${grids[name].join(', ')}; ${pilotSteps}-step pilot)`;
        out[key].precision = 'float32';
        log(`solvers: ${key} done`);
      }
    }
  } finally {
    console.warn = quietConsole;
  }
  return out;
}

/**
 * Every npm peer on one problem. ctx = { X, y, l2, dim, fStar, f0, targets }.
 * @returns { [tool]: { targets: { [tau]: { ms, calls } | null }, bestGap, ms, calls, stop, ... } | { skipped } }
 */
export async function runNpmPeers(ctx, { budgetMs, pilotSteps }) {
  const out = {};
  const add = (name, fn) => {
    log(`solvers: ${name}`);
    try {
      out[name] = fn();
    } catch (e) {
      out[name] = { skipped: `failed: ${firstLine(e)}` };
    }
  };
  add('numeric.uncmin', () => numericUncmin(ctx, budgetMs));
  add('optimization-js L-BFGS', () => optimizationJs(ctx, budgetMs));
  try {
    log('solvers: fmin');
    out['fmin CG'] = await fminCg(ctx, budgetMs);
  } catch (e) {
    out['fmin CG'] = { skipped: `failed: ${firstLine(e)}` };
  }
  try {
    const tf = await tfjsRuns(ctx, budgetMs, pilotSteps);
    if (tf.skipped) out.tfjs = tf;
    else Object.assign(out, tf);
  } catch (e) {
    out.tfjs = { skipped: `failed: ${firstLine(e)}` };
  }
  add('ml-logistic-regression', () => mlLogisticRegression(ctx, budgetMs));
  return out;
}
