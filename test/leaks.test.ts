/**
 * Leak checks: 100000 calls of every native objective method, and 1000 minimize / minimizeAsync runs, keep
 * the process's RSS and its external (ArrayBuffer + addon-reported) memory flat. Each scenario runs in a child
 * started with --expose-gc: a warm-up pass first (scratch buffers grow to their steady size, V8's heap settles),
 * then the measured pass, with full collections and an event-loop turn before each reading (N-API finalizers
 * of collected wrappers — lines, batch views — run after the collection).
 *
 * The bounds below catch a leak of about 50 bytes per call or 2 KiB per run while leaving room for allocator
 * noise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeChild, requireFreshDist, runNode } from './helpers/child';

const CALLS = 100_000;
const RUNS = 1000;
/**
 * Bounds on the growth over a measured pass. "native" is RSS minus V8's heap size: the memory of the addon and
 * of Node itself (V8 keeps heap pages it grew into after a collection, so raw RSS also moves with the amount of
 * JS garbage produced; the live heap is checked separately). Each figure is the smaller growth of two measured
 * windows (CALLS/2 calls or RUNS runs each): a leak of 50 bytes per call or 2 KiB per run exceeds the bound.
 */
const NATIVE_BOUND = 2 * 1024 * 1024;
const HEAP_BOUND = 2 * 1024 * 1024;
/** External memory (typed arrays, addon buffers reported to V8) may grow this much. */
const EXTERNAL_BOUND = 1024 * 1024;

type Growth = { rss: number; native: number; heap: number; external: number; ms?: number };

