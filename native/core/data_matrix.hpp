// Non-owning views of the data matrix X (zero-copy: they point into the caller's arrays, which the binding
// keeps alive) and the per-row operations every linear model is written in.
//
// The objectives are templates over the view type, so one algorithm serves dense and CSR data; the row
// operations below are the only place where the two storage schemes differ.
#pragma once
#include <algorithm>
#include <cstdint>

#include "core/dense_kernels.hpp"
#include "core/sparse_kernels.hpp"
#include "core/objective.hpp"

namespace stepsearch::core {

// Row-major dense matrix: element (i, j) is data[i*cols + j].
struct DenseView {
  const double* data = nullptr;
  Index rows = 0;
  Index cols = 0;
};

// Compressed sparse rows: row i holds values[p] at column indices[p] for p in [indptr[i], indptr[i+1]).
// Column indices are strictly increasing within a row (validated by the binding).
struct CsrView {
  const std::int32_t* indptr = nullptr;
  const std::int32_t* indices = nullptr;
  const double* values = nullptr;
  Index rows = 0;
  Index cols = 0;
};

inline Index stored_entries(const DenseView& X) { return X.rows * X.cols; }
inline Index stored_entries(const CsrView& X) { return X.indptr[X.rows]; }

// ---- binary models: one scalar output per row ----

// Row `ahead` (kNoRow: none) is one the caller will read a few rows later: the kernels prefetch it in step
// with row i's reads (dense_kernels.hpp, sparse_kernels.hpp). prefetch_rows gives the distance that ran
// fastest on the Intel Xeon host: ~4 KB of a dense row, ~2 KB of CSR values (and 1 KB of their indices);
// none for rows beyond 32 KB, which would leave L1 before their use (the hardware prefetchers suffice).
constexpr Index kNoRow = -1;

inline Index rows_within(Index bytes, Index row_bytes) {
  return row_bytes > 32768 ? 0 : (bytes + row_bytes - 1) / row_bytes;
}
inline Index prefetch_rows(const DenseView& X) { return rows_within(4096, 8 * std::max<Index>(1, X.cols)); }
inline Index prefetch_rows(const CsrView& X) {
  const Index entries = X.rows > 0 ? X.indptr[X.rows] / X.rows : 0;
  return rows_within(2048, 8 * std::max<Index>(1, entries));
}

inline const double* dense_row_or_null(const DenseView& X, Index i) {
  return i == kNoRow ? nullptr : X.data + i * X.cols;
}
inline SparseAhead csr_row_or_none(const CsrView& X, Index i) {
  if (i == kNoRow) return {};
  const std::int32_t b = X.indptr[i];
  return {X.values + b, X.indices + b};
}

// x_i · w
inline double row_dot(const DenseView& X, Index i, const double* w, Index ahead = kNoRow) {
  return dense_dot(X.data + i * X.cols, w, X.cols, dense_row_or_null(X, ahead));
}
inline double row_dot(const CsrView& X, Index i, const double* w, Index ahead = kNoRow) {
  const std::int32_t b = X.indptr[i];
  return sparse_dot(X.values + b, X.indices + b, X.indptr[i + 1] - b, w, csr_row_or_none(X, ahead));
}

// z[k] = x_{i_k} · w for two rows (rounded as row_dot); dense rows share the loads of w. CSR rows prefetch
// rows ahead[k]; dense rows (short ones: long rows go through row_dot) leave it to the hardware.
inline void rows_dot2(const DenseView& X, const Index* i, const double* w, double* z, const Index*) {
  // dense_dot2 with w as the shared operand: products commute exactly and the lanes are row_dot's.
  z[0] = dense_dot2(w, X.data + i[0] * X.cols, X.data + i[1] * X.cols, X.cols, &z[1]);
}
inline void rows_dot2(const CsrView& X, const Index* i, const double* w, double* z, const Index* ahead) {
  z[0] = row_dot(X, i[0], w, ahead[0]);
  z[1] = row_dot(X, i[1], w, ahead[1]);
}

// Returns x_i · a and writes x_i · c to *xc (one read of the row for two products). Each product is
// rounded exactly as row_dot would round it (same accumulation order).
inline double row_dot2(const DenseView& X, Index i, const double* a, const double* c, double* xc,
                       Index ahead = kNoRow) {
  return dense_dot2(X.data + i * X.cols, a, c, X.cols, xc, dense_row_or_null(X, ahead));
}
inline double row_dot2(const CsrView& X, Index i, const double* a, const double* c, double* xc,
                       Index ahead = kNoRow) {
  // The lanes of row_dot, so a margin is bit-identical whichever kernel computed it.
  const std::int32_t b = X.indptr[i];
  return sparse_dot2(X.values + b, X.indices + b, X.indptr[i + 1] - b, a, c, xc, csr_row_or_none(X, ahead));
}

// g += alpha · x_i
inline void row_axpy(const DenseView& X, Index i, double alpha, double* g, Index ahead = kNoRow) {
  dense_axpy(alpha, X.data + i * X.cols, g, X.cols, dense_row_or_null(X, ahead));
}
inline void row_axpy(const CsrView& X, Index i, double alpha, double* g, Index ahead = kNoRow) {
  const std::int32_t b = X.indptr[i];
  sparse_axpy(alpha, X.values + b, X.indices + b, X.indptr[i + 1] - b, g, csr_row_or_none(X, ahead));
}

// g += alpha[k] · x_{i_k} for k = 0..3 in that order (rounded as four row_axpy calls). Dense rows share one
// load and store of g: for short rows resident in cache the updates ran ~1.6x faster than row by row.
inline void rows_axpy4(const DenseView& X, const Index* i, const double* alpha, double* g) {
  const double* d = X.data;
  const Index n = X.cols;
  dense_axpy4(alpha, d + i[0] * n, d + i[1] * n, d + i[2] * n, d + i[3] * n, g, n);
}
inline void rows_axpy4(const CsrView& X, const Index* i, const double* alpha, double* g) {
  for (int k = 0; k < 4; ++k) row_axpy(X, i[k], alpha[k], g);
}

// g += alpha · x_i ⊙ x_i
inline void row_sq_axpy(const DenseView& X, Index i, double alpha, double* g) {
  dense_sq_axpy(alpha, X.data + i * X.cols, g, X.cols);
}
inline void row_sq_axpy(const CsrView& X, Index i, double alpha, double* g) {
  const std::int32_t b = X.indptr[i], e = X.indptr[i + 1];
  for (std::int32_t p = b; p < e; ++p) g[X.indices[p]] += alpha * (X.values[p] * X.values[p]);
}

// ---- K-output models (softmax): parameters laid out feature-major, W[j*K + k] ----

// Calls f(j, x_ij) for every stored entry of row i, in increasing j.
template <class F>
inline void for_row_entries(const DenseView& X, Index i, F&& f) {
  const double* row = X.data + i * X.cols;
  for (Index j = 0; j < X.cols; ++j) f(j, row[j]);
}
template <class F>
inline void for_row_entries(const CsrView& X, Index i, F&& f) {
  const std::int32_t b = X.indptr[i], e = X.indptr[i + 1];
  for (std::int32_t p = b; p < e; ++p) f(static_cast<Index>(X.indices[p]), X.values[p]);
}

}  // namespace stepsearch::core
