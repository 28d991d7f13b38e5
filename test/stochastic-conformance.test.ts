// Conformance checks of spec §7 (SLS, PoNoS, SPS) and §4.5 (preconditioned searches, checks 1, 3, 4, 5),
// on mini-batch quadratics f_i(x) = ½ Σ_j h_ij (x_j − c_ij)² written as a user objective with batch
// support. Expected values come from the spec's formulas, evaluated here with plain loops.
import { describe, expect, it } from 'vitest';
import { objective } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { Ponos } from '../lib/stochastic/ponos';
import { EpochSampler } from '../lib/stochastic/prng';
import { Sls } from '../lib/stochastic/sls';
import { Sps } from '../lib/stochastic/sps';
import { rng } from './helpers/random-data';

const N = 200;
const D = 8;
/** Largest curvature of any f_i, hence of any mini-batch mean: L. */
const L = 4;

/** Rows < `flat` have h = 0 (f_i ≡ 0). */
function quadratic(seed: number, flat = 0): Objective {
  const r = rng(seed);
  const h = Float64Array.from({ length: N * D }, (_, k) => (Math.floor(k / D) < flat ? 0 : 0.5 + (L - 0.5) * r()));
  const c = Float64Array.from({ length: N * D }, () => 4 * r() - 2);
  return objective((x, g, rows) => {
    const m = rows ? rows.length : N;
    g.fill(0);
    let f = 0;
    for (let k = 0; k < m; k++) {
      const i = rows ? rows[k] : k;
      for (let j = 0; j < D; j++) {
        const e = x[j] - c[i * D + j];
        f += 0.5 * h[i * D + j] * e * e;
        g[j] += (h[i * D + j] * e) / m;
      }
    }
    return f / m;
  }, D, { numSamples: N });
}

function batchAt(f: Objective, rows: Int32Array, x: Float64Array): { f: number; g: Float64Array; gg: number; value: (y: Float64Array) => number } {
  const b = f.batch!(rows);
  const g = new Float64Array(D);
  const fx = b.valueAndGradient(x, g);
  let gg = 0;
  for (let j = 0; j < D; j++) gg += g[j] * g[j];
  return { f: fx, g, gg, value: (y) => b.value(y) };
}

const axpy = (x: Float64Array, t: number, d: Float64Array) => x.map((v, j) => v - t * d[j]);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** Runs `steps` iterations over shuffled batches, calling `check(x before, rows, record)` after each. */
function drive<T>(steps: number, batchSize: number, step: (rows: Int32Array) => T, x: () => Float64Array,
  check: (x0: Float64Array, rows: Int32Array, rec: T, k: number) => void, seed = 1): void {
  const sampler = new EpochSampler(N, batchSize, seed, false);
  let k = 0;
  while (k < steps) {
    sampler.startEpoch();
    for (let b = 0; b < sampler.batchesPerEpoch && k < steps; b++, k++) {
      const rows = sampler.batch(b).slice();
      const before = x().slice();
      check(before, rows, step(rows), k);
    }
  }
}

