/** Seeded random test data shared by the objective tests (not a test file itself). */
import { CsrMatrix, DenseMatrix } from '../../lib/data';

/** mulberry32: a small seeded PRNG returning uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
export function normals(rand: () => number, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = 1 - rand();
    const v = rand();
    out[k] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/**
 * The same random sparse-ish matrix (density about `density`, badly scaled columns, one empty row) in dense
 * and CSR storage.
 */
export function randomMatrices(seed: number, rows: number, cols: number, density = 0.5): { dense: DenseMatrix; csr: CsrMatrix } {
  const rand = rng(seed);
  const data = new Float64Array(rows * cols);
  const colScale = Float64Array.from({ length: cols }, (_, j) => 10 ** ((j % 4) - 2));
  for (let i = 0; i < rows; i++) {
    if (i === 1) continue; // an empty row
    for (let j = 0; j < cols; j++) if (rand() < density) data[i * cols + j] = (2 * rand() - 1) * colScale[j];
  }
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v !== 0) {
        idx.push(j);
        val.push(v);
      }
    }
    indptr[i + 1] = idx.length;
  }
  return {
    dense: new DenseMatrix(data, rows, cols),
    csr: new CsrMatrix(rows, cols, indptr, Int32Array.from(idx), Float64Array.from(val)),
  };
}

/** max_k |a_k − b_k| / max_k |b_k|: relative error in the ∞-norm. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1e-300;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return diff / scale;
}

/** |a − b| / max(|b|, tiny). */
export function relErrScalar(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
