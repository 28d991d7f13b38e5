/**
 * Conformance checks of multidimensional backtracking (spec §7): the hyperplane, the three sets' cuts and
 * growth, the exact refinement, and native/TypeScript parity. Expected values come from closed forms, brute
 * force and sampling written here, never from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { readLibsvmSync } from '../lib/io/libsvm';
import { minimize, type MinimizeOptions } from '../lib/minimize';
import { nativeAvailable } from '../lib/native';
import { leastSquares, logistic } from '../lib/objectives/factories';
import type { Objective } from '../lib/objectives/objective';
import { readFileSync } from 'node:fs';
import { MDB_MESSAGES, MultidimensionalBacktracking } from '../lib/optimizers/mdb';
import {
  BoxSet, CUT_OVERFLOW, ELLIPSOID_CUT_INVALID, EllipsoidSet, fixedPointWeights, SimplexSet, VOLUME_NOT_DECREASED,
  volumeDecreased,
} from '../lib/optimizers/mdb_sets';
import { CountedObjective } from '../lib/optimizers/oracle';
import type { IterationRecord, OptimizeResult } from '../lib/result';
import { DenseMatrix } from '../lib/data';
import { quadratic, quadraticForm, randomSpd } from './helpers/mdb_problems';
import { rng } from './helpers/synthetic';

const METHODS = ['mdb-box', 'mdb-ellipsoid', 'mdb-simplex'] as const;

function sumLog(v: Float64Array, power = 1): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.log(v[i] ** power);
  return s;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Random positive vector with entries 10^U(lo, hi). */
function logUniform(r: () => number, d: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: d }, () => 10 ** (lo + (hi - lo) * r()));
}

describe('separating hyperplane (spec §1.1, §7)', () => {
  it('D = ½(P⊙g)ᵀH(P⊙g) on a quadratic, and ⟨u, P⟩ > 1 whenever the test fails', () => {
    for (const [seed, setName] of [[1, 'ellipsoid'], [2, 'box'], [3, 'simplex'], [4, 'ellipsoid']] as const) {
      const d = 6;
      const H = randomSpd(d, seed);
      const r = rng(seed + 100);
      const c = Float64Array.from({ length: d }, () => 2 * r() - 1);
      const f = quadratic(H, c);
      const x0 = new Float64Array(d);
      const g0 = new Float64Array(d);
      const f0 = f.valueAndGradient(x0, g0);
      // A moderate initial scale keeps D free of cancellation, so it can be compared to the closed form.
      const set = setName === 'box' ? new BoxSet(d, 10, 1.1, 1 / d)
        : setName === 'simplex' ? new SimplexSet(d, 10, 1.1, 0) : new EllipsoidSet(d, 10, 1.1, true, 'exact');
      const m = new MultidimensionalBacktracking(new CountedObjective(f), x0, f0, g0, set);
      let failures = 0;
      let successes = 0;
      for (let k = 0; k < 60; k++) {
        const g = Float64Array.from(m.grad);
        const fx = m.fun;
        const out = m.step();
        expect(out.stop).toBeUndefined();
        const s = Float64Array.from(m.P, (p, i) => p * g[i]);
        const expected = dot(g.map((v) => v * v), m.P);
        if (out.accepted) {
          successes++;
          expect(m.fun).toBeLessThanOrEqual(fx - 0.5 * expected);
        } else {
          failures++;
          const closedForm = 0.5 * quadraticForm(H, s);
          expect(Math.abs(m.bregman - closedForm)).toBeLessThanOrEqual(1e-9 * closedForm);
          expect(dot(m.u, m.P)).toBeGreaterThan(1);
        }
      }
      expect(failures).toBeGreaterThan(0);
      expect(successes).toBeGreaterThan(0);
    }
  });
});