describe("SLS with lineSearch: 'goldstein' (spec §4.1)", () => {
  // f(x) = ½x² in 1-D, one sample: from x = 1, g = 1, s = 1, the trial x − η has f = ½(1 − η)². With c = 0.1,
  // Armijo (f ≤ ½ − 0.1η) holds for η ≤ 1.8 and the Goldstein side (f ≥ ½ − 0.9η) for η ≥ 0.2.
  const half = objective((x, g) => {
    g[0] = x[0];
    return 0.5 * x[0] * x[0];
  }, 1, { numSamples: 1 });
  const rows = Int32Array.of(0);
  const stepFrom = (options: Record<string, unknown>) => new Sls(half, [1], { lineSearch: 'goldstein', c: 0.1, ...options }).step(rows);

  it('a too-short step grows by forwardFactor until both sides hold', () => {
    const r = stepFrom({ initialStep: 0.01 }); // 0.01, 0.02, 0.04, 0.08, 0.16 rejected (Armijo only), 0.32 accepted
    expect([r.backtracks, r.stepSize, r.moved]).toEqual([5, 0.32, true]);
  });

  it('a too-long step shrinks by decreaseFactor', () => {
    const r = stepFrom({ initialStep: 5 }); // 5·0.9^k ≤ 1.8 first at k = 10
    expect(r.backtracks).toBe(10);
    expect(r.stepSize).toBeCloseTo(5 * 0.9 ** 10, 14);
  });

  it('growth stops at maxStep (eta_max), where an Armijo step is accepted', () => {
    const r = stepFrom({ initialStep: 0.01, maxStep: 0.1 }); // 0.01, 0.02, 0.04, 0.08, then 0.1 = eta_max
    expect([r.backtracks, r.stepSize]).toEqual([4, 0.1]);
  });

  it('defaults: resetOption 0 and eta_max 10; c above 1/2 is rejected', () => {
    const opt = new Sls(half, [1], { lineSearch: 'goldstein' });
    expect([opt.settings.resetOption, opt.settings.maxStep, opt.settings.forwardFactor]).toEqual([0, 10, 2]);
    expect(new Sls(half, [1], {}).settings.resetOption).toBe(1);
    expect(() => new Sls(half, [1], { lineSearch: 'goldstein', c: 0.6 })).toThrow(/^c: must be <= 0.5/);
    expect(() => new Sls(half, [1], { lineSearch: 'wolfe' })).toThrow(/^lineSearch/);
  });
});

describe('SLS (spec §7)', () => {
  it('reset option 2 with η₀ ≥ 2(1−c)/L accepts the first β^j·η₀ passing Armijo, and it is ≥ 2β(1−c)/L', () => {
    const f = quadratic(1);
    const c = 0.1;
    const beta = 0.9;
    const eta0 = 3 * (2 * (1 - c)) / L;
    const opt = new Sls(f, new Float64Array(D), { resetOption: 2, initialStep: eta0 });
    let backtracked = 0;
    drive(40, 10, (rows) => opt.step(rows), () => opt.x, (x, rows, rec) => {
      const b = batchAt(f, rows, x);
      let eta = eta0;
      while (!(b.value(axpy(x, eta, b.g)) <= b.f - c * eta * b.gg)) eta *= beta;
      expect(rec.stepSize).toBe(eta);
      expect(rec.stepSize).toBeGreaterThanOrEqual((2 * beta * (1 - c)) / L);
      expect(Array.from(opt.x)).toEqual(Array.from(axpy(x, eta, b.g)));
      backtracked += rec.backtracks;
    });
    expect(backtracked).toBeGreaterThan(0);
  });

  it('a total failure applies x − 1e-6·g and stores the shrunk step η₀·β^maxTrials', () => {
    const f = quadratic(2);
    const opt = new Sls(f, new Float64Array(D), { resetOption: 2, initialStep: 1e12 });
    const rows = Int32Array.from([3, 17, 40, 99]);
    const b = batchAt(f, rows, new Float64Array(D));
    const rec = opt.step(rows);
    expect([rec.exhausted, rec.backtracks, rec.stepSize, rec.moved]).toEqual([true, 100, 1e-6, true]);
    expect(Array.from(opt.x)).toEqual(Array.from(axpy(new Float64Array(D), 1e-6, b.g)));
    let shrunk = 1e12;
    for (let k = 0; k < 100; k++) shrunk *= 0.9;
    expect(opt.storedStep).toBe(shrunk);
    expect(opt.nfev).toBe(101);
  });

  it("onFailure 'skip' keeps x; reset options 0, 1 and 11 grow the stored step as documented", () => {
    const f = quadratic(2);
    const skip = new Sls(f, new Float64Array(D), { resetOption: 2, initialStep: 1e12, onFailure: 'skip' });
    const rec = skip.step([1, 2, 3]);
    expect([rec.exhausted, rec.skipped, rec.moved]).toEqual([true, true, false]);
    expect(Array.from(skip.x)).toEqual(new Array(D).fill(0));
    for (const resetOption of [0, 1, 11] as const) {
      const opt = new Sls(f, new Float64Array(D), { resetOption, initialStep: 8, batchesPerEpoch: 4 });
      drive(12, 20, (rows) => {
        const stored = opt.storedStep;
        const r = opt.step(rows);
        return { r, stored };
      }, () => opt.x, (x, rows, { r, stored }) => {
        const grown = resetOption === 0 ? stored : stored * Math.pow(2, 1 / 4);
        const first = resetOption === 11 ? Math.min(grown, 10) : grown;
        let eta = first;
        for (let k = 0; k < r.backtracks; k++) eta *= 0.9;
        expect(r.stepSize).toBe(eta);
      });
    }
  });
});

