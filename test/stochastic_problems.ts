/**
 * Seeded interpolating problems for the stochastic tests (not a test file): every f_i is minimized at a
 * common point (or, for separable logistic, driven to 0 along a common direction), the setting in which
 * SLS, SPS and PoNoS are justified (spec §4, jaxopt#324).
 */
import { DenseMatrix } from '../lib/data';
import { normals, rng } from './helpers/random-data';

/**
 * Standard normal features; u = w⋆ / ‖w⋆‖ for random w⋆. Logistic labels 1[x·u > 0], with every row pushed
 * `margin` away from the hyperplane along u (separable with margin); least-squares targets y = X·w*
 * (consistent).
 */
export function interpolatingData(seed: number, rows: number, cols: number, margin = 0.5): {
  X: DenseMatrix; labels: Float64Array; targets: Float64Array; wStar: Float64Array;
} {
  const rand = rng(seed);
  const data = normals(rand, rows * cols);
  const wStar = normals(rand, cols);
  let norm = 0;
  for (let j = 0; j < cols; j++) norm += wStar[j] * wStar[j];
  norm = Math.sqrt(norm);
  const labels = new Float64Array(rows);
  const targets = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < cols; j++) z += data[i * cols + j] * wStar[j];
    const side = z > 0 ? 1 : -1;
    labels[i] = side > 0 ? 1 : 0;
    for (let j = 0; j < cols; j++) data[i * cols + j] += (side * margin * wStar[j]) / norm;
    let t = 0;
    for (let j = 0; j < cols; j++) t += data[i * cols + j] * wStar[j];
    targets[i] = t;
  }
  return { X: new DenseMatrix(data, rows, cols), labels, targets, wStar };
}