describe('ellipsoid set (spec §1.4, §7)', () => {
  it('d = 1: λ = 0 and the cut gives √A = 1/u (closed form, exact and fixed-point refinement)', () => {
    for (const refine of [0, 'exact', 3] as const) {
      for (const u of [1.5, 7, 1e6]) {
        const set = new EllipsoidSet(1, 1, 1.1, false, refine); // A = 1
        expect(set.cut(Float64Array.of(u))).toBeUndefined();
        expect(Math.abs(Math.sqrt(set.state[0]) * u - 1)).toBeLessThan(1e-15);
      }
    }
  });

  it('random u ≥ 0 with ℓ > d: the volume decreases and E(A) ∩ {⟨u,Q⟩ ≤ 1} stays inside', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(seed);
      const d = [2, 3, 5, 8, 30][seed % 5];
      const A = logUniform(r, d, -3, 3);
      const u = Float64Array.from({ length: d }, () => (r() < 0.3 ? 0 : r()));
      if (dot(u, u) === 0) u[0] = 1;
      // Scale u so that ℓ = Σ u²A = d·(2.01 … 20): above 2d, as a failed candidate guarantees (spec §1.4).
      const target = d * (2.01 + 18 * r());
      const scale = Math.sqrt(target / dot(u.map((v) => v * v), A));
      for (let i = 0; i < d; i++) u[i] *= scale;
      for (const refine of [0, 'exact', 4] as const) {
        const set = new EllipsoidSet(d, 1, 1.1, true, refine);
        set.state.set(A);
        const before = set.logVolume();
        expect(Math.abs(before - sumLog(A, 0.5))).toBeLessThan(1e-12 * Math.max(1, Math.abs(before)));
        expect(set.cut(u)).toBeUndefined();
        const newA = set.state;
        expect(sumLog(newA, 0.5)).toBeLessThan(sumLog(A, 0.5));
        expect(set.logVolume()).toBeLessThan(before);
        // Points of E(A) ∩ {⟨u,Q⟩ ≤ 1}: a random direction Q ≥ 0 pushed to radius t ≤ 1 of E(A), then scaled
        // down onto the half-space if needed (this includes boundary points of both constraints).
        for (let k = 0; k < 400; k++) {
          const Q = Float64Array.from({ length: d }, () => (r() < 0.2 ? 0 : r()));
          let norm = 0;
          for (let i = 0; i < d; i++) norm += (Q[i] * Q[i]) / A[i];
          if (norm === 0) continue;
          const t = k % 2 === 0 ? 1 : r();
          let uq = 0;
          for (let i = 0; i < d; i++) {
            Q[i] *= t / Math.sqrt(norm);
            uq += u[i] * Q[i];
          }
          const shrink = uq > 1 ? 1 / uq : 1;
          let inside = 0;
          for (let i = 0; i < d; i++) inside += (Q[i] * shrink) ** 2 / newA[i];
          expect(inside).toBeLessThanOrEqual(1 + 1e-12);
        }
      }
    }
  });

  it('refuses a cut with ℓ < d and leaves the set unchanged', () => {
    const set = new EllipsoidSet(4, 1, 1.1, true, 'exact');
    const before = Float64Array.from(set.state);
    const u = Float64Array.of(0.1 / 4, 0, 0, 0); // ℓ = u²A = (0.1/4)²·16 < 4
    expect(set.cut(u)).toBe(ELLIPSOID_CUT_INVALID);
    expect(Array.from(set.state)).toEqual(Array.from(before));
  });

  it("'exact' refinement: c* ∈ [0.01, λ], φ(c*) ≤ φ(λ), and c* minimizes φ on a fine grid", () => {
    let interior = 0;
    for (let seed = 20; seed < 40; seed++) {
      const r = rng(seed);
      const d = 2 + (seed % 9);
      const A = logUniform(r, d, -4, 4);
      const u = logUniform(r, d, -3, 1);
      if (seed % 3 === 0) u[0] = 0;
      const u2 = u.map((v) => v * v);
      let ell = dot(u2, A);
      if (ell <= 2 * d) {
        const k = Math.sqrt((3 * d) / ell);
        for (let i = 0; i < d; i++) u[i] *= k;
        for (let i = 0; i < d; i++) u2[i] = u[i] * u[i];
        ell = dot(u2, A);
      }
      const lambda = ((ell / d) * (d - 1)) / (ell - 1);
      const v = A.map((a) => 1 / a);
      // φ written independently: −Σ log(c·(v − u²) + u²).
      const phi = (c: number) => {
        let s = 0;
        for (let i = 0; i < d; i++) s -= Math.log(c * (v[i] - u2[i]) + u2[i]);
        return s;
      };
      const set = new EllipsoidSet(d, 1, 1.1, true, 'exact');
      set.state.set(A);
      expect(set.cut(u)).toBeUndefined();
      // Recover c* from the new A: 1/A'_i = c*·v_i + (1 − c*)·u_i², at the best-conditioned coordinate.
      let best = 0;
      for (let i = 1; i < d; i++) if (Math.abs(v[i] - u2[i]) > Math.abs(v[best] - u2[best])) best = i;
      const cStar = (1 / set.state[best] - u2[best]) / (v[best] - u2[best]);
      expect(cStar).toBeGreaterThanOrEqual(0.01 * (1 - 1e-9));
      expect(cStar).toBeLessThanOrEqual(lambda * (1 + 1e-9));
      expect(phi(cStar)).toBeLessThanOrEqual(phi(lambda) + 1e-12 * Math.abs(phi(lambda)));
      let gridMin = Infinity;
      for (let k = 0; k <= 4000; k++) gridMin = Math.min(gridMin, phi(0.01 + ((lambda - 0.01) * k) / 4000));
      expect(phi(cStar)).toBeLessThanOrEqual(gridMin + 1e-9 * Math.max(1, Math.abs(gridMin)));
      if (cStar < lambda * (1 - 1e-6) && cStar > 0.01 * (1 + 1e-6)) interior++;
    }
    expect(interior).toBeGreaterThan(0); // the Newton/bisection branch was exercised, not only the end points
  });
});

