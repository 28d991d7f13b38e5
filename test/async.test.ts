/**
 * minimizeAsync: off the event loop, progress, AbortSignal, concurrency, data lifetime (issue: server use).
 */
import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { logistic, minimize, minimizeAsync, minimizeStochastic, minimizeStochasticAsync, objective } from '../lib/index';
import type { IterationRecord } from '../lib/result';
import { denseClassification } from './helpers/synthetic';

const root = path.join(__dirname, '..');

function bigProblem() {
  const { X, y } = denseClassification(40000, 100, 7);
  return logistic(X, y, { l2: 1 / 40000, backend: 'native' });
}

/** A user JS objective: an ill-conditioned quadratic, slow enough to need many iterations. */
function jsQuadratic(d: number) {
  return objective((x, g) => {
    let f = 0;
    for (let i = 0; i < d; i++) {
      const h = 1 + i;
      f += 0.5 * h * x[i] * x[i];
      g[i] = h * x[i];
    }
    return f;
  }, d);
}

describe('minimizeAsync, native objective and method', () => {
  it('keeps the event loop responsive during a long fit (p99 delay < 50 ms)', async () => {
    const f = bigProblem();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const ticker = setInterval(() => {}, 1);
    const r = await minimizeAsync(f, new Float64Array(f.dim), { method: 'lbfgs', gradTol: 0, maxIterations: 150 });
    clearInterval(ticker);
    h.disable();
    expect(r.backend).toBe('native');
    expect(r.nit).toBeGreaterThan(10);
    expect(r.timeMs).toBeGreaterThan(100);
    expect(h.percentile(99) / 1e6).toBeLessThan(50);
  });

  it('gives the same result as the synchronous run', async () => {
    const f = bigProblem();
    const x0 = new Float64Array(f.dim);
    const sync = minimize(f, x0, { method: 'lbfgs', maxIterations: 30, gradTol: 0 });
    const async = await minimizeAsync(f, x0, { method: 'lbfgs', maxIterations: 30, gradTol: 0 });
    expect(async.fun).toBe(sync.fun);
    expect(Array.from(async.x)).toEqual(Array.from(sync.x));
    expect(async.nfev).toBe(sync.nfev);
  });

  it('delivers progress in order, at least once per progressEvery iterations', async () => {
    const f = bigProblem();
    const seen: IterationRecord[] = [];
    const r = await minimizeAsync(f, new Float64Array(f.dim), {
      method: 'lbfgs', gradTol: 0, maxIterations: 40, progressEvery: 5, onProgress: (rec) => { seen.push(rec); },
    });
    expect(r.nit).toBe(40);
    expect(seen.map((s) => s.iter)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    for (let i = 1; i < seen.length; i++) expect(seen[i].nfev).toBeGreaterThanOrEqual(seen[i - 1].nfev);
  });

  it('a pre-aborted signal rejects before any work', async () => {
    const f = bigProblem();
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(minimizeAsync(f, new Float64Array(f.dim), { signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('aborting mid-run settles within 100 ms with status aborted and the partial result', async () => {
    const f = bigProblem();
    const ctrl = new AbortController();
    let abortedAt = 0;
    // Aborted from the first progress record, not after a fixed delay: on a fast machine Newton-CG reached
    // machine precision (line-search-failed) in under 150 ms, before a timer fired. L-BFGS with gradTol 0 runs
    // for seconds on this problem; the worker goes on iterating while the record reaches the main thread.
    const p = minimizeAsync(f, new Float64Array(f.dim), {
      method: 'lbfgs', gradTol: 0, fTol: 0, maxIterations: 100000, progressEvery: 10, signal: ctrl.signal,
      onProgress: () => { if (abortedAt === 0) { abortedAt = performance.now(); ctrl.abort(); } },
    });
    const r = await p;
    const settleMs = performance.now() - abortedAt;
    expect(r.status).toBe('aborted');
    expect(r.nit).toBeGreaterThanOrEqual(10);
    expect(r.fun).toBeLessThan(r.initialFun);
    expect(settleMs).toBeLessThan(100);
  });

  it('removes its abort listener when the run settles (native and JS, completed and aborted)', async () => {
    const nf = bigProblem();
    const jf = jsQuadratic(20000);
    for (const [f, x0] of [[nf, new Float64Array(nf.dim)], [jf, new Float64Array(20000).fill(1)]] as const) {
      const done = new AbortController();
      await minimizeAsync(f, x0, { method: 'lbfgs', maxIterations: 3, signal: done.signal });
      expect(getEventListeners(done.signal, 'abort')).toHaveLength(0);
      const stopped = new AbortController();
      const p = minimizeAsync(f, x0, { method: 'lbfgs', gradTol: 0, maxIterations: 1e7, signal: stopped.signal });
      expect(getEventListeners(stopped.signal, 'abort')).toHaveLength(1);
      setTimeout(() => stopped.abort(), 20);
      expect((await p).status).toBe('aborted');
      expect(getEventListeners(stopped.signal, 'abort')).toHaveLength(0);
    }
  });

  it('abort after completion is a no-op', async () => {
    const f = bigProblem();
    const ctrl = new AbortController();
    const r = await minimizeAsync(f, new Float64Array(f.dim), { method: 'lbfgs', maxIterations: 5, signal: ctrl.signal });
    ctrl.abort();
    expect(r.status).toBe('max-iterations');
  });

  it('an exception thrown by onProgress rejects with that error', async () => {
    const f = bigProblem();
    const boom = new Error('boom from onProgress');
    await expect(minimizeAsync(f, new Float64Array(f.dim), {
      method: 'lbfgs', gradTol: 0, maxIterations: 1000, progressEvery: 1, onProgress: () => { throw boom; },
    })).rejects.toBe(boom);
  });

  it("a callback returning 'stop' stops with callback-stop", async () => {
    const f = bigProblem();
    const r = await minimizeAsync(f, new Float64Array(f.dim), {
      method: 'lbfgs', gradTol: 0, maxIterations: 1000, progressEvery: 1, callback: (rec) => (rec.iter >= 3 ? 'stop' : undefined),
    });
    expect(r.status).toBe('callback-stop');
    expect(r.nit).toBeGreaterThanOrEqual(3);
    expect(r.nit).toBeLessThan(1000);
  });

  it('four concurrent fits on one objective equal their sequential results', async () => {
    const f = bigProblem();
    const x0 = new Float64Array(f.dim);
    const opts = { method: 'lbfgs', gradTol: 0, maxIterations: 25 } as const;
    const sequential = [];
    for (let k = 0; k < 4; k++) sequential.push(await minimizeAsync(f, x0, opts));
    const concurrent = await Promise.all([0, 1, 2, 3].map(() => minimizeAsync(f, x0, opts)));
    for (let k = 0; k < 4; k++) {
      // Concurrent runs share the cores (fewer OpenMP threads each), so sums may round differently.
      expect(Math.abs(concurrent[k].fun - sequential[k].fun) / sequential[k].fun).toBeLessThan(1e-10);
      expect(concurrent[k].nit).toBe(sequential[k].nit);
    }
    // Main-thread calls on the same objective during runs are safe (each run uses a private clone).
    const during = minimizeAsync(f, x0, opts);
    const v = f.value(x0);
    expect(v).toBe(Math.LN2);
    await during;
  });

  it('keeps the data alive when the caller drops every reference (gc stress in a child process)', () => {
    const script = `
      const { logistic, minimizeAsync, DenseMatrix } = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
      async function main() {
        let p;
        {
          const n = 20000, d = 50;
          const data = new Float64Array(n * d);
          const y = new Float64Array(n);
          for (let i = 0; i < n; i++) { for (let j = 0; j < d; j++) data[i*d+j] = Math.sin(i * 7 + j * 13); y[i] = (i % 3 === 0) ? 1 : 0; }
          p = minimizeAsync(logistic(new DenseMatrix(data, n, d), y, { l2: 1e-3, backend: 'native' }), new Float64Array(d), { method: 'lbfgs', gradTol: 0, maxIterations: 60 });
        }
        const timer = setInterval(() => { global.gc(); const junk = []; for (let i = 0; i < 50; i++) junk.push(new Float64Array(1e5)); }, 2);
        const r = await p;
        clearInterval(timer);
        console.log(JSON.stringify({ status: r.status, fun: r.fun, finite: Number.isFinite(r.fun) }));
      }
      main().catch((e) => { console.error(e); process.exit(1); });
    `;
    const out = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', env: process.env });
    expect(out.status, out.stderr).toBe(0);
    const res = JSON.parse(out.stdout.trim().split('\n').pop()!);
    expect(res.finite).toBe(true);
    expect(res.status).toBe('max-iterations');
  });
});

/** The worker problem both worker-thread scripts build (a string: it runs inside the child process). */
const WORKER_PROBLEM = `
      function problem() {
        const n = 20000, d = 40;
        const data = new Float64Array(n * d); const y = new Float64Array(n);
        for (let i = 0; i < n; i++) { for (let j = 0; j < d; j++) data[i*d+j] = Math.cos(i * 3 + j * 5); y[i] = (i % 2); }
        return lib.logistic(new lib.DenseMatrix(data, n, d), y, { l2: 1e-3, backend: 'native' });
      }`;

/**
 * Runs a script that starts Workers on its own file (written where "__SELF__" stands) in a child process,
 * expects it to exit 0 and returns the JSON of its last output line.
 */
function runWorkerScript(name: string, script: string) {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-workers-')), name);
  fs.writeFileSync(file, script.replaceAll(JSON.stringify('__SELF__'), JSON.stringify(file)));
  const out = spawnSync(process.execPath, [file], { encoding: 'utf8', env: process.env, timeout: 60000 });
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

describe('the addon in worker threads', () => {
  it('works from 2 worker threads and the main thread at once, and survives a worker exiting mid-run', () => {
    const script = `
      const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
      const lib = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
      ${WORKER_PROBLEM}
      async function fit() {
        const f = problem();
        const r = await lib.minimizeAsync(f, new Float64Array(f.dim), { method: 'lbfgs', gradTol: 0, maxIterations: 40 });
        return r.fun;
      }
      if (isMainThread) {
        (async () => {
          const ws = [0, 1].map(() => new Worker(${JSON.stringify('__SELF__')}, { workerData: 'fit' }));
          const results = ws.map((w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); }));
          const killer = new Worker(${JSON.stringify('__SELF__')}, { workerData: 'long' });
          setTimeout(() => killer.terminate(), 100);
          const mainFun = await fit();
          const [a, b] = await Promise.all(results);
          await new Promise((r) => setTimeout(r, 300));
          console.log(JSON.stringify({ mainFun, a, b }));
        })().catch((e) => { console.error(e); process.exit(1); });
      } else if (workerData === 'fit') {
        fit().then((v) => parentPort.postMessage(v));
      } else {
        const f = problem();
        lib.minimizeAsync(f, new Float64Array(f.dim), { method: 'lbfgs', gradTol: 0, maxIterations: 100000 });
      }
    `;
    const res = runWorkerScript('workers.js', script);
    expect(res.a).toBe(res.mainFun);
    expect(res.b).toBe(res.mainFun);
  });

  it('survives a worker terminated while its native run is still on the thread pool', () => {
    // Node's worker teardown waits for the thread-pool run, then settles it (and closes its progress
    // channel) in an environment that can no longer run JS. node-addon-api used to throw a C++ exception
    // from that callback, which aborted the whole process ("terminate called ... Napi::Error"); the build
    // defines NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (CMakeLists.txt, binding.gyp). Each worker here
    // is terminated as soon as its run has started, so every one of them settles during teardown.
    const script = `
      const { Worker, isMainThread, parentPort } = require('node:worker_threads');
      const lib = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
      ${WORKER_PROBLEM}
      if (isMainThread) {
        (async () => {
          let exited = 0;
          for (let k = 0; k < 3; k++) {
            const w = new Worker(${JSON.stringify('__SELF__')});
            await new Promise((res) => w.once('message', res));
            await w.terminate();
            exited++;
          }
          console.log(JSON.stringify({ exited }));
        })().catch((e) => { console.error(e); process.exit(1); });
      } else {
        const f = problem();
        // ~0.1-0.3 s of work: long enough to outlive terminate(), short enough for the test.
        lib.minimizeAsync(f, new Float64Array(f.dim), { method: 'lbfgs', gradTol: 0, maxIterations: 400,
          progressEvery: 1, onProgress: () => {} });
        parentPort.postMessage('started');
      }
    `;
    expect(runWorkerScript('terminate.js', script)).toEqual({ exited: 3 });
  });
});

describe('minimizeAsync, JS objective (main-thread loop)', () => {
  it('yields to the event loop, reports progress, and aborts promptly', async () => {
    const f = jsQuadratic(20000);
    const x0 = new Float64Array(f.dim).fill(1);
    const seen: number[] = [];
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 1);
    const ctrl = new AbortController();
    const p = minimizeAsync(f, x0, {
      method: 'lbfgs', gradTol: 0, maxIterations: 1e9, progressEvery: 3, signal: ctrl.signal,
      onProgress: (r) => { seen.push(r.iter); },
    });
    let abortedAt = 0;
    setTimeout(() => { abortedAt = performance.now(); ctrl.abort(); }, 200);
    const r = await p;
    clearInterval(ticker);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(r.status).toBe('aborted');
    expect(r.backend).toBe('js');
    // A loop that never yielded would let the 1 ms interval fire at most once in these 200 ms.
    expect(ticks).toBeGreaterThan(5);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((it, i) => it === 3 * (i + 1))).toBe(true);
  });

  it('timeLimitMs works the same in sync and async runs', async () => {
    const f = jsQuadratic(20000);
    const x0 = new Float64Array(f.dim).fill(1);
    const opts = { method: 'lbfgs', gradTol: 0, maxIterations: 1e9, timeLimitMs: 80 } as const;
    const s = minimize(f, x0, opts);
    const a = await minimizeAsync(f, x0, opts);
    expect(s.status).toBe('time-limit');
    expect(a.status).toBe('time-limit');
    const nf = bigProblem();
    const n = await minimizeAsync(nf, new Float64Array(nf.dim), { ...opts });
    expect(n.status).toBe('time-limit');
    expect(n.timeMs).toBeLessThan(80 + 100);
  });
});

describe('minimizeStochasticAsync', () => {
  function stochasticProblem(backend: 'native' | 'js') {
    const { X, y } = denseClassification(60000, 40, 11);
    return logistic(X, y, { l2: 1e-4, backend });
  }

  it('gives the same result as minimizeStochastic, with per-epoch progress in order', async () => {
    const f = stochasticProblem('native');
    const x0 = new Float64Array(f.dim);
    const opts = { method: 'sls', batchSize: 256, epochs: 3, seed: 5 } as const;
    const sync = minimizeStochastic(f, x0, opts);
    const epochs: number[] = [];
    const async = await minimizeStochasticAsync(f, x0, { ...opts, onProgress: (r) => { epochs.push(r.epoch); } });
    expect(async.backend).toBe('native');
    expect(async.fun).toBe(sync.fun);
    expect(Array.from(async.x)).toEqual(Array.from(sync.x));
    expect(epochs).toEqual([1, 2, 3]);
  });

  it('aborting mid-epoch settles within 100 ms with the partial result (native and JS loops)', async () => {
    for (const backend of ['native', 'js'] as const) {
      const f = stochasticProblem(backend);
      const ctrl = new AbortController();
      const p = minimizeStochasticAsync(f, new Float64Array(f.dim), {
        method: 'sls', batchSize: 32, epochs: 10000, seed: 1, signal: ctrl.signal,
      });
      let abortedAt = 0;
      setTimeout(() => { abortedAt = performance.now(); ctrl.abort(); }, 150);
      const r = await p;
      expect(performance.now() - abortedAt, backend).toBeLessThan(100);
      expect(r.status).toBe('aborted');
      expect(r.backend).toBe(backend);
      expect(r.nit).toBeGreaterThan(0);
      // Settled long before the 10000 epochs; the abort may land inside an epoch's batches or inside the
      // full-data checkpoint that ends an epoch (here as costly as the epoch's batches), so nit is not pinned.
      expect(r.epochs).toBeLessThan(10000);
      expect(r.fun).toBeLessThan(r.initialFun);
    }
  });

  it('a pre-aborted signal rejects before any work', async () => {
    const f = stochasticProblem('native');
    await expect(minimizeStochasticAsync(f, new Float64Array(f.dim), { batchSize: 8, signal: AbortSignal.abort() }))
      .rejects.toMatchObject({ name: 'AbortError' });
  });
});
