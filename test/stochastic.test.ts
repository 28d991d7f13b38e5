// minimizeStochastic and the optimizer classes on the TypeScript backend: the seeded stream (checked against
// an independent BigInt implementation and the published xoshiro128** vector), batching, counting, stopping
// rules, reproducibility, errors, and a user JS objective with batch support.
import { describe, expect, it } from 'vitest';
import { DenseMatrix } from '../lib/data';
import { leastSquares, logistic, objective } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { Adagrad, Adam, Lion, Sgd } from '../lib/stochastic/baselines';
import { minimizeStochastic } from '../lib/stochastic/driver';
import { Ponos } from '../lib/stochastic/ponos';
import { EpochSampler, Xoshiro128, shuffleIdentity } from '../lib/stochastic/prng';
import { Sls } from '../lib/stochastic/sls';
import { Sps } from '../lib/stochastic/sps';
import { interpolatingData } from './stochastic_problems';

// ------------------------------------------------------------------ independent reference of the stream

const M32 = 0xffffffffn;
const rotlB = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;

/** SplitMix32 seeding + xoshiro128** written with BigInt, straight from the documented recipe. */
function referenceStream(seed: number, count: number): number[] {
  const s = BigInt(seed);
  const lo = s & M32;
  const hi = s >> 32n;
  let counter = lo;
  const mix = () => {
    counter = (counter + 0x9e3779b9n) & M32;
    let z = counter;
    z ^= z >> 16n;
    z = (z * 0x21f0aaadn) & M32;
    z ^= z >> 15n;
    z = (z * 0x735a2d97n) & M32;
    z ^= z >> 15n;
    return z;
  };
  const st = [mix(), mix(), 0n, 0n];
  counter ^= hi;
  st[2] = mix();
  st[3] = mix();
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    out.push(Number((rotlB((st[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (st[1] << 9n) & M32;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotlB(st[3], 11n);
  }
  return out;
}

describe('seeded stream (lib/stochastic/prng.ts)', () => {
  it('reproduces the published xoshiro128** sequence from state {1, 2, 3, 4}', () => {
    const g = Xoshiro128.fromState([1, 2, 3, 4]);
    // First outputs of Blackman & Vigna's reference xoshiro128starstar.c from s = {1, 2, 3, 4}.
    expect([g.next(), g.next(), g.next()]).toEqual([11520, 0, 5927040]);
  });

  it('matches an independent BigInt implementation for small, 32-bit and 53-bit seeds', () => {
    for (const seed of [0, 1, 42, 0xffffffff, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      const g = new Xoshiro128(seed);
      const got = Array.from({ length: 50 }, () => g.next());
      expect(got).toEqual(referenceStream(seed, 50));
    }
  });

  it('below(bound) is the documented rejection rule and is uniform', () => {
    for (const bound of [1, 3, 7, 1000, 2 ** 31 + 1, 0xffffffff]) {
      const g = new Xoshiro128(9);
      const raw = new Xoshiro128(9);
      const threshold = (2 ** 32 - bound) % bound;
      for (let k = 0; k < 200; k++) {
        let r = raw.next();
        while (r < threshold) r = raw.next();
        expect(g.below(bound)).toBe(r % bound);
      }
    }
    // χ² over 6 cells with 60000 draws: 99.9% quantile of χ²(5) is 20.5.
    const g = new Xoshiro128(3);
    const cells = new Array(6).fill(0);
    for (let k = 0; k < 60000; k++) cells[g.below(6)]++;
    const chi2 = cells.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
    expect(chi2).toBeLessThan(20.5);
  });

  it('shuffles are permutations and the sampler covers every row once per epoch', () => {
    const perm = new Int32Array(1000);
    shuffleIdentity(new Xoshiro128(5), perm);
    expect(Array.from(perm).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const s = new EpochSampler(10, 4, 1, true);
    expect(s.batchesPerEpoch).toBe(3);
    s.startEpoch();
    const sizes = [0, 1, 2].map((k) => s.batch(k).length);
    expect(sizes).toEqual([4, 4, 2]);
    const seen = [0, 1, 2].flatMap((k) => Array.from(s.batch(k))).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const seenSearch = [0, 1, 2].flatMap((k) => Array.from(s.searchBatch(k))).sort((a, b) => a - b);
    expect(seenSearch).toEqual(seen);
  });
});

// ---------------------------------------------------------------------------------------------- driver

const data = interpolatingData(3, 300, 6);
const lsq = leastSquares(data.X, data.targets, { backend: 'js' });
const logi = logistic(data.X, data.labels, { backend: 'js' });
const zeros = (f: Objective) => new Float64Array(f.dim);

const METHODS: [string, Record<string, unknown>][] = [
  ['sls', {}], ['sps', {}], ['ponos', {}], ['sgd', { learningRate: 0.05 }], ['adam', {}], ['adagrad', {}],
  ['lion', { learningRate: 0.05 }], ['sls', { preset: 'slsAmsgrad' }], ['ponos', { preset: 'ponosPrec' }],
  ['sls', { lineSearchBatch: 'independent' }], ['ponos', { lineSearchBatch: 'independent', precond: 'adagrad' }],
];

describe('minimizeStochastic (TS backend)', () => {
  it('same seed gives bit-identical runs; another seed a different one', () => {
    for (const [method, extra] of METHODS) {
      const opts = { method: method as 'sls', batchSize: 16, epochs: 3, seed: 11, trace: true, ...extra };
      const a = minimizeStochastic(logi, zeros(logi), opts);
      const b = minimizeStochastic(logi, zeros(logi), opts);
      expect(Array.from(b.x)).toEqual(Array.from(a.x));
      expect(b.fun).toBe(a.fun);
      expect(b.trace!.map((r) => [r.fun, r.nfev, r.backtracks])).toEqual(a.trace!.map((r) => [r.fun, r.nfev, r.backtracks]));
      const c = minimizeStochastic(logi, zeros(logi), { ...opts, seed: 12 });
      expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
    }
  });

  it('fun and gradNorm are the full-data values at the returned x; epochs, batches and counters add up', () => {
    const r = minimizeStochastic(lsq, zeros(lsq), { method: 'sps', batchSize: 32, epochs: 4, seed: 1, trace: true });
    const g = new Float64Array(lsq.dim);
    expect(r.fun).toBe(lsq.valueAndGradient(r.x, g));
    expect(r.gradNorm).toBeCloseTo(Math.hypot(...g), 14);
    expect(r.initialFun).toBe(lsq.value(zeros(lsq)));
    const perEpoch = Math.ceil(300 / 32);
    expect(r.nit).toBe(4 * perEpoch);
    expect(r.epochs).toBe(4);
    expect(r.status).toBe('max-iterations');
    // SPS: one forward and one backward per iteration; full evaluations counted apart: x0 + 4 checkpoints.
    expect(r.nfev).toBe(r.nit);
    expect(r.ngev).toBe(r.nit);
    expect(r.fullEvaluations).toBe(5);
    expect(r.trace!.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(r.trace!.map((e) => e.iter)).toEqual([1, 2, 3, 4].map((e) => e * perEpoch));
    expect(r.trace!.at(-1)!.fun).toBe(r.fun);
  });

  it('counts every line-search forward: nfev = iterations + trials (+ 1 per iteration with an independent batch)', () => {
    for (const lineSearchBatch of ['same', 'independent'] as const) {
      const steps: { backtracks: number; skipped: boolean; exhausted: boolean }[] = [];
      const f = logi;
      const opt = new Sls(f, zeros(f), { lineSearchBatch, batchesPerEpoch: 10 });
      const sampler = new EpochSampler(300, 30, 2, lineSearchBatch === 'independent');
      sampler.startEpoch();
      for (let k = 0; k < 10; k++) steps.push(opt.step(sampler.batch(k), sampler.searchBatch(k)));
      const trials = steps.reduce((s, r) => s + (r.skipped && !r.exhausted ? 0 : r.exhausted ? 100 : r.backtracks + 1), 0);
      const extra = lineSearchBatch === 'independent' ? steps.filter((r) => !r.skipped || r.exhausted).length : 0;
      expect(opt.ngev).toBe(10);
      expect(opt.nfev).toBe(10 + trials + extra);
    }
  });

  it('checkEvery thins the checkpoints; the last epoch and the final point are always evaluated', () => {
    const r = minimizeStochastic(lsq, zeros(lsq), { method: 'sgd', learningRate: 0.01, batchSize: 50, epochs: 4, checkEvery: 3, seed: 1, trace: true });
    expect(r.trace!.map((e) => e.epoch)).toEqual([3, 4]);
    expect(r.fullEvaluations).toBe(3);
  });

  it('stops on maxIterations, timeLimitMs and a callback returning stop', () => {
    const a = minimizeStochastic(lsq, zeros(lsq), { method: 'sls', batchSize: 10, epochs: 5, maxIterations: 7 });
    expect([a.status, a.nit, a.epochs]).toEqual(['max-iterations', 7, 0]);
    expect(a.fun).toBe(lsq.value(a.x)); // evaluated at the final (mid-epoch) point
    const b = minimizeStochastic(lsq, zeros(lsq), { method: 'sls', batchSize: 1, epochs: 1e6, timeLimitMs: 30 });
    expect(b.status).toBe('time-limit');
    const seen: number[] = [];
    const c = minimizeStochastic(lsq, zeros(lsq), {
      method: 'sls', batchSize: 10, epochs: 10, callback: (e) => {
        seen.push(e.epoch);
        return e.epoch === 2 ? 'stop' : undefined;
      },
    });
    expect([c.status, c.epochs, seen]).toEqual(['callback-stop', 2, [1, 2]]);
    const d = minimizeStochastic(lsq, zeros(lsq), { method: 'sls', batchSize: 10, epochs: 50, gradTol: 1e-6 });
    expect(d.status).toBe('grad-tol');
    expect(d.gradNorm).toBeLessThanOrEqual(1e-6);
    expect(d.success).toBe(true);
  });

  it('a step that overflows x stops the run as non-finite at the last finite x (TS and native)', () => {
    // f and ∇f are finite at x0 = 0, but learningRate 1e308 sends x past the largest double.
    const quad = objective((x, g) => {
      let s = 0;
      for (let i = 0; i < 3; i++) {
        g[i] = (i + 1) * (x[i] - 1);
        s += 0.5 * (i + 1) * (x[i] - 1) ** 2;
      }
      return s;
    }, 3, { numSamples: 12 });
    const r = minimizeStochastic(quad, new Float64Array(3), { method: 'sgd', learningRate: 1e308, batchSize: 4, epochs: 2 });
    expect(r.status).toBe('non-finite');
    expect(r.message).toMatch(/the step made x non-finite/);
    expect(Array.from(r.x)).toEqual([0, 0, 0]);
    expect(r.fun).toBe(3);
    const X = new DenseMatrix(Float64Array.from({ length: 24 }, (_, k) => 1 + (k % 5)), 8, 3);
    const y = new Float64Array(8).fill(10);
    const runs = (['js', 'native'] as const).map((backend) =>
      minimizeStochastic(leastSquares(X, y, { backend }), new Float64Array(3), { method: 'sgd', learningRate: 1e308, batchSize: 4, epochs: 2, backend }));
    for (const run of runs) {
      expect([run.status, run.nit, Array.from(run.x)]).toEqual(['non-finite', 1, [0, 0, 0]]);
      expect(run.message).toMatch(/the step made x non-finite/);
    }
    expect(runs[1].backend).toBe('native');
  });

  it("onFailure 'stop' ends the run with line-search-failed", () => {
    const r = minimizeStochastic(lsq, zeros(lsq), { method: 'sls', batchSize: 10, epochs: 2, resetOption: 2, initialStep: 1e30, maxTrials: 3, onFailure: 'stop' });
    expect(r.status).toBe('line-search-failed');
    expect(r.nit).toBe(1);
    expect(Array.from(r.x)).toEqual(Array.from(zeros(lsq)));
  });
});

describe('errors name the offending option', () => {
  it('sgd and lion need learningRate', () => {
    for (const method of ['sgd', 'lion'] as const) {
      expect(() => minimizeStochastic(lsq, zeros(lsq), { method, batchSize: 10 })).toThrow(TypeError);
      expect(() => minimizeStochastic(lsq, zeros(lsq), { method, batchSize: 10 })).toThrow(/learningRate: required for method/);
      expect(() => minimizeStochastic(lsq, zeros(lsq), { method, batchSize: 10, learningRate: -1 })).toThrow(/learningRate/);
    }
    expect(() => new Sgd(lsq, zeros(lsq), {} as never)).toThrow(/learningRate/);
    expect(() => new Lion(lsq, zeros(lsq), {} as never)).toThrow(/learningRate/);
  });

  it('rejects bad driver and method options', () => {
    const x0 = zeros(lsq);
    expect(() => minimizeStochastic(lsq, x0, {} as never)).toThrow(/batchSize: required/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, seed: -1 })).toThrow(/seed/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, seed: 1.5 })).toThrow(/seed/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'nope' as never })).toThrow(/method: unknown stochastic method/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sps', learningRate: 1 })).toThrow(/learningRate: unknown option/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sls', resetOption: 3 as never })).toThrow(/resetOption/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sls', preset: 'ponosPrec' as never })).toThrow(/preset/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sls', c: 1 })).toThrow(/c: expected/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'ponos', beta1: 1 })).toThrow(/beta1/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sls', minStep: 2, maxStep: 1 })).toThrow(/minStep/);
    expect(() => minimizeStochastic(lsq, x0, { batchSize: 4, method: 'sps', variant: 'plain' as never })).toThrow(/variant/);
  });

  it('needs a data objective with batch(rows)', () => {
    const plain = objective((x, g) => {
      g.set(x);
      return 0.5 * x.reduce((s, v) => s + v * v, 0);
    }, 3);
    expect(() => minimizeStochastic(plain, [1, 2, 3], { batchSize: 2 })).toThrow(TypeError);
    expect(() => new Sps(plain, [1, 2, 3])).toThrow(/batch\(rows\)/);
    const user = objective(() => 0, 3, { numSamples: 5 });
    expect(() => minimizeStochastic(user, [0, 0, 0], { batchSize: 2, backend: 'native' })).toThrow(/backend/);
  });
});

