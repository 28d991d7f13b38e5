/**
 * Resource limits and errors raised inside native runs.
 *
 * - Sizes whose buffers cannot exist give a RangeError naming the argument before anything is allocated
 *   (dense shapes whose product overflows, softmax scores rows × classes, mini-batches of absurd length).
 * - A native allocation that fails anyway (the machine is too small for a legal size) becomes a RangeError
 *   "X: out of memory" from every entry point, sync and async, instead of a bare "std::bad_alloc" Error. This is
 *   checked in a child whose address space is capped with `ulimit -v`. Under scripts/sanitize-test.sh that child
 *   runs the regular (uninstrumented) addon: ASan's throwing operator new reports out-of-memory and aborts
 *   instead of throwing std::bad_alloc, whatever its options, and its shadow memory needs terabytes of address
 *   space; the sanitizer run still covers every other test of this file.
 * - An exception thrown by a user callback during a native run reaches the caller as the original error
 *   object (sync minimize, minimizeAsync's callback, minimizeStochastic), and the objective stays usable.
 *   (minimizeAsync's onProgress throwing is covered by test/async.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DenseMatrix } from '../lib/data';
import { loadNative } from '../lib/native';
import {
  leastSquares, logistic, methodNames, minimize, minimizeAsync, minimizeStochastic, softmax, stochasticMethodNames,
} from '../lib/index';
import { UNDER_ASAN, describeChild, requireFreshDist, runNode } from './helpers/child';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('sizes that cannot be allocated are refused up front', () => {
  it('DenseMatrix: rows × cols beyond any array (product overflow) is a RangeError naming the argument', () => {
    for (const [rows, cols] of [[2 ** 31 - 2, 2 ** 31 - 2], [2 ** 30, 2 ** 30], [1e9, 1e9], [2 ** 26, 2 ** 27]]) {
      const e = thrown(() => new DenseMatrix(new Float64Array(4), rows, cols));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/^data: expected length rows\*cols/);
    }
    for (const bad of [2 ** 31, 2 ** 53, 1e300]) {
      expect(thrown(() => new DenseMatrix(new Float64Array(4), bad, 1)).message).toMatch(/^rows:/);
      expect(thrown(() => new DenseMatrix(new Float64Array(4), 1, bad)).message).toMatch(/^cols:/);
    }
  });

  it('softmax: classes × features or classes × rows too large is a RangeError before the first evaluation', () => {
    const X = new DenseMatrix(Float64Array.from({ length: 4000 }, (_, k) => k % 7), 1000, 4);
    const labels = new Float64Array(1000);
    // Parameters: cols × classes > 2^31 − 1 (checked by the factory, both backends).
    for (const backend of ['native', 'js'] as const) {
      const e = thrown(() => softmax(X, labels, { classes: 2 ** 30, backend }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/^classes:/);
    }
    // Cached scores: rows × classes > 2^31 − 1 with a legal parameter count (native: checked by the binding
    // before any scratch is allocated; the TypeScript backend's own allocation fails with a RangeError).
    const e = thrown(() => softmax(X, labels, { classes: 5e6, backend: 'native' }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(/^classes: X\.rows × classes = 5000000000 cached scores is too many/);
    expect(thrown(() => softmax(X, labels, { classes: 5e6, backend: 'js' }))).toBeInstanceOf(RangeError);
  });

  it('softmax: more than 2^24 classes is a RangeError at once, even where rows × classes would fit', () => {
    // One row and one column: rows × classes and cols × classes pass their bounds, but the binding used to
    // allocate 16 GiB of scores for classes = 2^31 − 1 (51 s and 17 GB RSS before the first call).
    const X = new DenseMatrix(Float64Array.from([0]), 1, 1);
    const addon = loadNative();
    for (const classes of [2 ** 24 + 1, 2 ** 31 - 1]) {
      const t0 = performance.now();
      for (const backend of ['native', 'js'] as const) {
        const e = thrown(() => softmax(X, [0], { classes, backend }));
        expect(e).toBeInstanceOf(RangeError);
        expect(e.message).toMatch(/^classes:/);
      }
      const raw = thrown(() => new addon.LinearObjective('softmax', { kind: 'dense', data: X.data, rows: 1, cols: 1 }, Float64Array.from([0]), 0, classes));
      expect(raw).toBeInstanceOf(RangeError);
      expect(raw.message).toMatch(/^classes/);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });

  it('batch: an absurdly long or holey row list is refused at once, without allocating it', () => {
    const X = new DenseMatrix(Float64Array.from({ length: 20 }, (_, k) => k), 10, 2);
    const f = logistic(X, Float64Array.from({ length: 10 }, (_, i) => i % 2));
    const t0 = performance.now();
    const holes = thrown(() => f.batch(new Array(2 ** 32 - 1)));
    expect(holes).toBeInstanceOf(RangeError);
    expect(holes.message).toMatch(/^rows: at most 2147483647 row indices/);
    const sparse = new Array(5000);
    sparse[0] = 1;
    expect(thrown(() => f.batch(sparse))).toBeInstanceOf(TypeError);
    expect(thrown(() => f.batch({ length: 1e12 } as unknown as number[])).message).toMatch(/^rows:/);
    expect(performance.now() - t0).toBeLessThan(200); // nothing proportional to the claimed length was done
  });
});

describe('a failed native allocation is a RangeError, not an abort or "std::bad_alloc"', () => {
  beforeAll(() => requireFreshDist());

  it('value, along, minimize and minimizeAsync on a problem larger than the address-space cap', () => {
    // 1000 rows × 2e6 classes = 2e9 cached scores (legal: below 2^31) = 16 GB of scratch; the cap is 3 GB.
    const script = String.raw`
      const lib = require(DIST);
      const X = new lib.DenseMatrix(Float64Array.from({ length: 1000 }, (_, i) => i % 3), 1000, 1);
      const f = lib.softmax(X, Float64Array.from({ length: 1000 }, (_, i) => i % 5), { classes: 2e6, backend: 'native' });
      const x = new Float64Array(f.dim);
      const out = {};
      const record = (name, fn) => { try { fn(); out[name] = 'returned'; } catch (e) { out[name] = e.constructor.name + ': ' + e.message; } };
      record('value', () => f.value(x));
      record('gradient', () => f.gradient(x));
      record('along', () => f.along(x, x).value(1));
      record('minimize', () => lib.minimize(f, x, { method: 'gd', maxIterations: 2 }));
      lib.minimizeAsync(f, x, { method: 'lbfgs', maxIterations: 2 }).then(
        () => { out.minimizeAsync = 'returned'; }, (e) => { out.minimizeAsync = e.constructor.name + ': ' + e.message; })
        .then(() => {
          // The objective is still usable on a smaller problem built afterwards.
          const g = lib.logistic(new lib.DenseMatrix(new Float64Array([1, 2, 3, 4]), 2, 2), [0, 1], { backend: 'native' });
          out.after = g.value(new Float64Array(2));
          console.log(JSON.stringify(out));
        });
    `;
    // Under ASan: no preload, and the regular build (STEPSEARCH_PLAIN_ADDON, or node-gyp-build's search).
    const env = UNDER_ASAN ? { LD_PRELOAD: '', STEPSEARCH_ADDON: process.env.STEPSEARCH_PLAIN_ADDON ?? '' } : {};
    const r = runNode(script, { shellPrefix: 'ulimit -v 3000000;', env });
    expect(r.status, describeChild(r)).toBe(0);
    const out = r.json as Record<string, string | number>;
    for (const name of ['value', 'gradient', 'along', 'minimize', 'minimizeAsync']) {
      expect(out[name], name).toBe('RangeError: X: out of memory (the problem is too large for this machine)');
    }
    expect(out.after).toBeCloseTo(Math.LN2, 15);
  });
});

describe('an exception thrown by a user callback during a native run propagates as the original error', () => {
  const X = new DenseMatrix(Float64Array.from({ length: 600 }, (_, k) => Math.sin(k * 0.7)), 200, 3);
  const y = Float64Array.from({ length: 200 }, (_, i) => (i * 7) % 2);
  const f = logistic(X, y, { l2: 1e-3, backend: 'native' });
  const x0 = new Float64Array(3);

  it.each(methodNames())('minimize (native loop), method %s: the callback error, at the iteration it was thrown', (method) => {
    const boom = new Error(`boom from ${method}`);
    let calls = 0;
    const e = thrown(() => minimize(f, x0, { method, gradTol: 0, maxIterations: 50, callback: () => { calls++; if (calls === 3) throw boom; } }));
    expect(e).toBe(boom);
    expect(calls).toBe(3);
    // The objective and the driver are still usable afterwards.
    expect(minimize(f, x0, { method, maxIterations: 5 }).x).toHaveLength(3);
  });

  it('minimize on the JS backend: the same error object', () => {
    const boom = new RangeError('custom');
    const fj = leastSquares(X, y, { backend: 'js' });
    expect(thrown(() => minimize(fj, x0, { method: 'lbfgs', gradTol: 0, callback: () => { throw boom; } }))).toBe(boom);
  });

  it('minimizeAsync (native worker), callback throwing: rejects with that error; later runs are unaffected', async () => {
    const boom = new TypeError('from the callback');
    await expect(minimizeAsync(f, x0, { method: 'lbfgs', gradTol: 0, maxIterations: 1000, progressEvery: 1, callback: () => { throw boom; } })).rejects.toBe(boom);
    const ok = await minimizeAsync(f, x0, { method: 'lbfgs', maxIterations: 20 });
    expect(ok.status === 'grad-tol' || ok.status === 'max-iterations').toBe(true);
  });

  it('minimizeStochastic (native), callback throwing: the same error object, for every method', () => {
    for (const method of stochasticMethodNames()) {
      const boom = new Error(`stochastic ${method}`);
      const opts: Record<string, unknown> = { method, batchSize: 16, epochs: 5, callback: () => { throw boom; } };
      if (method === 'sgd' || method === 'lion') opts.learningRate = 0.1;
      expect(thrown(() => minimizeStochastic(f, x0, opts as never)), method).toBe(boom);
    }
  });
});
