// Native vs TypeScript backends on the same data: every Objective member agrees to 1e-12 (relative, in the
// ∞-norm for vectors). Needs the native addon (STEPSEARCH_ADDON or a build in build/).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DataMatrix } from '../lib/data';
import { readLibsvmSync } from '../lib/io/libsvm';
import { leastSquares, logistic, softmax } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { normals, randomMatrices, relErr, relErrScalar, rng } from './helpers/random-data';

type Loss = 'logistic' | 'least-squares' | 'softmax';
const TOL = 1e-12;

function pair(loss: Loss, X: DataMatrix, y: Float64Array, l2: number, classes: number): [Objective, Objective] {
  const make = (backend: 'native' | 'js') => {
    if (loss === 'logistic') return logistic(X, y, { l2, backend });
    if (loss === 'least-squares') return leastSquares(X, y, { l2, backend });
    return softmax(X, y, { classes, l2, backend });
  };
  return [make('native'), make('js')];
}

/** Compares every member of the two objectives at a few points. */
function compare(nat: Objective, js: Objective, seed: number, xScale: number): void {
  expect(nat.backend).toBe('native');
  expect(js.backend).toBe('js');
  expect(nat.dim).toBe(js.dim);
  expect(nat.numSamples).toBe(js.numSamples);
  const rand = rng(seed);
  const dim = js.dim;
  for (const x of [new Float64Array(dim), normals(rand, dim, xScale)]) {
    const v = normals(rand, dim);
    const d = normals(rand, dim, xScale);
    expect(relErrScalar(nat.value(x), js.value(x))).toBeLessThanOrEqual(TOL);
    const gn = new Float64Array(dim);
    const gj = new Float64Array(dim);
    expect(relErrScalar(nat.valueAndGradient(x, gn), js.valueAndGradient(x, gj))).toBeLessThanOrEqual(TOL);
    expect(relErr(gn, gj)).toBeLessThanOrEqual(TOL);
    expect(relErr(nat.gradient(x), js.gradient(x))).toBeLessThanOrEqual(TOL);
    expect(relErr(nat.hessVec!(x, v), js.hessVec!(x, v))).toBeLessThanOrEqual(TOL);
    expect(relErr(nat.hessDiag!(x), js.hessDiag!(x))).toBeLessThanOrEqual(TOL);
    const ln = nat.along(x, d);
    const lj = js.along(x, d);
    for (const t of [0, 1e-3, 0.5, -2, 10]) {
      expect(relErrScalar(ln.value(t), lj.value(t))).toBeLessThanOrEqual(TOL);
      const a = ln.valueAndSlope(t);
      const b = lj.valueAndSlope(t);
      expect(relErrScalar(a.value, b.value)).toBeLessThanOrEqual(TOL);
      // The slope is a sum of signed terms: compare relative to the size of those terms (‖∇f‖₂‖d‖₂).
      const g = js.gradient(x.map((xj, j) => xj + t * d[j]));
      const scale = Math.hypot(...g) * Math.hypot(...d);
      expect(Math.abs(a.slope - b.slope)).toBeLessThanOrEqual(TOL * Math.max(Math.abs(b.slope), scale));
    }
  }
}

const LOSSES: Loss[] = ['logistic', 'least-squares', 'softmax'];

function targets(loss: Loss, n: number, classes: number, seed: number): Float64Array {
  const rand = rng(seed);
  if (loss === 'logistic') return Float64Array.from({ length: n }, () => (rand() < 0.4 ? 0 : 1));
  if (loss === 'softmax') return Float64Array.from({ length: n }, () => Math.floor(rand() * classes));
  return normals(rand, n, 5);
}

describe('native vs TS parity', () => {
  // Small (single-threaded) and large enough for the native kernels to split rows over threads.
  for (const [n, d, label] of [
    [40, 7, 'small'],
    [6000, 40, 'large'],
  ] as [number, number, string][]) {
    const { dense, csr } = randomMatrices(123 + n, n, d, 0.3);
    for (const loss of LOSSES) {
      for (const [kind, X] of [
        ['dense', dense],
        ['csr', csr],
      ] as [string, DataMatrix][]) {
        it(`${label} random data: ${loss} × ${kind}, full and batch`, () => {
          const classes = 4;
          const y = targets(loss, n, classes, 17);
          const [nat, js] = pair(loss, X, y, 0.01, classes);
          compare(nat, js, 1, 0.5);
          const rows = Int32Array.from({ length: Math.min(n, 257) }, (_, k) => (k * 7919) % n);
          rows[5] = rows[3]; // a repeat
          compare(nat.batch!(rows), js.batch!(rows), 2, 0.5);
        });
      }
    }
  }

  const fixtures = path.join(__dirname, 'fixtures');
  const bundled = path.join(__dirname, '..', 'examples', 'data');
  const real: [Loss, string, number, number][] = [
    ['logistic', path.join(bundled, 'breast_cancer_wdbc.libsvm'), 1, 1e-3],
    ['least-squares', path.join(fixtures, 'diabetes.libsvm'), 1, 0.1],
    ['softmax', path.join(fixtures, 'wine.libsvm'), 3, 1e-3],
  ];
  for (const [loss, file, classes, scale] of real) {
    for (const format of ['dense', 'csr'] as const) {
      it(`${path.basename(file)}: ${loss} × ${format} with bias, l2 = 1/n`, () => {
        const { X, y } = readLibsvmSync(file, { bias: true, format });
        const [nat, js] = pair(loss, X, y, 1 / X.rows, classes);
        compare(nat, js, 3, scale);
        compare(nat.batch!([0, 5, 5, 100, X.rows - 1]), js.batch!([0, 5, 5, 100, X.rows - 1]), 4, scale);
        if (loss === 'logistic') expect(nat.value(new Float64Array(X.cols))).toBe(Math.LN2);
      });
    }
  }
});
