// The "plain Float64Array loop written in the bench": what a Node user would write by hand for L2 logistic
// regression, f(w) = (1/n)Σ[(1 − bᵢ)zᵢ − log σ(zᵢ)] + (l2/2)‖w‖², z = Xw (spec §3.2), with the stable log σ and
// σ(t) − b of spec §3.2. One fused pass over the rows, no allocation per call. Also the objective handed to the
// npm peers (numeric, fmin, optimization-js), which need a JS function.

/** Stable log σ(t) (spec §3.2). */
export function logSigmoid(t) {
  if (t < -33) return t;
  if (t < -18) return t - Math.exp(t);
  if (t < 37) return -Math.log1p(Math.exp(-t));
  return -Math.exp(-t);
}

/** Stable σ(t) − b (spec §3.2); b = 0 gives σ(t). */
export function sigmoidMinus(t, b) {
  if (t < 0) {
    const e = Math.exp(t);
    return ((1 - b) * e - b) / (1 + e);
  }
  const e = Math.exp(-t);
  return (1 - b - b * e) / (1 + e);
}

/** f(w) and ∇f(w) into g: dense row-major X (n × d), one pass. */
export function denseValueAndGradient(X, b, l2, w, g) {
  const { data, rows: n, cols: d } = X;
  g.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let z = 0;
    for (let j = 0; j < d; j++) z += data[row + j] * w[j];
    loss += (1 - b[i]) * z - logSigmoid(z);
    const r = sigmoidMinus(z, b[i]);
    for (let j = 0; j < d; j++) g[j] += r * data[row + j];
  }
  let ww = 0;
  for (let j = 0; j < d; j++) {
    g[j] = g[j] / n + l2 * w[j];
    ww += w[j] * w[j];
  }
  return loss / n + 0.5 * l2 * ww;
}

/** f(w) and ∇f(w) into g: CSR X, one pass. */
export function csrValueAndGradient(X, b, l2, w, g) {
  const { indptr, indices, values, rows: n, cols: d } = X;
  g.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const end = indptr[i + 1];
    let z = 0;
    for (let k = indptr[i]; k < end; k++) z += values[k] * w[indices[k]];
    loss += (1 - b[i]) * z - logSigmoid(z);
    const r = sigmoidMinus(z, b[i]);
    for (let k = indptr[i]; k < end; k++) g[indices[k]] += r * values[k];
  }
  let ww = 0;
  for (let j = 0; j < d; j++) {
    g[j] = g[j] / n + l2 * w[j];
    ww += w[j] * w[j];
  }
  return loss / n + 0.5 * l2 * ww;
}

/** f(w) and ∇f(w) for either layout. */
export function valueAndGradient(X, b, l2, w, g) {
  return X.kind === 'dense' ? denseValueAndGradient(X, b, l2, w, g) : csrValueAndGradient(X, b, l2, w, g);
}

/** f(w) alone (one pass, no gradient). */
export function value(X, b, l2, w) {
  const n = X.rows;
  let loss = 0;
  margins(X, w, (i, z) => {
    loss += (1 - b[i]) * z - logSigmoid(z);
  });
  let ww = 0;
  for (let j = 0; j < w.length; j++) ww += w[j] * w[j];
  return loss / n + 0.5 * l2 * ww;
}

function margins(X, w, visit) {
  if (X.kind === 'dense') {
    const { data, rows: n, cols: d } = X;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += data[i * d + j] * w[j];
      visit(i, z);
    }
  } else {
    const { indptr, indices, values, rows: n } = X;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let k = indptr[i]; k < indptr[i + 1]; k++) z += values[k] * w[indices[k]];
      visit(i, z);
    }
  }
}

/** z = Xw into out (length n). */
export function matVec(X, w, out) {
  margins(X, w, (i, z) => {
    out[i] = z;
  });
  return out;
}

/** The Hessian weights σ(zᵢ)(1 − σ(zᵢ))/n at w (computed once per point, as Newton-CG reuses them). */
export function hessianWeights(X, w) {
  const n = X.rows;
  const out = new Float64Array(n);
  margins(X, w, (i, z) => {
    const s = sigmoidMinus(z, 0);
    out[i] = (s * (1 - s)) / n;
  });
  return out;
}

/** ∇²f(w)·v = Xᵀ(D(Xv)) + l2·v with D the precomputed weights: one pass over the rows. */
export function hessVec(X, D, l2, v, out) {
  out.fill(0);
  if (X.kind === 'dense') {
    const { data, rows: n, cols: d } = X;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += data[row + j] * v[j];
      const r = D[i] * z;
      for (let j = 0; j < d; j++) out[j] += r * data[row + j];
    }
  } else {
    const { indptr, indices, values, rows: n } = X;
    for (let i = 0; i < n; i++) {
      const end = indptr[i + 1];
      let z = 0;
      for (let k = indptr[i]; k < end; k++) z += values[k] * v[indices[k]];
      const r = D[i] * z;
      for (let k = indptr[i]; k < end; k++) out[indices[k]] += r * values[k];
    }
  }
  for (let j = 0; j < out.length; j++) out[j] += l2 * v[j];
  return out;
}

/**
 * φ(t) = f(x + t·d) from cached margins zx = Xx and zd = Xd (LIBLINEAR's O(n) line search): the regularizer
 * from the precomputed ‖x‖², x·d, ‖d‖².
 */
export function lineSearchTrial(zx, zd, b, l2, xx, xd, dd, t) {
  const n = zx.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = zx[i] + t * zd[i];
    loss += (1 - b[i]) * z - logSigmoid(z);
  }
  return loss / n + 0.5 * l2 * (xx + 2 * t * xd + t * t * dd);
}
