/**
 * Seeded interpolating problems of the stochastic benchmark (bench/stochastic/run.mjs). Exported so that
 * other harnesses (the planned torch comparison) can regenerate exactly the same data: every array is a
 * pure function of the spec object.
 *
 *   denseProblem({ n, d, seed, marginFraction })       rows x_i ~ U(−√3, √3)^d (unit variance)
 *   csrProblem({ n, d, nnzPerRow, seed, marginFraction }) nnzPerRow entries per row, Zipf(1) columns,
 *                                                       values U(−1, 1)
 * Both plant w⋆ ~ U(−1, 1)^d, u = w⋆/‖w⋆‖, and return
 *   - logistic labels b_i = 1[x_i·u > 0], with each row shifted ON ITS OWN SUPPORT S_i by
 *     side·(m − |x_i·u|)₊·u_S/‖u_S‖² so that |x_i·u| ≥ m (m = marginFraction × the RMS of x·u): separable with
 *     geometric margin m, sparsity unchanged;
 *   - least-squares targets y_i = x_i·w⋆ (consistent).
 */

/** mulberry32: seeded uniforms in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plant(rand, d) {
  const w = new Float64Array(d);
  let norm = 0;
  for (let j = 0; j < d; j++) {
    w[j] = 2 * rand() - 1;
    norm += w[j] * w[j];
  }
  norm = Math.sqrt(norm);
  const u = w.map((v) => v / norm);
  return { w, u };
}

/**
 * Shifts row i (entries idx[b..e) of `values` at columns `cols`) along u restricted to its support so that
 * |x·u| ≥ m, and returns the row's new x·u.
 */
function pushRow(values, cols, b, e, u, m) {
  let z = 0;
  let uu = 0;
  for (let k = b; k < e; k++) {
    z += values[k] * u[cols(k)];
    uu += u[cols(k)] * u[cols(k)];
  }
  const side = z > 0 ? 1 : -1;
  const gap = m - Math.abs(z);
  if (gap > 0 && uu > 0) {
    for (let k = b; k < e; k++) values[k] += (side * gap * u[cols(k)]) / uu;
    z = side * m;
  }
  return z;
}

function rms(values, cols, indptr, n, u) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let k = indptr(i); k < indptr(i + 1); k++) z += values[k] * u[cols(k)];
    s += z * z;
  }
  return Math.sqrt(s / n);
}

function targetsAndLabels(values, cols, indptr, n, w, u, margin) {
  const labels = new Float64Array(n);
  const targets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = pushRow(values, cols, indptr(i), indptr(i + 1), u, margin);
    labels[i] = z > 0 ? 1 : 0;
    let t = 0;
    for (let k = indptr(i); k < indptr(i + 1); k++) t += values[k] * w[cols(k)];
    targets[i] = t;
  }
  return { labels, targets };
}

/** Dense row-major problem; X is a DenseMatrix-shaped plain object. */
export function denseProblem({ n, d, seed = 1, marginFraction = 0.5 }) {
  const rand = rng(seed);
  const data = new Float64Array(n * d);
  const s3 = Math.sqrt(3);
  for (let k = 0; k < data.length; k++) data[k] = s3 * (2 * rand() - 1);
  const { w, u } = plant(rand, d);
  const cols = (k) => k % d;
  const indptr = (i) => i * d;
  const margin = marginFraction * rms(data, cols, indptr, n, u);
  const { labels, targets } = targetsAndLabels(data, cols, indptr, n, w, u, margin);
  return { X: { kind: 'dense', data, rows: n, cols: d }, labels, targets, margin };
}

/** CSR problem with Zipf(1) column frequencies (P(j) ∝ 1/(j+1)); X is a CsrMatrix-shaped plain object. */
export function csrProblem({ n, d, nnzPerRow, seed = 2, marginFraction = 0.5 }) {
  const rand = rng(seed);
  const logD = Math.log(d + 1);
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * nnzPerRow);
  const values = new Float64Array(n * nnzPerRow);
  const row = new Int32Array(nnzPerRow);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nnzPerRow; k++) row[k] = Math.min(d - 1, Math.floor(Math.exp(rand() * logD)) - 1);
    row.sort();
    for (let k = 0; k < nnzPerRow; k++) {
      if (k > 0 && row[k] === row[k - 1]) continue;
      indices[nnz] = row[k];
      values[nnz] = 2 * rand() - 1;
      nnz++;
    }
    indptr[i + 1] = nnz;
  }
  const { w, u } = plant(rand, d);
  const cols = (k) => indices[k];
  const ptr = (i) => indptr[i];
  const margin = marginFraction * rms(values, cols, ptr, n, u);
  const { labels, targets } = targetsAndLabels(values, cols, ptr, n, w, u, margin);
  return {
    X: { kind: 'csr', rows: n, cols: d, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) },
    labels, targets, margin, nnz,
  };
}
