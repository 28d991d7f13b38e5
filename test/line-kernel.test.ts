/**
 * The vectorized logistic line-search trial (native/core/logistic_kernel.cpp, used by LinearLine for the
 * logistic loss): along(x, d).value(t) and .valueAndSlope(t) against a plain float64 loop written here, with
 * margins up to |z| = 800 (e^{−|z|} underflows past 745) and steps from 0 to 1e10.
 *
 * The data has two columns, x = (1, 0) and d = (0, 1), so the addon's margins are z_i = X_i0 and q_i = X_i1
 * exactly and the trial argument z_i + t·q_i is the same double here and there: the comparison isolates the
 * loss kernel (exp, log1p, σ − b) and the summation.
 */
import { describe, expect, it } from 'vitest';
import type { DenseMatrix } from '../lib/data';
import { createNativeLinearObjective } from '../lib/objectives/native_objective';
import { rng } from './helpers/random-data';


function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const N = 10_000;

/** Margins of every kind: ordinary, tiny, zero, extreme (|z| ≤ 800, around the underflow of e^{−|z|}). */
function margin(rand: () => number, i: number): number {
  switch (i % 8) {
    case 0:
      return (2 * rand() - 1) * 800;
    case 1:
      return (rand() < 0.5 ? -1 : 1) * (700 + 50 * rand()); // 700..750: subnormal e^{−|z|} and underflow
    case 2:
      return 0;
    case 3:
      return normal(rand) * 1e-9;
    case 4:
      return normal(rand) * 40;
    default:
      return normal(rand) * 3;
  }
}

function problem(seed: number): { X: DenseMatrix; y: Float64Array; z: Float64Array; q: Float64Array } {
  const rand = rng(seed);
  const data = new Float64Array(2 * N);
  const y = new Float64Array(N);
  const z = new Float64Array(N);
  const q = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    z[i] = margin(rand, i);
    q[i] = i % 11 === 0 ? 0 : normal(rand) * (i % 3 === 0 ? 1e-3 : 2);
    data[2 * i] = z[i];
    data[2 * i + 1] = q[i];
    y[i] = rand() < 0.5 ? 0 : 1;
  }
  return { X: { kind: 'dense', data, rows: N, cols: 2 }, y, z, q };
}

/** Neumaier-compensated sum (the reference must be more accurate than the tolerance). */
class Sum {
  private s = 0;
  private c = 0;
  add(v: number): void {
    const t = this.s + v;
    this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/**
 * φ(t) and φ'(t) of the logistic objective (1/m) Σ ℓ(z_i + t q_i, b_i) + (l2/2)‖x + t·d‖² over `rows`, with
 * ℓ(u, b) = max(u, 0) − b·u + log1p(e^{−|u|}) and ℓ' = σ(u) − b (spec §3.2), ‖x + t·d‖² = 1 + t² here.
 */
function reference(
  z: Float64Array,
  q: Float64Array,
  y: Float64Array,
  rows: ArrayLike<number>,
  l2: number,
  t: number,
): { value: number; slope: number } {
  const v = new Sum();
  const s = new Sum();
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const u = z[i] + t * q[i];
    const b = y[i];
    const e = Math.exp(-Math.abs(u));
    v.add(Math.max(u, 0) - b * u + Math.log1p(e));
    const sig = u < 0 ? ((1 - b) * e - b) / (1 + e) : (1 - b - b * e) / (1 + e);
    s.add(sig * q[i]);
  }
  const m = rows.length;
  return { value: v.value / m + 0.5 * l2 * (1 + t * t), slope: s.value / m + l2 * t };
}

function relErr(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

const STEPS = [0, 5e-324, 1e-300, 1e-9, 0.37, -1.25, 6, -40, 1e10, -1e10];

describe('vectorized logistic line trial (native)', () => {
  const { X, y, z, q } = problem(20260);
  const x = new Float64Array([1, 0]);
  const d = new Float64Array([0, 1]);
  const allRows = Array.from({ length: N }, (_, i) => i);

  for (const l2 of [0, 1e-3]) {
    it(`value and valueAndSlope match a plain float64 loop to 1e-13 (all rows, l2 = ${l2})`, () => {
      const line = createNativeLinearObjective('logistic', X, y, { l2 }).along(x, d);
      for (const t of STEPS) {
        const ref = reference(z, q, y, allRows, l2, t);
        const v = line.value(t);
        const vs = line.valueAndSlope(t);
        expect(Number.isFinite(v), `t = ${t}`).toBe(true);
        expect(relErr(v, ref.value), `value at t = ${t}`).toBeLessThanOrEqual(1e-13);
        expect(vs.value, `value() and valueAndSlope().value at t = ${t}`).toBe(v);
        expect(relErr(vs.slope, ref.slope), `slope at t = ${t}`).toBeLessThanOrEqual(1e-13);
      }
    });
  }

  it('a mini-batch (row indices with repeats, odd count) matches the loop over the same rows', () => {
    const rand = rng(7);
    const rows = Int32Array.from({ length: 3001 }, () => Math.floor(rand() * N));
    const line = createNativeLinearObjective('logistic', X, y, { l2: 0 }).batch(rows).along(x, d);
    for (const t of STEPS) {
      const ref = reference(z, q, y, rows, 0, t);
      const vs = line.valueAndSlope(t);
      expect(relErr(line.value(t), ref.value), `value at t = ${t}`).toBeLessThanOrEqual(1e-13);
      expect(relErr(vs.slope, ref.slope), `slope at t = ${t}`).toBeLessThanOrEqual(1e-13);
    }
  });

  it('every row count 1..9 (partial vectors at the end) matches the loop', () => {
    for (let m = 1; m <= 9; m++) {
      const rows = Int32Array.from({ length: m }, (_, k) => (k * 1237 + m) % N);
      const line = createNativeLinearObjective('logistic', X, y, { l2: 0 }).batch(rows).along(x, d);
      for (const t of [0, 0.37, 1e10]) {
        const ref = reference(z, q, y, rows, 0, t);
        const vs = line.valueAndSlope(t);
        expect(relErr(vs.value, ref.value), `m = ${m}, t = ${t}`).toBeLessThanOrEqual(1e-13);
        expect(relErr(vs.slope, ref.slope), `m = ${m}, t = ${t}`).toBeLessThanOrEqual(1e-13);
      }
    }
  });
});