describe('box set (spec §1.3, §7)', () => {
  it('the cut is min(b, 1/u), with 1/0 read as +∞', () => {
    const r = rng(7);
    const d = 9;
    const b = logUniform(r, d, -2, 2);
    const u = Float64Array.from({ length: d }, (_, i) => (i % 3 === 0 ? 0 : 10 ** (-2 + 4 * r())));
    const set = new BoxSet(d, 1, 1.1, 1 / d);
    set.state.set(b);
    expect(set.cut(u)).toBeUndefined();
    for (let i = 0; i < d; i++) expect(set.state[i]).toBe(u[i] === 0 ? b[i] : Math.min(b[i], 1 / u[i]));
  });

  it('a cut that removes nothing stops with "volume did not decrease" and keeps the set', () => {
    const set = new BoxSet(3, 1, 1.1, 1 / 3); // b = 3
    expect(set.cut(Float64Array.of(0.1, 0.2, 0))).toBe(VOLUME_NOT_DECREASED);
    expect(Array.from(set.state)).toEqual([3, 3, 3]);
  });
});

describe('simplex set (spec §1.5)', () => {
  it('the cut is b ← 1/(d·w), w = λ/(d·b) + (1 − λ)·u with λ = (d − 1)/(d − ½), and keeps S ∩ {⟨u,Q⟩ ≤ 1}', () => {
    let checked = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(seed + 50);
      const d = 2 + seed;
      const b = logUniform(r, d, -2, 2);
      const u = Float64Array.from({ length: d }, (_, i) => (i === 1 ? 0 : r() / b[i]));
      const lambda = (d - 1) / (d - 0.5);
      for (const refine of [0, 3]) {
        const set = new SimplexSet(d, 1, 1.1, refine);
        set.state.set(b);
        const result = set.cut(u);
        if (result === VOLUME_NOT_DECREASED) continue; // a shallow cut: nothing to check
        expect(result).toBeUndefined();
        checked++;
        if (refine === 0) {
          for (let i = 0; i < d; i++) {
            const w = lambda * (1 / (d * b[i])) + (1 - lambda) * u[i];
            expect(Math.abs(set.state[i] * d * w - 1)).toBeLessThan(1e-14);
          }
        }
        expect(sumLog(set.state)).toBeLessThan(sumLog(b));
        for (let k = 0; k < 400; k++) {
          // A random point of the simplex {Σ Q_i/(d·b_i) ≤ 1} (exponential weights), scaled onto ⟨u,Q⟩ ≤ 1.
          const e = Float64Array.from({ length: d }, () => -Math.log(1 - r()));
          const total = e.reduce((a, x) => a + x, 0);
          const t = k % 2 === 0 ? 1 : r();
          const Q = e.map((x, i) => (t * x * d * b[i]) / total);
          const uq = dot(u, Q);
          const shrink = uq > 1 ? 1 / uq : 1;
          let inside = 0;
          for (let i = 0; i < d; i++) inside += (Q[i] * shrink) / (d * set.state[i]);
          expect(inside).toBeLessThanOrEqual(1 + 1e-12);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('fixed-point weights with 0 steps are the closed form λ·v + (1 − λ)·z', () => {
    const v = Float64Array.of(1, 2, 3);
    const z = Float64Array.of(0.5, 0, 4);
    const w = new Float64Array(3);
    fixedPointWeights(0.25, v, z, w, 0);
    expect(Array.from(w)).toEqual([0.25 * 1 + 0.75 * 0.5, 0.25 * 2, 0.25 * 3 + 0.75 * 4]);
  });

  it('a cut whose new bound overflows is refused (spec §1.4 safeguard)', () => {
    const set = new SimplexSet(1, 1, 1.1, 0); // d = 1: λ = 0, b ← 1/u
    expect(set.cut(Float64Array.of(0))).toBe(CUT_OVERFLOW);
    expect(set.state[0]).toBe(1);
  });
});

describe('growth after a success (spec §1.3–1.5, §6 pitfall 7, §7)', () => {
  const g2 = Float64Array.of(1, 4, 0.25, 9);
  const d = g2.length;
  const ratio = (set: { candidate(g2: Float64Array, P: Float64Array): void; increase(): void }) => {
    const before = new Float64Array(d);
    const after = new Float64Array(d);
    set.candidate(g2, before);
    set.increase();
    set.candidate(g2, after);
    return Array.from(after, (a, i) => a / before[i]);
  };

  it('box and simplex multiply the candidate by forward', () => {
    for (const r of ratio(new BoxSet(d, 3, 2, 1 / d))) expect(r).toBe(2);
    for (const r of ratio(new SimplexSet(d, 3, 1.1, 0))) expect(Math.abs(r - 1.1)).toBeLessThan(1e-15);
  });

  it('the ellipsoid multiplies it by forward^(1/4) [quirk, kept], in both candidate rules', () => {
    for (const gradDirection of [true, false]) {
      for (const r of ratio(new EllipsoidSet(d, 3, 2, gradDirection, 'exact'))) {
        expect(Math.abs(r - 2 ** 0.25)).toBeLessThan(1e-15);
      }
    }
  });

  it('through the method: consecutive accepted steps grow by forward (box, simplex) and forward^(1/4) (ellipsoid)', () => {
    // f = ½·1e-3·‖x − 1‖²: every candidate up to 2000 is valid, so the first trials all succeed; from x0 = 0 the
    // gradient stays proportional to (1, …, 1) and every candidate is uniform, so stepSize is the step itself.
    const dim = 5;
    const H = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) H[i * dim + i] = 1e-3;
    const f = quadratic(H, new Float64Array(dim).fill(1));
    const expectGrowth: Record<string, number> = { 'mdb-box': 2, 'mdb-simplex': 2, 'mdb-ellipsoid': 2 ** 0.25 };
    for (const method of METHODS) {
      const r = minimize(f, new Float64Array(dim), { method, initialScale: 1, forward: 2, maxIterations: 6, trace: true, gradTol: 0 });
      const t = r.trace!;
      expect(t.every((rec) => rec.accepted)).toBe(true);
      for (let k = 1; k < t.length; k++) {
        expect(Math.abs(t[k].stepSize / t[k - 1].stepSize - expectGrowth[method])).toBeLessThan(1e-12);
      }
    }
  });
});

describe('volume test (spec §1.6 rule 2)', () => {
  it('agrees with Σ log next − Σ log prev < 0, without underflow for large d', () => {
    const r = rng(3);
    for (let k = 0; k < 200; k++) {
      const d = 1 + Math.floor(r() * 50);
      const prev = logUniform(r, d, -100, 100);
      const next = prev.map((p) => p * 10 ** (4 * r() - 2));
      const diff = sumLog(next) - sumLog(prev);
      if (Math.abs(diff) > 1e-9) expect(volumeDecreased(next, prev)).toBe(diff < 0);
    }
    const big = new Float64Array(5000).fill(1);
    expect(volumeDecreased(new Float64Array(5000).fill(1e-3), big)).toBe(true);
    expect(volumeDecreased(new Float64Array(5000).fill(1e3), big)).toBe(false);
    expect(volumeDecreased(big, big)).toBe(false);
    const oneSmaller = Float64Array.from(big);
    oneSmaller[4321] = 1 - 2 ** -52;
    expect(volumeDecreased(oneSmaller, big)).toBe(true);
  });
});

// ---- native / TypeScript parity (spec §7 "Native vs TS") --------------------------------------------------

const native = nativeAvailable();
const DATA = {
  breastCancer: 'examples/data/breast_cancer_wdbc.libsvm',
  diabetes: 'test/fixtures/diabetes.libsvm',
};

type Problem = { name: string; make: (backend: 'native' | 'js') => Objective };

function problems(): Problem[] {
  const bc = readLibsvmSync(DATA.breastCancer, { bias: true });
  const db = readLibsvmSync(DATA.diabetes, { bias: true });
  return [
    { name: 'logistic/breast-cancer', make: (backend) => logistic(bc.X, bc.y, { l2: 1 / bc.X.rows, backend }) },
    { name: 'least-squares/diabetes', make: (backend) => leastSquares(db.X, db.y, { l2: 1 / db.X.rows, backend }) },
  ];
}

function decisions(r: OptimizeResult): string {
  return r.trace!.map((t) => (t.accepted ? 'a' : 'r')).join('');
}

function counts(t: IterationRecord): number[] {
  return [t.iter, t.nfev, t.ngev, t.nhdiag, t.nhvp];
}

function relDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

describe('native vs TypeScript parity (spec §7)', () => {
  it('the native addon is available (it is built before the tests run)', () => {
    expect(native).toBe(true);
  });

  // At least 50 iterations, extended until every set has accepted steps on both problems: from the initial
  // scale 1e10 the simplex's shallow cut (spec §1.5) needs ~360 rejections before its first success.
  const ITERATIONS: Record<(typeof METHODS)[number], number> = { 'mdb-box': 100, 'mdb-ellipsoid': 50, 'mdb-simplex': 450 };
  const common: MinimizeOptions = { gradTol: 0, trace: true };

  it('same native objective: the C++ and TypeScript methods give bit-identical traces', () => {
    for (const p of problems()) {
      const f = p.make('native');
      for (const method of METHODS) {
        const iterations = ITERATIONS[method];
        const cpp = minimize(f, new Float64Array(f.dim), { ...common, method, maxIterations: iterations });
        const ts = minimize(f, new Float64Array(f.dim), { ...common, method, maxIterations: iterations, backend: 'js' });
        expect(cpp.backend).toBe('native');
        expect(ts.backend).toBe('js');
        expect([cpp.status, cpp.nit, cpp.nfev, cpp.ngev]).toEqual([ts.status, ts.nit, ts.nfev, ts.ngev]);
        for (let k = 0; k < iterations; k++) {
          const a = cpp.trace![k];
          const b = ts.trace![k];
          expect([a.accepted, a.fun, a.stepSize, ...counts(a)]).toEqual([b.accepted, b.fun, b.stepSize, ...counts(b)]);
        }
        expect(Array.from(cpp.x)).toEqual(Array.from(ts.x));
      }
    }
  });

  it('native objective + native method vs JS objective + TS method: same decisions and counts, f to 1e-10', () => {
    for (const p of problems()) {
      const fn = p.make('native');
      const fj = p.make('js');
      for (const method of METHODS) {
        const iterations = ITERATIONS[method];
        const a = minimize(fn, new Float64Array(fn.dim), { ...common, method, maxIterations: iterations });
        const b = minimize(fj, new Float64Array(fj.dim), { ...common, method, maxIterations: iterations });
        expect(a.backend).toBe('native');
        expect(b.backend).toBe('js');
        expect(decisions(a)).toBe(decisions(b));
        expect(decisions(a)).toContain('a');
        expect(a.trace!.map(counts)).toEqual(b.trace!.map(counts));
        for (let k = 0; k < iterations; k++) {
          expect(relDiff(a.trace![k].fun, b.trace![k].fun)).toBeLessThanOrEqual(1e-10);
          // ‖∇f‖ and stepSize are looser: near a minimizer ‖∇f‖ is small relative to the parts it cancels, and
          // stepSize is a function of the set, which inherits the cancellation in D at the initial scale 1e10
          // (spec §1.1), so ulp-level differences between the two objectives reach both amplified.
          expect(relDiff(a.trace![k].gradNorm, b.trace![k].gradNorm)).toBeLessThanOrEqual(1e-8);
          expect(relDiff(a.trace![k].stepSize, b.trace![k].stepSize)).toBeLessThanOrEqual(1e-7);
        }
      }
    }
  });

  it('every stop message of the TypeScript method appears verbatim in the C++ twin', () => {
    const cpp = readFileSync('native/core/mdb.cpp', 'utf8') + readFileSync('native/core/mdb_sets.cpp', 'utf8');
    const messages = [...Object.values(MDB_MESSAGES), VOLUME_NOT_DECREASED, ELLIPSOID_CUT_INVALID, CUT_OVERFLOW];
    for (const m of messages) expect(cpp).toContain(`"${m}"`);
  });

  it('runs to the rounding floor stop identically, with the same status and message (spec §1.6)', () => {
    // A small well-conditioned least-squares problem with f* > 0: near the minimizer f(y) − f(x) is rounding
    // noise, and each method stops on one of its numerical rules.
    const r = rng(21);
    const n = 30;
    const d = 4;
    const X = new DenseMatrix(Float64Array.from({ length: n * d }, () => 2 * r() - 1), n, d);
    const y = Float64Array.from({ length: n }, () => 2 * r() - 1);
    const f = leastSquares(X, y, { l2: 1e-3, backend: 'native' });
    for (const method of METHODS) {
      const opts: MinimizeOptions = { method, maxIterations: 20000, gradTol: 0, trace: true };
      const cpp = minimize(f, new Float64Array(d), opts);
      const ts = minimize(f, new Float64Array(d), { ...opts, backend: 'js' });
      expect(cpp.status).toBe('line-search-failed');
      expect([cpp.status, cpp.message, cpp.nit, cpp.fun]).toEqual([ts.status, ts.message, ts.nit, ts.fun]);
      expect(cpp.trace!.map((t) => [t.accepted, t.stepSize])).toEqual(ts.trace!.map((t) => [t.accepted, t.stepSize]));
    }
  });

  describe('non-finite trials in C++ and TypeScript alike (spec §1.6 rule 5)', () => {
    // Least squares whose data are ~1e75: the first trial steps overflow (f = +∞), so both backends shrink
    // uniformly; with ~1e100 they never recover within 60 trials and stop with 'non-finite'.
    function overflowing(scale: number): Objective {
      const r = rng(11);
      const n = 20;
      const d = 4;
      const data = Float64Array.from({ length: n * d }, () => scale * (2 * r() - 1));
      const y = Float64Array.from({ length: n }, () => r());
      return leastSquares(new DenseMatrix(data, n, d), y, { backend: 'native' });
    }

    it('recovers from overflowing trials identically', () => {
      const f = overflowing(1e75);
      for (const method of METHODS) {
        const opts = { ...common, method, maxIterations: 100 };
        const cpp = minimize(f, new Float64Array(f.dim), opts);
        const ts = minimize(f, new Float64Array(f.dim), { ...opts, backend: 'js' });
        expect(cpp.trace!.map((t) => [t.accepted, t.fun, t.stepSize])).toEqual(ts.trace!.map((t) => [t.accepted, t.fun, t.stepSize]));
        // The first trials overflow and are shrunk uniformly: the step halves from one trial to the next.
        expect(cpp.trace![1].stepSize / cpp.trace![0].stepSize).toBe(0.5);
        expect(cpp.status).not.toBe('non-finite');
      }
    });

    it("stops with 'non-finite' after 60 non-finite trials in a row, identically", () => {
      const f = overflowing(1e100);
      for (const method of METHODS) {
        const cpp = minimize(f, new Float64Array(f.dim), { ...common, method, maxIterations: 200 });
        const ts = minimize(f, new Float64Array(f.dim), { ...common, method, maxIterations: 200, backend: 'js' });
        expect([cpp.status, cpp.nit, cpp.nfev, cpp.message]).toEqual(['non-finite', 60, 61, ts.message]);
        expect([ts.status, ts.nit, ts.nfev]).toEqual(['non-finite', 60, 61]);
      }
    });
  });
});
