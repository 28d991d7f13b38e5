/**
 * Hand-written objectives for the multidimensional-backtracking tests (not a test file itself): each
 * implements the Objective interface directly, so the method is tested independently of the objective
 * factories.
 */
import type { LineFunction, Objective } from '../../lib/objectives/objective';
import { rng } from './synthetic';

/** f and ∇f in one call: returns f(x) and writes ∇f(x) to g. */
export type ValueAndGradient = (x: Float64Array, g: Float64Array) => number;

/** An Objective (backend 'js') from a value-and-gradient function. */
export function handObjective(dim: number, fg: ValueAndGradient): Objective {
  const scratch = new Float64Array(dim);
  return {
    dim,
    backend: 'js',
    value: (x) => fg(x, scratch),
    gradient: (x, out = new Float64Array(dim)) => {
      fg(x, out);
      return out;
    },
    valueAndGradient: (x, g) => fg(x, g),
    along(x0: Float64Array, d0: Float64Array): LineFunction {
      const x = Float64Array.from(x0);
      const d = Float64Array.from(d0);
      const p = new Float64Array(dim);
      const g = new Float64Array(dim);
      const at = (t: number) => {
        for (let i = 0; i < dim; i++) p[i] = x[i] + t * d[i];
      };
      return {
        value: (t) => {
          at(t);
          return fg(p, g);
        },
        valueAndSlope: (t) => {
          at(t);
          const value = fg(p, g);
          let slope = 0;
          for (let i = 0; i < dim; i++) slope += g[i] * d[i];
          return { value, slope };
        },
      };
    },
  };
}

/** A random symmetric positive definite d×d matrix (row-major): BᵀB/d + diag(10^[-2, 1]). */
export function randomSpd(d: number, seed: number): Float64Array {
  const r = rng(seed);
  const B = Float64Array.from({ length: d * d }, () => 2 * r() - 1);
  const H = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += B[k * d + i] * B[k * d + j];
      H[i * d + j] = s / d;
    }
    H[i * d + i] += 10 ** (-2 + (3 * i) / Math.max(1, d - 1));
  }
  return H;
}

/** f(x) = ½(x − c)ᵀH(x − c) for a row-major symmetric H. */
export function quadratic(H: Float64Array, c: Float64Array): Objective {
  const d = c.length;
  const r = new Float64Array(d);
  return handObjective(d, (x, g) => {
    for (let i = 0; i < d; i++) r[i] = x[i] - c[i];
    let f = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += H[i * d + j] * r[j];
      g[i] = s;
      f += 0.5 * r[i] * s;
    }
    return f;
  });
}

/** vᵀHv for a row-major H. */
export function quadraticForm(H: Float64Array, v: Float64Array): number {
  const d = v.length;
  let f = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += H[i * d + j] * v[j];
    f += v[i] * s;
  }
  return f;
}

/** The n-dimensional Rosenbrock function Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
export function rosenbrock(n: number): Objective {
  return handObjective(n, (x, g) => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < n - 1; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  });
}
