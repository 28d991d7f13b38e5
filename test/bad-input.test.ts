// Every malformed argument of the public objective constructors and methods raises a TypeError or RangeError
// whose message starts with the argument's name, on both backends.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CsrMatrix, DenseMatrix, type DataMatrix } from '../lib/data';
import { leastSquares, logistic, objective, softmax } from '../lib/objectives/factories';
import type { Backend, Objective } from '../lib/objectives/objective';

const X = new DenseMatrix(Float64Array.from({ length: 12 }, (_, k) => (k % 5) - 2), 4, 3);
const Xcsr = new CsrMatrix(4, 3, new Int32Array([0, 1, 3, 3, 4]), new Int32Array([2, 0, 1, 1]), new Float64Array([1, -2, 3, 4]));
const y01 = new Float64Array([0, 1, 1, 0]);
const labels = new Float64Array([0, 2, 1, 2]);
const BACKENDS: Backend[] = ['native', 'js'];

type Ctor = 'TypeError' | 'RangeError';
function expectError(fn: () => unknown, ctor: Ctor, name: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${ctor} naming ${name}`).toBeInstanceOf(ctor === 'TypeError' ? TypeError : RangeError);
  expect((caught as Error).message.startsWith(`${name}:`), (caught as Error).message).toBe(true);
}

describe.each(BACKENDS)('constructors, backend %s', (backend) => {
  it('X must be a DenseMatrix or CsrMatrix', () => {
    for (const bad of [null, undefined, new Float64Array(12), { kind: 'dense', data: new Float64Array(12), rows: 4, cols: 3 }, [[1, 2]]]) {
      expectError(() => logistic(bad as unknown as DataMatrix, y01, { backend }), 'TypeError', 'X');
      expectError(() => leastSquares(bad as unknown as DataMatrix, y01, { backend }), 'TypeError', 'X');
      expectError(() => softmax(bad as unknown as DataMatrix, labels, { classes: 3, backend }), 'TypeError', 'X');
    }
    // A plain object shaped like a CSR matrix with unsorted indices never reaches the kernels.
    const fake = { kind: 'csr', rows: 1, cols: 3, indptr: new Int32Array([0, 2]), indices: new Int32Array([2, 0]), values: new Float64Array(2) };
    expectError(() => leastSquares(fake as unknown as DataMatrix, [1], { backend }), 'TypeError', 'X');
  });

  it('CSR data with out-of-range or unsorted indices is rejected when built', () => {
    expectError(() => new CsrMatrix(1, 3, new Int32Array([0, 2]), new Int32Array([0, 3]), new Float64Array(2)), 'RangeError', 'indices');
    expectError(() => new CsrMatrix(1, 3, new Int32Array([0, 2]), new Int32Array([2, 1]), new Float64Array(2)), 'RangeError', 'indices');
    expectError(() => new DenseMatrix(new Float64Array([1, NaN]), 1, 2), 'RangeError', 'data');
  });

  it('y: type, length, finiteness and labels', () => {
    for (const f of [logistic, leastSquares]) {
      expectError(() => f(X, 'abc' as unknown as Float64Array, { backend }), 'TypeError', 'y');
      expectError(() => f(X, new Float32Array(4) as unknown as Float64Array, { backend }), 'TypeError', 'y');
      expectError(() => f(X, [0, 1, '1', 0] as unknown as number[], { backend }), 'TypeError', 'y');
      expectError(() => f(X, new Float64Array(3), { backend }), 'RangeError', 'y');
      expectError(() => f(X, new Float64Array([0, 1, NaN, 0]), { backend }), 'RangeError', 'y');
      expectError(() => f(Xcsr, [0, 1, Infinity, 0], { backend }), 'RangeError', 'y');
    }
    expectError(() => logistic(X, [0, 1, 2, 0], { backend }), 'RangeError', 'y');
    expectError(() => logistic(X, [0, 1, 0.5, 0], { backend }), 'RangeError', 'y');
    expectError(() => logistic(X, [0, 1, -1, 0], { backend }), 'RangeError', 'y'); // mixed 0/1 and ±1
    expect(logistic(X, [-1, 1, 1, -1], { backend }).value(new Float64Array(3))).toBeCloseTo(Math.LN2, 15);
  });

  it('labels and classes of softmax', () => {
    expectError(() => softmax(X, labels, undefined as unknown as { classes: number }), 'TypeError', 'options');
    expectError(() => softmax(X, labels, {} as { classes: number }), 'TypeError', 'classes');
    expectError(() => softmax(X, labels, { classes: '3' as unknown as number, backend }), 'TypeError', 'classes');
    expectError(() => softmax(X, labels, { classes: 1, backend }), 'RangeError', 'classes');
    expectError(() => softmax(X, labels, { classes: 2.5, backend }), 'RangeError', 'classes');
    expectError(() => softmax(X, labels, { classes: NaN, backend }), 'RangeError', 'classes');
    expectError(() => softmax(X, [0, 1, 3, 2], { classes: 3, backend }), 'RangeError', 'labels');
    expectError(() => softmax(X, [0, 1, -1, 2], { classes: 3, backend }), 'RangeError', 'labels');
    expectError(() => softmax(X, [0, 1, 1.5, 2], { classes: 3, backend }), 'RangeError', 'labels');
    expectError(() => softmax(X, new Float64Array(5), { classes: 3, backend }), 'RangeError', 'labels');
    expectError(() => softmax(X, null as unknown as number[], { classes: 3, backend }), 'TypeError', 'labels');
  });

  it('l2, backend and the options bag', () => {
    for (const bad of [-1, NaN, Infinity, -Infinity, -1e-300]) expectError(() => logistic(X, y01, { l2: bad, backend }), 'RangeError', 'l2');
    expectError(() => leastSquares(X, y01, { l2: '0.1' as unknown as number, backend }), 'TypeError', 'l2');
    expectError(() => softmax(X, labels, { classes: 3, l2: -2, backend }), 'RangeError', 'l2');
    expectError(() => logistic(X, y01, { backend: 'gpu' as Backend }), 'RangeError', 'backend');
    expectError(() => logistic(X, y01, { backend: 1 as unknown as Backend }), 'TypeError', 'backend');
    expectError(() => logistic(X, y01, 'fast' as unknown as object), 'TypeError', 'options');
    expectError(() => logistic(X, y01, { lambda: 1, backend } as object), 'RangeError', 'options');
  });
});

describe.each(BACKENDS)('objective methods, backend %s', (backend) => {
  const objectives: [string, Objective][] = [
    ['logistic dense', logistic(X, y01, { l2: 0.1, backend })],
    ['least squares csr', leastSquares(Xcsr, y01, { l2: 0.1, backend })],
    ['softmax csr', softmax(Xcsr, labels, { classes: 3, backend })],
  ];
  it.each(objectives)('%s: x, out, v, d, t and rows', (_name, f) => {
    const n = f.dim;
    const ok = new Float64Array(n);
    for (const [bad, ctor] of [
      [new Float64Array(n - 1), 'RangeError'],
      [new Float64Array(n + 1), 'RangeError'],
      [Array.from(ok), 'TypeError'],
      [new Float32Array(n), 'TypeError'],
      [null, 'TypeError'],
    ] as [unknown, Ctor][]) {
      const b = bad as Float64Array;
      expectError(() => f.value(b), ctor, 'x');
      expectError(() => f.gradient(b), ctor, 'x');
      expectError(() => f.valueAndGradient(b, new Float64Array(n)), ctor, 'x');
      expectError(() => f.hessVec!(b, ok), ctor, 'x');
      expectError(() => f.hessDiag!(b), ctor, 'x');
      expectError(() => f.along(b, ok), ctor, 'x');
      expectError(() => f.valueAndGradient(ok, b), ctor, 'gradOut');
      expectError(() => f.gradient(ok, b), ctor, 'out');
      expectError(() => f.hessVec!(ok, b), ctor, 'v');
      expectError(() => f.hessVec!(ok, ok, b), ctor, 'out');
      expectError(() => f.hessDiag!(ok, b), ctor, 'out');
      expectError(() => f.along(ok, b), ctor, 'd');
    }
    expectError(() => f.along(ok, ok).value('1' as unknown as number), 'TypeError', 't');
    expectError(() => f.along(ok, ok).valueAndSlope(undefined as unknown as number), 'TypeError', 't');
    expectError(() => f.batch!([0, 4]), 'RangeError', 'rows');
    expectError(() => f.batch!([0, -1]), 'RangeError', 'rows');
    expectError(() => f.batch!([0.5]), 'RangeError', 'rows');
    expectError(() => f.batch!([]), 'RangeError', 'rows');
    expectError(() => f.batch!(new Int32Array([1, 9])), 'RangeError', 'rows');
    expectError(() => f.batch!(new Float64Array([1]) as unknown as Int32Array), 'TypeError', 'rows');
    expectError(() => f.batch!(['1'] as unknown as number[]), 'TypeError', 'rows');
    // Still usable after all that.
    expect(Number.isFinite(f.value(ok))).toBe(true);
  });
});

describe('objective(): user functions', () => {
  const fg = (x: Float64Array, g: Float64Array) => {
    g.set(x);
    return 0.5 * x.reduce((a, v) => a + v * v, 0);
  };

  it('validates its arguments', () => {
    expectError(() => objective('f' as unknown as typeof fg, 2), 'TypeError', 'valueAndGradient');
    expectError(() => objective(fg, 0), 'RangeError', 'dim');
    expectError(() => objective(fg, 2.5), 'RangeError', 'dim');
    expectError(() => objective(fg, '2' as unknown as number), 'TypeError', 'dim');
    expectError(() => objective(fg, 2, { hessVec: 3 as unknown as () => void }), 'TypeError', 'hessVec');
    expectError(() => objective(fg, 2, { hessDiag: {} as unknown as () => void }), 'TypeError', 'hessDiag');
    expectError(() => objective(fg, 2, { value: 'v' as unknown as () => number }), 'TypeError', 'value');
    expectError(() => objective(fg, 2, { numSamples: 0 }), 'RangeError', 'numSamples');
    expectError(() => objective(fg, 2, { hessian: () => 0 } as object), 'RangeError', 'options');
    const f = objective(fg, 2, { numSamples: 3 });
    expectError(() => f.value(new Float64Array(3)), 'RangeError', 'x');
    expectError(() => f.valueAndGradient(new Float64Array(2), new Float64Array(1)), 'RangeError', 'gradOut');
    expectError(() => f.along(new Float64Array(2), [1, 2] as unknown as Float64Array), 'TypeError', 'd');
    expectError(() => f.batch!([3]), 'RangeError', 'rows');
    expectError(() => objective(() => '1' as unknown as number, 1).value(new Float64Array(1)), 'TypeError', 'objective');
  });
});

describe('backend selection', () => {
  const saved = process.env.STEPSEARCH_ADDON;
  afterEach(() => {
    if (saved === undefined) delete process.env.STEPSEARCH_ADDON;
    else process.env.STEPSEARCH_ADDON = saved;
    vi.resetModules();
  });

  it("defaults to 'native' when the addon loads", () => {
    expect(logistic(X, y01).backend).toBe('native');
  });

  it("falls back to 'js' when the addon cannot load; backend 'native' then rethrows the loader's error", async () => {
    process.env.STEPSEARCH_ADDON = '/nonexistent/stepsearch.node';
    vi.resetModules();
    const fresh = await import('../lib/objectives/factories');
    expect(fresh.logistic(X, y01).backend).toBe('js');
    expect(() => fresh.logistic(X, y01, { backend: 'native' })).toThrow(/could not load the native addon/);
    expect(() => fresh.softmax(X, labels, { classes: 3, backend: 'native' })).toThrow(/could not load the native addon/);
  });
});
