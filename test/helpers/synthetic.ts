/**
 * Seeded synthetic problems for tests (no Math.random: every run sees the same data).
 */
import { CsrMatrix, DenseMatrix } from '../../lib/data';
import { rng } from './random-data';

export { rng };

/** Dense n×d data with features of mixed scales and 0/1 labels from a noisy linear rule. */
export function denseClassification(n: number, d: number, seed = 1): { X: DenseMatrix; y: Float64Array } {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) w[j] = r() * 2 - 1;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) {
      const v = (r() * 2 - 1) * (1 + (j % 5));
      data[i * d + j] = v;
      z += v * w[j];
    }
    y[i] = z + (r() - 0.5) > 0 ? 1 : 0;
  }
  return { X: new DenseMatrix(data, n, d), y };
}

/** CSR n×d data with `perRow` nonzeros per row (sorted, distinct columns) and 0/1 labels. */
export function csrClassification(n: number, d: number, perRow: number, seed = 2): { X: CsrMatrix; y: Float64Array } {
  const r = rng(seed);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * perRow);
  const values = new Float64Array(n * perRow);
  const y = new Float64Array(n);
  const cols = new Set<number>();
  for (let i = 0; i < n; i++) {
    cols.clear();
    while (cols.size < perRow) cols.add(Math.floor(r() * d));
    const sorted = [...cols].sort((a, b) => a - b);
    let z = 0;
    for (let k = 0; k < perRow; k++) {
      indices[i * perRow + k] = sorted[k];
      const v = r() * 2 - 1;
      values[i * perRow + k] = v;
      z += v * ((sorted[k] % 7) - 3);
    }
    indptr[i + 1] = (i + 1) * perRow;
    y[i] = z > 0 ? 1 : 0;
  }
  return { X: new CsrMatrix(n, d, indptr, indices, values), y };
}
