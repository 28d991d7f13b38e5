// Native vs TypeScript stochastic runs (3 epochs, every method) on logistic breast-cancer (bias, l2 = 1/n)
// and least-squares diabetes (bias). Needs the native addon (STEPSEARCH_ADDON or a build in build/).
//
// Two comparisons:
//  - the C++ loop vs the TypeScript loop on the SAME native objective: every evaluation is then the same C++
//    kernel, so any difference would come from the drivers, the sampling stream or the methods (expected 0);
//  - the C++ loop on the native objective vs the TypeScript loop on the pure-JS objective: the objectives
//    round alike (test/parity.test.ts), so the runs must agree bit for bit.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLibsvmSync } from '../lib/io/libsvm';
import { loadNative } from '../lib/native';
import { leastSquares, logistic } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { minimizeStochastic, type StochasticResult } from '../lib/stochastic/driver';
import { relErr, relErrScalar } from './helpers/random-data';

const TOL = 1e-10;

const cancer = readLibsvmSync(path.join(__dirname, '../examples/data/breast_cancer_wdbc.libsvm'), { bias: true });
const diabetes = readLibsvmSync(path.join(__dirname, 'fixtures/diabetes.libsvm'), { bias: true });

const problems: { name: string; make: (backend: 'native' | 'js') => Objective }[] = [
  { name: 'logistic breast-cancer', make: (backend) => logistic(cancer.X, cancer.y, { l2: 1 / cancer.X.rows, backend }) },
  { name: 'least-squares diabetes', make: (backend) => leastSquares(diabetes.X, diabetes.y, { backend }) },
];

const configs: [string, Record<string, unknown>][] = [
  ['sls', {}], ['sls', { resetOption: 11, maxTrials: 30 }], ['sls', { lineSearchBatch: 'independent' }],
  ['sls', { preset: 'slsAmsgrad' }], ['sls', { lineSearch: 'goldstein' }], ['sls', { precond: 'adagrad', beta1: 0.9, searchDirection: 'step' }],
  ['sps', {}], ['sps', { variant: 'max', maxStep: 10, fStar: 0.01 }],
  ['sls', { precond: 'adam' }], ['sls', { precond: 'amsgrad', beta1: 0.9, searchDirection: 'step' }],
  ['ponos', {}], ['ponos', { preset: 'ponosPrec' }], ['ponos', { lineSearchBatch: 'independent', xi: 0.5 }],
  ['ponos', { precond: 'adam' }], ['ponos', { precond: 'adagrad' }],
  ['sgd', { learningRate: 1e-7, momentum: 0.9, decay: 'inverse-sqrt' }], ['adam', {}], ['adam', { amsgrad: true }],
  ['adagrad', {}], ['lion', { learningRate: 1e-3 }],
];

function run(f: Objective, method: string, extra: Record<string, unknown>, backend: 'native' | 'js'): StochasticResult {
  return minimizeStochastic(f, new Float64Array(f.dim), {
    method: method as 'sls', batchSize: 32, epochs: 3, seed: 7, trace: true, backend, ...extra,
  });
}

function expectClose(a: StochasticResult, b: StochasticResult, tol: number): void {
  expect(relErr(a.x, b.x)).toBeLessThanOrEqual(tol);
  expect(relErrScalar(a.fun, b.fun)).toBeLessThanOrEqual(tol);
  expect(a.trace!.length).toBe(b.trace!.length);
  a.trace!.forEach((e, k) => expect(relErrScalar(e.fun, b.trace![k].fun)).toBeLessThanOrEqual(tol));
}

function expectSameCounts(a: StochasticResult, b: StochasticResult): void {
  expect([a.status, a.nit, a.epochs, a.nfev, a.ngev, a.fullEvaluations, a.backtracks, a.exhaustedSearches, a.skippedSteps])
    .toEqual([b.status, b.nit, b.epochs, b.nfev, b.ngev, b.fullEvaluations, b.backtracks, b.exhaustedSearches, b.skippedSteps]);
}

