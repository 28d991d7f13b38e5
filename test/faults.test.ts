/**
 * Faults injected into objectives, for every deterministic method (methodNames()):
 *
 * - Non-finite values at some trial points (spec §0 "NaN/Inf policy": a non-finite f or g at a trial is a
 *   failed trial; the method backtracks, or stops with 'non-finite' / 'line-search-failed'): a user objective
 *   that returns NaN (or +Infinity, or a NaN gradient) whenever ‖x‖ > R, and a native least-squares problem
 *   started where trial points overflow to ±Infinity. Each run has a bounded budget and must end with a
 *   documented status at a point where f is finite and equal to the reported fun — never loop, never report a
 *   NaN point as the answer.
 * - User objectives that throw (the same error reaches the caller), return the wrong type (a TypeError naming
 *   the objective), or modify their inputs (a contract violation: the run still ends with a documented status).
 *
 * The non-finite matrix runs in a child process, so that a method that looped forever would fail this file
 * (time limit) instead of hanging the test worker.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { methodNames, minimize, minimizeAsync, objective } from '../lib/index';
import type { Status } from '../lib/result';
import { describeChild, requireFreshDist, runNode } from './helpers/child';

/** The documented statuses a run without callback, abort or time limit may end with (lib/result.ts). */
const TERMINAL: readonly Status[] = ['grad-tol', 'f-tol', 'max-iterations', 'max-evaluations', 'line-search-failed', 'non-finite'];
const MAX_ITERATIONS = 200;
const MAX_EVALUATIONS = 5000;

const CHILD = String.raw`
const lib = require(DIST);
const { findMethod } = require(require('path').join(ROOT, 'dist', 'optimizers', 'registry.js'));
const D = 6, R = 2;
// f(x) = ½ Σ h_i (x_i − c_i)² with ‖c‖ = 1.9 < R (the minimizer is inside the finite region, near its edge),
// h spread over three orders of magnitude, started on the far side of the origin: steps overshoot into the
// faulty region.
const H = Float64Array.from({ length: D }, (_, i) => 10 ** (i / 2 - 1));
const C = Float64Array.from({ length: D }, (_, i) => (i % 2 ? 1 : -1) * 1.9 / Math.sqrt(D));
const X0 = () => Float64Array.from(C, (c) => -0.5 * c);
function norm(x) { let s = 0; for (let i = 0; i < x.length; i++) s += x[i] * x[i]; return Math.sqrt(s); }
function quad(x, g) { let f = 0; for (let i = 0; i < D; i++) { const r = x[i] - C[i]; f += 0.5 * H[i] * r * r; if (g) g[i] = H[i] * r; } return f; }
let faults = 0; // evaluations that landed in the faulty region (non-finite results handed to the method)
function faulty(kind) {
  const bad = (x) => { const b = norm(x) > R; if (b) faults++; return b; };
  return lib.objective((x, g) => {
    const f = quad(x, g);
    if (!bad(x)) return f;
    if (kind === 'nan') { g.fill(NaN); return NaN; }
    if (kind === 'inf') { g.fill(1); return Infinity; }
    g[0] = NaN; return f; // 'nan-gradient': finite f, non-finite gradient
  }, D, {
    value: (x) => (bad(x) ? (kind === 'inf' ? Infinity : kind === 'nan' ? NaN : quad(x)) : quad(x)),
    hessVec: (x, v, out) => { for (let i = 0; i < D; i++) out[i] = bad(x) && kind !== 'inf' ? NaN : H[i] * v[i]; },
    hessDiag: (x, out) => { for (let i = 0; i < D; i++) out[i] = bad(x) && kind !== 'inf' ? NaN : H[i]; },
  });
}
// Native least squares from x0 = 1e152: f ≈ 1e306 is finite, but a step of the size of the gradient (≈ 1e154)
// lands where (Xw − y)² overflows to +Infinity inside the native kernels.
function overflowing(backend) {
  const n = 20, d = 4;
  const X = new lib.DenseMatrix(Float64Array.from({ length: n * d }, (_, k) => 1 + ((k * 7) % 5)), n, d);
  return lib.leastSquares(X, Float64Array.from({ length: n }, (_, i) => i), { backend });
}
const out = {};
const scenarios = {
  'nan outside the ball': () => [faulty('nan'), X0()],
  '+Infinity outside the ball': () => [faulty('inf'), X0()],
  'NaN gradient outside the ball': () => [faulty('nan-gradient'), X0()],
  'NaN at x0': () => [faulty('nan'), new Float64Array(D).fill(5)],
  'native overflow, native loop': () => [overflowing('native'), new Float64Array(4).fill(1e152)],
  'native overflow, JS loop': () => [overflowing('native'), new Float64Array(4).fill(1e152), 'js'],
};
for (const method of lib.methodNames()) {
  out[method] = {};
  for (const [name, make] of Object.entries(scenarios)) {
    const [f, x0, backend] = make();
    const t = performance.now();
    faults = 0;
    let r;
    try {
      r = lib.minimize(f, x0, { method, maxIterations: ${MAX_ITERATIONS}, maxEvaluations: ${MAX_EVALUATIONS}, backend });
    } catch (e) {
      out[method][name] = { threw: e.constructor.name + ': ' + e.message };
      continue;
    }
    const again = f.value(r.x);
    out[method][name] = {
      status: r.status, nit: r.nit, nfev: r.nfev, ngev: r.ngev, fun: r.fun, initialFun: r.initialFun, again,
      finiteX: Array.from(r.x).every(Number.isFinite), inBall: f.backend === 'js' ? norm(r.x) <= R : true,
      backend: r.backend, ms: Math.round(performance.now() - t), faults,
    };
  }
}
console.log(JSON.stringify(out));
`;