// ------------------------------------------------------------------------ user objective + classes

/** Least squares written by hand as a user objective with batch support: fn(x, gradOut, rows). */
function userLeastSquares(): Objective {
  const { X, targets } = data;
  const n = X.rows;
  const d = X.cols;
  return objective((x, g, rows) => {
    const m = rows ? rows.length : n;
    g.fill(0);
    let f = 0;
    for (let k = 0; k < m; k++) {
      const i = rows ? rows[k] : k;
      let r = -targets[i];
      for (let j = 0; j < d; j++) r += X.data[i * d + j] * x[j];
      f += 0.5 * r * r;
      for (let j = 0; j < d; j++) g[j] += (r * X.data[i * d + j]) / m;
    }
    return f / m;
  }, d, { numSamples: n });
}

describe('user JS objectives and the optimizer classes', () => {
  it('a user objective with batch support trains like the built-in one', () => {
    const user = userLeastSquares();
    for (const [method, extra] of METHODS) {
      const opts = { method: method as 'sls', batchSize: 20, epochs: 2, seed: 4, ...extra };
      const a = minimizeStochastic(user, zeros(user), opts);
      const b = minimizeStochastic(lsq, zeros(lsq), opts);
      expect(a.backend).toBe('js');
      expect(a.nit).toBe(b.nit);
      // Same maths, different summation order: agreement to rounding.
      expect(Math.abs(a.fun - b.fun)).toBeLessThanOrEqual(1e-9 * Math.max(1, b.fun));
    }
    const r = minimizeStochastic(user, zeros(user), { method: 'sls', batchSize: 20, epochs: 3, seed: 4 });
    expect(r.fun).toBeLessThan(1e-10 * r.initialFun);
  });

  it('step(rows) with one batch per iteration equals the driver loop', () => {
    const classes = [
      () => new Sls(logi, zeros(logi), { batchesPerEpoch: 12 }),
      () => new Sps(logi, zeros(logi), { batchesPerEpoch: 12 }),
      () => new Ponos(logi, zeros(logi), { batchesPerEpoch: 12 }),
      () => new Sgd(logi, zeros(logi), { learningRate: 0.1, momentum: 0.9, decay: 'inverse-sqrt', batchesPerEpoch: 12 }),
      () => new Adam(logi, zeros(logi), { learningRate: 0.01, amsgrad: true, batchesPerEpoch: 12 }),
      () => new Adagrad(logi, zeros(logi), { batchesPerEpoch: 12 }),
      () => new Lion(logi, zeros(logi), { learningRate: 0.001, batchesPerEpoch: 12 }),
    ];
    const names = ['sls', 'sps', 'ponos', 'sgd', 'adam', 'adagrad', 'lion'];
    const extras: Record<string, unknown>[] = [{}, {}, {}, { learningRate: 0.1, momentum: 0.9, decay: 'inverse-sqrt' }, { learningRate: 0.01, amsgrad: true }, {}, { learningRate: 0.001 }];
    classes.forEach((make, m) => {
      const sampler = new EpochSampler(300, 25, 8, false);
      const opt = make();
      for (let epoch = 0; epoch < 2; epoch++) {
        sampler.startEpoch();
        for (let k = 0; k < sampler.batchesPerEpoch; k++) {
          const rec = opt.step(sampler.batch(k));
          expect(rec.iter).toBe(opt.iterations);
        }
      }
      const r = minimizeStochastic(logi, zeros(logi), { method: names[m] as 'sls', batchSize: 25, epochs: 2, seed: 8, ...extras[m] });
      expect(Array.from(opt.x)).toEqual(Array.from(r.x));
      expect([opt.nfev, opt.ngev]).toEqual([r.nfev, r.ngev]);
    });
  });

  it("SGD's schedules and momentum follow their formulas", () => {
    const g = new Float64Array(lsq.dim);
    for (const decay of ['none', 'inverse-sqrt', 'inverse'] as const) {
      const opt = new Sgd(lsq, zeros(lsq), { learningRate: 0.02, momentum: 0.5, decay, batchesPerEpoch: 4 });
      const buffer = new Float64Array(lsq.dim);
      const x = zeros(lsq);
      for (let k = 0; k < 9; k++) {
        const rows = [k, k + 10, k + 20];
        const rec = opt.step(rows);
        const e = 1 + k / 4;
        const lr = decay === 'none' ? 0.02 : decay === 'inverse' ? 0.02 / e : 0.02 / Math.sqrt(e);
        expect(rec.stepSize).toBe(lr);
        lsq.batch!(rows).valueAndGradient(x, g);
        for (let j = 0; j < x.length; j++) {
          buffer[j] = 0.5 * buffer[j] + g[j];
          x[j] -= lr * buffer[j];
        }
      }
      for (let j = 0; j < x.length; j++) expect(opt.x[j]).toBeCloseTo(x[j], 13);
    }
  });

  it('Lion with beta1 = beta2 is sign descent on the momentum (signum)', () => {
    const beta = 0.8;
    const opt = new Lion(lsq, zeros(lsq), { learningRate: 0.01, beta1: beta, beta2: beta });
    const m = new Float64Array(lsq.dim);
    const x = zeros(lsq);
    const g = new Float64Array(lsq.dim);
    for (let k = 0; k < 12; k++) {
      const rows = [k, 2 * k + 1, 3 * k + 2];
      lsq.batch!(rows).valueAndGradient(x, g);
      for (let j = 0; j < x.length; j++) {
        m[j] = beta * m[j] + (1 - beta) * g[j];
        x[j] -= 0.01 * Math.sign(m[j]);
      }
      opt.step(rows);
    }
    for (let j = 0; j < x.length; j++) expect(opt.x[j]).toBeCloseTo(x[j], 14);
  });

  it('Adam and AdaGrad follow the torch formulas', () => {
    const rows = [1, 5, 9, 13];
    const g = new Float64Array(lsq.dim);
    const adam = new Adam(lsq, zeros(lsq), { learningRate: 0.1 });
    const adagrad = new Adagrad(lsq, zeros(lsq), { learningRate: 0.1 });
    const xa = zeros(lsq), xg = zeros(lsq);
    const m = new Float64Array(lsq.dim), v = new Float64Array(lsq.dim), S = new Float64Array(lsq.dim);
    for (let t = 1; t <= 5; t++) {
      lsq.batch!(rows).valueAndGradient(xa, g);
      for (let j = 0; j < g.length; j++) {
        m[j] = 0.9 * m[j] + 0.1 * g[j];
        v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
        const mHat = m[j] / (1 - 0.9 ** t);
        const vHat = v[j] / (1 - 0.999 ** t);
        xa[j] -= (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      lsq.batch!(rows).valueAndGradient(xg, g);
      for (let j = 0; j < g.length; j++) {
        S[j] += g[j] * g[j];
        xg[j] -= (0.1 * g[j]) / (Math.sqrt(S[j]) + 1e-10);
      }
      adam.step(rows);
      adagrad.step(rows);
    }
    for (let j = 0; j < xa.length; j++) {
      expect(adam.x[j]).toBeCloseTo(xa[j], 12);
      expect(adagrad.x[j]).toBeCloseTo(xg[j], 12);
    }
  });
});