describe.each(problems)('$name', ({ name, make }) => {
  const native = make('native');
  const js = make('js');

  it.each(configs)('%s %j: the native loop is reproducible and equals the TS loop on the same objective', (method, extra) => {
    const a = run(native, method, extra, 'native');
    const again = run(native, method, extra, 'native');
    expect(a.backend).toBe('native');
    expect(Array.from(again.x)).toEqual(Array.from(a.x));
    expect(again.trace!.map((e) => e.fun)).toEqual(a.trace!.map((e) => e.fun));
    const tsLoop = run(native, method, extra, 'js');
    expect(tsLoop.backend).toBe('js');
    expectSameCounts(a, tsLoop);
    expectClose(a, tsLoop, TOL);
    // Records carry the same fields from both drivers.
    expect(Object.keys(a.trace![0]).sort()).toEqual(Object.keys(tsLoop.trace![0]).sort());
  });

  it.each(configs)('%s %j: native (C++ loop and objective) vs pure TypeScript are bit-identical', (method, extra) => {
    // The TS objectives round exactly as the native ones on one thread (these problems are below the native
    // parallel threshold), and the two loops make the same operations: the runs agree bit for bit. That
    // includes plain PoNoS on the raw breast-cancer features, which amplifies a last-bit difference ~10×
    // every few iterations (measured with Math.exp-based TS losses: 6e-14 after epoch 1, 3e-3 after epoch 3).
    const a = run(native, method, extra, 'native');
    const b = run(js, method, extra, 'js');
    expectSameCounts(a, b);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.fun).toBe(b.fun);
    expect(a.trace!.map((e) => [e.fun, e.gradNorm, e.stepSize])).toEqual(b.trace!.map((e) => [e.fun, e.gradNorm, e.stepSize]));
  });
});

describe('native driver options', () => {
  const native = problems[1].make('native');

  it('a callback returning stop, maxIterations and checkEvery behave as in TypeScript', () => {
    const epochs: number[] = [];
    const r = minimizeStochastic(native, new Float64Array(native.dim), {
      method: 'sls', batchSize: 50, epochs: 6, seed: 1, backend: 'native', checkEvery: 2,
      callback: (e) => {
        epochs.push(e.epoch);
        return e.epoch === 4 ? 'stop' : undefined;
      },
    });
    expect([r.status, r.epochs, epochs]).toEqual(['callback-stop', 4, [2, 4]]);
    const m = minimizeStochastic(native, new Float64Array(native.dim), { method: 'sps', batchSize: 50, epochs: 6, maxIterations: 11, backend: 'native' });
    const t = minimizeStochastic(native, new Float64Array(native.dim), { method: 'sps', batchSize: 50, epochs: 6, maxIterations: 11, backend: 'js' });
    expect([m.status, m.nit, m.fullEvaluations]).toEqual(['max-iterations', 11, 3]); // x0, epoch 1, final point
    expectSameCounts(m, t);
    expect(m.fun).toBe(t.fun);
  });

  it('an exception thrown by the callback propagates', () => {
    expect(() => minimizeStochastic(native, new Float64Array(native.dim), {
      method: 'sps', batchSize: 50, epochs: 3, backend: 'native', callback: () => {
        throw new Error('boom');
      },
    })).toThrow('boom');
  });
});

describe('the binding validates what it is given (bad input never reaches the core)', () => {
  const native = problems[1].make('native') as Objective & { handle: unknown };
  const addon = loadNative();
  const x0 = new Float64Array(native.dim);
  const ok = { method: 'sgd', batchSize: 8, epochs: 1, settings: { learningRate: 1e-7 } };

  it('rejects bad handles, points and options with errors naming them', () => {
    expect(addon.minimizeStochastic(native.handle, x0, ok).status).toBe('max-iterations');
    expect(() => addon.minimizeStochastic({}, x0, ok)).toThrow(/objective/);
    expect(() => addon.minimizeStochastic(native.handle, new Float64Array(2), ok)).toThrow(RangeError);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, method: 'nope' })).toThrow(/method/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, batchSize: undefined })).toThrow(/batchSize/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, seed: -3 })).toThrow(/seed/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, checkEvery: 0.5 })).toThrow(/checkEvery/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, settings: {} })).toThrow(/learningRate/);
    expect(() => addon.minimizeStochastic(native.handle, x0, { ...ok, method: 'sls', settings: { precond: 'x' } })).toThrow(/precond/);
    expect(() => addon.minimizeStochastic(native.handle, x0, ok, 42)).toThrow(/callback/);
  });
});