interface Outcome {
  status: Status; nit: number; nfev: number; ngev: number; fun: number; initialFun: number; again: number;
  finiteX: boolean; inBall: boolean; backend: string; ms: number; faults: number; threw?: string;
}

describe('non-finite values at trial points, every method (child process)', () => {
  let table: Record<string, Record<string, Outcome>>;
  beforeAll(() => {
    requireFreshDist();
    const r = runNode(CHILD, { timeoutMs: 120_000 });
    expect(r.status, `a method crashed or looped: ${describeChild(r)}`).toBe(0);
    table = r.json as Record<string, Record<string, Outcome>>;
    const lines = Object.entries(table).map(([m, row]) =>
      `  ${m.padEnd(14)} ${Object.values(row).map((o) => (o.threw ? 'THREW' : `${o.status}/${o.nit}${o.faults ? `/${o.faults}f` : ''}`).padEnd(26)).join('')}`);
    console.log(`faults.test.ts: status/nit[/faulty evaluations] per method and scenario (${Object.keys(Object.values(table)[0]).join(' | ')})\n${lines.join('\n')}`);
  }, 150_000);

  it('covers every registered method, and the faults are really met', () => {
    expect(Object.keys(table).sort()).toEqual([...methodNames()].sort());
    // Most methods overshoot into the faulty region at least once (small or exact steps need not).
    const hit = Object.values(table).filter((row) => row['nan outside the ball'].faults > 0).length;
    expect(hit).toBeGreaterThanOrEqual(methodNames().length / 2);
    // The overflow problem is finite at x0 and overflows on the way.
    for (const row of Object.values(table)) expect(Number.isFinite(row['native overflow, native loop'].initialFun)).toBe(true);
  });

  it.each(methodNames())('%s terminates with a documented status at a finite, consistent point', (method) => {
    for (const [scenario, o] of Object.entries(table[method])) {
      const what = `${method}, ${scenario}`;
      expect(o.threw, what).toBeUndefined();
      expect(TERMINAL, what).toContain(o.status);
      expect(o.nit, what).toBeLessThanOrEqual(MAX_ITERATIONS);
      // The budget is checked after each iteration; one iteration's line search may overshoot it a little.
      expect(o.nfev + o.ngev, what).toBeLessThanOrEqual(MAX_EVALUATIONS + 100);
      expect(o.finiteX, what).toBe(true);
      if (scenario === 'NaN at x0') {
        // Nothing to start from: stop at once (spec §0).
        expect([o.status, o.nit], what).toEqual(['non-finite', 0]);
        continue;
      }
      // The answer is an accepted point: f finite there and the reported value is f(x). (Not necessarily below
      // f(x0): rprop, the AdaGrads and HyperGD accept increases by design.)
      expect(Number.isFinite(o.fun), what).toBe(true);
      expect(o.inBall, `${what}: the reported point lies where f is not finite`).toBe(true);
      expect(Math.abs(o.again - o.fun), what).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(o.fun)));
      if (scenario === 'native overflow, native loop') expect(o.backend, what).toBe('native');
    }
  });
});