describe('PoNoS (spec §7, §4.3)', () => {
  it('ξ = 1: C_k is the mean of the losses so far; l follows max(l + e − 1, 0); η₀ is the reset Polyak step', () => {
    const f = quadratic(3);
    const opt = new Ponos(f, new Float64Array(D), { xi: 1 });
    const losses: number[] = [];
    let maxL = 0;
    drive(80, 5, (rows) => {
      const l = opt.backtrackMemory;
      return { rec: opt.step(rows), l };
    }, () => opt.x, (x, rows, { rec, l }) => {
      const b = batchAt(f, rows, x);
      losses.push(b.f);
      const mean = losses.reduce((s, v) => s + v, 0) / losses.length;
      expect(rel(opt.zhangC, mean)).toBeLessThanOrEqual(1e-13);
      const e = Math.min(rec.backtracks, 99);
      expect(opt.backtrackMemory).toBe(Math.max(l + e - 1, 0));
      maxL = Math.max(maxL, opt.backtrackMemory);
      const eta0 = Math.min(Math.max((b.f / (0.1 * b.gg + 1e-8)) * 0.5 ** l, 1e-6), 10);
      expect(rel(rec.stepSize, eta0 * 0.5 ** rec.backtracks)).toBeLessThanOrEqual(1e-12);
      // The accepted trial passes the non-monotone test against R = max(C, f_B); the one before it fails.
      const R = Math.max(mean, b.f);
      const eta = rec.stepSize;
      expect(b.value(axpy(x, eta, b.g))).toBeLessThanOrEqual(R - 0.5 * eta * b.gg + 1e-12 * Math.abs(R));
      if (rec.backtracks > 0) expect(b.value(axpy(x, eta / 0.5, b.g))).toBeGreaterThan(R - 0.5 * (eta / 0.5) * b.gg - 1e-12 * Math.abs(R));
    });
    expect(maxL).toBeGreaterThan(0);
  });

  it('skipped iterations (f_B = 0) still update C and leave l unchanged', () => {
    const f = quadratic(4, 20); // rows 0..19 are flat: f_i ≡ 0
    const opt = new Ponos(f, new Float64Array(D), { xi: 1 });
    const a = opt.step([30, 31, 32, 33]);
    const l = opt.backtrackMemory;
    const flat = opt.step([0, 5, 10]);
    expect([flat.skipped, flat.moved, flat.loss]).toEqual([true, false, 0]);
    expect(opt.backtrackMemory).toBe(l);
    expect(rel(opt.zhangC, (a.loss + 0) / 2)).toBeLessThanOrEqual(1e-15);
    expect(opt.nfev).toBe(1 + a.backtracks + 1 + 1); // the skipped iteration costs no extra forward
  });
});