const CHILD = String.raw`
const lib = require(DIST);
const mode = process.argv[2];
const CALLS = Number(process.argv[3]);
const RUNS = Number(process.argv[4]);
const tick = () => new Promise((r) => setImmediate(r));
async function settle() {
  for (let k = 0; k < 3; k++) { global.gc(); await tick(); }
  const m = process.memoryUsage();
  return { rss: m.rss, native: m.rss - m.heapTotal, heap: m.heapUsed, external: m.external + m.arrayBuffers };
}
const growth = (a, b) => ({ rss: b.rss - a.rss, native: b.native - a.native, heap: b.heap - a.heap, external: b.external - a.external });

// Small problems: calls stay fast, so 100000 of them take well under a second per method.
function problems() {
  const n = 30, d = 6;
  const data = Float64Array.from({ length: n * d }, (_, k) => Math.sin(k * 0.37) * 2);
  const dense = new lib.DenseMatrix(data, n, d);
  const indptr = new Int32Array(n + 1); const idx = []; const val = [];
  for (let i = 0; i < n; i++) { for (let j = 0; j < d; j++) if ((i + j) % 3) { idx.push(j); val.push(data[i * d + j]); } indptr[i + 1] = idx.length; }
  const csr = new lib.CsrMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val));
  const y01 = Float64Array.from({ length: n }, (_, i) => i % 2);
  const cls = Float64Array.from({ length: n }, (_, i) => i % 3);
  return {
    'logistic dense': lib.logistic(dense, y01, { l2: 0.1, backend: 'native' }),
    'least-squares csr': lib.leastSquares(csr, y01, { l2: 0.1, backend: 'native' }),
    'softmax csr': lib.softmax(csr, cls, { classes: 3, l2: 0.1, backend: 'native' }),
  };
}

// One call of each member; x moves every call so that no cache hides the work.
function member(f, name) {
  const x = new Float64Array(f.dim), v = new Float64Array(f.dim).fill(0.5), out = new Float64Array(f.dim);
  const rows = [0, 3, 7, 7, 11];
  let k = 0;
  const ops = {
    value: () => f.value(x),
    gradient: () => f.gradient(x, out),
    valueAndGradient: () => f.valueAndGradient(x, out),
    hessVec: () => f.hessVec(x, v, out),
    hessDiag: () => f.hessDiag(x, out),
    along: () => { const l = f.along(x, v); l.value(0.3); return l.valueAndSlope(0.1).value; },
    batch: () => f.batch(rows).value(x),
  };
  const op = ops[name];
  return () => { x[k++ % x.length] = (k % 97) * 1e-3; return op(); };
}

// Warm-up (scratch reaches its steady size), then two windows of count/2 calls; the smaller growth of the two
// is reported per metric: a leak grows both windows, allocator noise rarely both.
async function measure(fn, count) {
  for (let i = 0; i < count / 5; i++) fn();
  const half = count / 2;
  const w = async () => { for (let c = 0; c < 5; c++) { for (let i = 0; i < half / 5; i++) fn(); await tick(); } };
  const a0 = await settle(); await w(); const a1 = await settle(); await w(); const a2 = await settle();
  const g1 = growth(a0, a1), g2 = growth(a1, a2);
  const out = {};
  for (const k of Object.keys(g1)) out[k] = Math.min(g1[k], g2[k]);
  return out;
}

async function main() {
  const out = {};
  if (mode === 'objectives') {
    for (const [pname, f] of Object.entries(problems())) {
      for (const name of ['value', 'gradient', 'valueAndGradient', 'hessVec', 'hessDiag', 'along', 'batch']) {
        const t = performance.now();
        out[pname + ' ' + name] = { ...(await measure(member(f, name), CALLS)), ms: Math.round(performance.now() - t) };
      }
    }
  } else {
    const f = problems()['logistic dense'];
    const methods = ['lbfgs', 'mdb-ellipsoid', 'newton-cg', 'gd'];
    let i = 0;
    const opts = () => ({ method: methods[i++ % methods.length], maxIterations: 15 });
    const x0 = new Float64Array(f.dim);
    // Each driver: a warm-up of RUNS runs (thread pools, malloc arenas and V8's heap reach their steady size),
    // then two measured windows of RUNS runs; a leak grows both windows, while allocator noise (arenas of
    // worker threads, V8 returning heap pages) shows up in one at most, so the smaller growth is reported.
    async function windows(run) {
      await run();
      const a0 = await settle(); await run(); const a1 = await settle(); await run(); const a2 = await settle();
      const g1 = growth(a0, a1), g2 = growth(a1, a2);
      const out = {};
      for (const k of Object.keys(g1)) out[k] = Math.min(g1[k], g2[k]);
      return out;
    }
    out.minimize = await windows(async () => { for (let k = 0; k < RUNS; k++) { lib.minimize(f, x0, opts()); if (k % 200 === 0) await tick(); } });
    out.minimizeAsync = await windows(async () => {
      for (let k = 0; k < RUNS; k += 4) await Promise.all([0, 1, 2, 3].map(() => lib.minimizeAsync(f, x0, { ...opts(), onProgress: () => {}, progressEvery: 3 })));
    });
    // Runs that throw from the callback or are aborted must not leak either (error paths).
    out['error paths'] = await windows(async () => {
      for (let k = 0; k < RUNS / 2; k++) {
        try { lib.minimize(f, x0, { method: 'lbfgs', maxIterations: 50, gradTol: 0, callback: () => { throw new Error('stop'); } }); } catch { /* expected */ }
        const c = new AbortController();
        const p = lib.minimizeAsync(f, x0, { method: 'lbfgs', maxIterations: 50, gradTol: 0, signal: c.signal });
        c.abort();
        await p;
      }
    });
  }
  console.log(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

function runLeakChild(mode: string): Record<string, Growth> {
  const r = runNode(CHILD, { nodeArgs: ['--expose-gc'], args: [mode, String(CALLS), String(RUNS)], timeoutMs: 180_000 });
  expect(r.status, describeChild(r)).toBe(0);
  return r.json as Record<string, Growth>;
}

function report(title: string, out: Record<string, Growth>): void {
  const kib = (v: number): string => (v / 1024).toFixed(0).padStart(7);
  const lines = Object.entries(out).map(([k, v]) =>
    `  ${k.padEnd(34)} native ${kib(v.native)} KiB  heap ${kib(v.heap)} KiB  external ${kib(v.external)} KiB  (rss ${kib(v.rss)} KiB)${v.ms === undefined ? '' : `  ${v.ms} ms`}`);
  console.log(`${title}\n${lines.join('\n')}`);
}

function expectFlat(name: string, g: Growth): void {
  expect(g.native, `${name}: native (RSS - V8 heap) growth`).toBeLessThan(NATIVE_BOUND);
  expect(g.heap, `${name}: live JS heap growth`).toBeLessThan(HEAP_BOUND);
  expect(g.external, `${name}: external growth`).toBeLessThan(EXTERNAL_BOUND);
}

describe('memory stays flat (child processes with --expose-gc)', () => {
  beforeAll(() => requireFreshDist());

  it(`${CALLS} calls of every native objective method`, () => {
    const out = runLeakChild('objectives');
    report(`leaks.test.ts: growth over ${CALLS} calls after warm-up`, out);
    expect(Object.keys(out).length).toBe(21);
    for (const [name, g] of Object.entries(out)) expectFlat(name, g);
  });

  it(`${RUNS} minimize and ${RUNS} minimizeAsync runs, and the error paths`, () => {
    const out = runLeakChild('drivers');
    report(`leaks.test.ts: growth over ${RUNS} runs after warm-up`, out);
    for (const name of ['minimize', 'minimizeAsync', 'error paths']) expectFlat(name, out[name]);
  });
});