describe('user objectives that misbehave', () => {
  const D = 4;
  const quad = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < D; i++) {
      g[i] = (i + 1) * (x[i] - 1);
      f += 0.5 * (i + 1) * (x[i] - 1) ** 2;
    }
    return f;
  };
  const withHessians = {
    hessVec: (_x: Float64Array, v: Float64Array, out: Float64Array) => { for (let i = 0; i < D; i++) out[i] = (i + 1) * v[i]; },
    hessDiag: (_x: Float64Array, out: Float64Array) => { for (let i = 0; i < D; i++) out[i] = i + 1; },
  };

  it.each(methodNames())('%s: an objective that throws on its 4th call rethrows that error (sync and async)', async (method) => {
    for (const run of ['sync', 'async'] as const) {
      const boom = new Error(`objective failure (${method}, ${run})`);
      let calls = 0;
      const f = objective((x, g) => {
        if (++calls === 4) throw boom;
        return quad(x, g);
      }, D, {
        value: (x) => { if (++calls === 4) throw boom; return quad(x, new Float64Array(D)); },
        ...withHessians,
      });
      const go = () => (run === 'sync' ? Promise.resolve().then(() => minimize(f, new Float64Array(D), { method, gradTol: 0, maxIterations: 50 }))
        : minimizeAsync(f, new Float64Array(D), { method, gradTol: 0, maxIterations: 50 }));
      await expect(go(), `${method} ${run}`).rejects.toBe(boom);
    }
  });

  it.each(methodNames())('%s: a wrong return type is a TypeError naming the objective', (method) => {
    for (const bad of ['1', null, undefined, {}, [1], 1n, new Float64Array(1)]) {
      let calls = 0;
      const f = objective((x, g) => (++calls > 2 ? (bad as unknown as number) : quad(x, g)), D, withHessians);
      let err: unknown;
      try {
        minimize(f, new Float64Array(D), { method, gradTol: 0, maxIterations: 50 });
      } catch (e) {
        err = e;
      }
      expect(err, `${method} returning ${String(bad)}`).toBeInstanceOf(TypeError);
      expect((err as Error).message).toMatch(/^objective: /);
    }
  });

  it.each(methodNames())('%s: an objective that modifies x and its outputs still ends with a documented status', (method) => {
    // A contract violation (objectives must not modify their inputs); the run may end anywhere, but it ends,
    // with a documented status and a finite reported value.
    const f = objective((x, g) => {
      const v = quad(x, g);
      x.fill(1e6);
      return v;
    }, D, {
      hessVec: (x, v, out) => { for (let i = 0; i < D; i++) out[i] = (i + 1) * v[i]; x.fill(-5); v.fill(NaN); },
      hessDiag: (x, out) => { out.fill(1); x.fill(7); },
    });
    const r = minimize(f, new Float64Array(D), { method, maxIterations: 100 });
    expect(TERMINAL).toContain(r.status);
    expect(Number.isFinite(r.fun)).toBe(true);
  });

  it('returning NaN for every point but x0 ends each method quickly with a documented status', () => {
    for (const method of methodNames()) {
      let first = true;
      const f = objective((x, g) => {
        const v = quad(x, g);
        if (first) { first = false; return v; }
        g.fill(NaN);
        return NaN;
      }, D, withHessians);
      const r = minimize(f, new Float64Array(D), { method, maxIterations: 500 });
      expect(TERMINAL, method).toContain(r.status);
      expect(r.fun, method).toBe(r.initialFun); // no step was ever accepted
      expect(Array.from(r.x), method).toEqual([0, 0, 0, 0]);
    }
  });
});