describe('SPS (spec §7, §6.11)', () => {
  it("'smooth': γ_k ≤ γ_{k−1}·2^{1/n_b}, γ = min of the Polyak step and that cap; a flat batch keeps γ", () => {
    const f = quadratic(5, 20);
    const nb = 10;
    const opt = new Sps(f, new Float64Array(D), { batchesPerEpoch: nb });
    let previous = 1;
    let capped = 0;
    let afterFlat = false;
    drive(60, 8, (rows) => opt.step(rows), () => opt.x, (x, rows, rec, k) => {
      const b = batchAt(f, rows, x);
      if (rec.skipped) {
        expect(rec.stepSize).toBe(0);
        expect(opt.storedStep).toBe(previous);
        afterFlat = true;
        return;
      }
      const polyak = b.f / (0.5 * b.gg + 1e-8);
      const cap = previous * Math.pow(2, 1 / nb);
      expect(rel(rec.stepSize, Math.min(polyak, cap))).toBeLessThanOrEqual(1e-12);
      expect(rec.stepSize).toBeLessThanOrEqual(cap * (1 + 1e-15));
      if (rec.stepSize === cap) capped++;
      if (afterFlat) expect(rec.stepSize).toBeGreaterThan(0); // not frozen (the reference would store 0 here)
      previous = rec.stepSize;
      // Feed a flat batch (all f_i ≡ 0, so ∇f_B = 0) now and then.
      if (k % 15 === 14) {
        const flat = opt.step([0, 7, 19]);
        expect([flat.skipped, flat.stepSize]).toEqual([true, 0]);
        expect(opt.storedStep).toBe(previous);
        afterFlat = true;
      }
    });
    expect(capped).toBeGreaterThan(0);
  });

  it("'max' takes min(Polyak, maxStep) with the positive part of f_B − f*", () => {
    const f = quadratic(6);
    const opt = new Sps(f, new Float64Array(D), { variant: 'max', maxStep: 0.2, fStar: 0.5 });
    drive(30, 8, (rows) => opt.step(rows), () => opt.x, (x, rows, rec) => {
      const b = batchAt(f, rows, x);
      const num = Math.max(b.f - 0.5, 0);
      if (num === 0) {
        expect(rec.skipped).toBe(true);
        return;
      }
      expect(rel(rec.stepSize, Math.min(num / (0.5 * b.gg + 1e-8), 0.2))).toBeLessThanOrEqual(1e-12);
    });
  });
});

describe('preconditioned searches (spec §4.5 conformance checks 1, 3, 4, 5)', () => {
  const f = quadratic(7);
  const rows = Int32Array.from([4, 8, 15, 16, 23, 42]);

  it('check 1: at t = 1 with β1 = 0, Adam and AMSGrad coincide: D = 1/(|g| + 1e-8), s ≈ ‖g‖₁, trial ≈ x − η·sign(g)', () => {
    const b = batchAt(f, rows, new Float64Array(D));
    const results = (['adam', 'amsgrad'] as const).map((precond) => {
      const opt = new Sls(f, new Float64Array(D), { precond, beta1: 0 });
      const rec = opt.step(rows);
      const dirs = opt.directions;
      let l1 = 0;
      for (let j = 0; j < D; j++) {
        expect(rel(dirs.scaling[j], 1 / (Math.abs(b.g[j]) + 1e-8))).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(dirs.searchDir[j] - Math.sign(b.g[j]))).toBeLessThanOrEqual(1e-6);
        l1 += Math.abs(b.g[j]);
      }
      expect(rel(dirs.s, l1)).toBeLessThanOrEqual(1e-6);
      return { x: Array.from(opt.x), rec };
    });
    expect(results[1].x).toEqual(results[0].x);
    expect(results[1].rec.stepSize).toBe(results[0].rec.stepSize);
  });

  it('check 3: β1 = 0 and β1 = 0.9 accept the same η with the same forwards; steps differ as D⊙g vs D⊙m̂', () => {
    const plain = new Sls(f, new Float64Array(D), { precond: 'amsgrad', beta1: 0 });
    const momentum = new Sls(f, new Float64Array(D), { precond: 'amsgrad', beta1: 0.9 });
    const rows2 = Int32Array.from([1, 2, 3, 50, 60, 70]);
    const g1 = batchAt(f, rows, new Float64Array(D)).g;
    const r1 = [plain.step(rows), momentum.step(rows)];
    // m̂₁ = 0.1·g₁/(1 − 0.9) = g₁ up to rounding: after one step both are at the same point (to rounding).
    for (let j = 0; j < D; j++) expect(rel(momentum.x[j], plain.x[j])).toBeLessThanOrEqual(1e-14);
    const x1 = plain.x.slice();
    const x1m = momentum.x.slice();
    const g2 = batchAt(f, rows2, x1).g;
    const g2m = batchAt(f, rows2, x1m).g;
    const r2 = [plain.step(rows2), momentum.step(rows2)];
    expect(r2[1].stepSize).toBe(r2[0].stepSize);
    expect([r1[1].backtracks, r2[1].backtracks]).toEqual([r1[0].backtracks, r2[0].backtracks]);
    expect(momentum.nfev).toBe(plain.nfev);
    const eta = r2[0].stepSize;
    const Dp = plain.directions.scaling;
    const Dm = momentum.directions.scaling;
    for (let j = 0; j < D; j++) {
      const mHat = (0.9 * (0.1 * g1[j]) + 0.1 * g2m[j]) / (1 - 0.81);
      expect(Math.abs(plain.x[j] - (x1[j] - eta * Dp[j] * g2[j]))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x1[j])));
      expect(Math.abs(momentum.x[j] - (x1m[j] - eta * Dm[j] * mHat))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x1[j])));
    }
    // ... and the two steps really differ (momentum mixes g₁ into the step).
    expect(Math.max(...Array.from(momentum.x, (v, j) => Math.abs(v - plain.x[j])))).toBeGreaterThan(1e-6);
  });

  it('check 4: the AMSGrad max v̄ is componentwise nondecreasing', () => {
    const opt = new Sls(f, new Float64Array(D), { preset: 'slsAmsgrad' });
    let last = new Float64Array(D);
    let increased = 0;
    drive(60, 4, (rows) => opt.step(rows), () => opt.x, () => {
      const now = opt.directions.maxSecondMoment;
      for (let j = 0; j < D; j++) {
        expect(now[j]).toBeGreaterThanOrEqual(last[j]);
        if (now[j] > last[j]) increased++;
      }
      last = now.slice();
    });
    expect(increased).toBeGreaterThan(D);
  });

  it('check 5: ponosPrec, ξ = 1: η₀ = min(f_B/(0.1·s + 1e-8), 10) and R = max(mean of the losses, f_B)', () => {
    const opt = new Ponos(f, new Float64Array(D), { preset: 'ponosPrec' });
    const v = new Float64Array(D);
    let beta2Power = 1;
    const losses: number[] = [];
    drive(40, 6, (rows) => opt.step(rows), () => opt.x, (x, rows, rec) => {
      const b = batchAt(f, rows, x);
      losses.push(b.f);
      beta2Power *= 0.999;
      const Dv = new Float64Array(D);
      let s = 0;
      for (let j = 0; j < D; j++) {
        v[j] = 0.999 * v[j] + 0.001 * b.g[j] * b.g[j];
        Dv[j] = 1 / (Math.sqrt(v[j] / (1 - beta2Power)) + 1e-8);
        s += b.g[j] * Dv[j] * b.g[j];
      }
      const eta0 = Math.min(b.f / (0.1 * s + 1e-8), 10);
      expect(rel(rec.stepSize, eta0 * 0.9 ** rec.backtracks)).toBeLessThanOrEqual(1e-11);
      const mean = losses.reduce((a, c) => a + c, 0) / losses.length;
      expect(rel(opt.zhangC, mean)).toBeLessThanOrEqual(1e-13);
      const R = Math.max(mean, b.f);
      const y = x.map((xj, j) => xj - rec.stepSize * Dv[j] * b.g[j]);
      expect(b.value(y)).toBeLessThanOrEqual(R - 0.1 * rec.stepSize * s + 1e-12 * Math.abs(R));
    });
  });
});
