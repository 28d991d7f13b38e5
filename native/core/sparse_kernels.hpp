// Row kernels for CSR data (data_matrix.hpp): one row's entries values[p] at columns indices[p], p < n.
//
// Dot products accumulate in eight lanes, lane k holding the entries p ≡ k (mod 8) counted from the row's
// start, combined as the dense kernels combine theirs: ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)). The AVX-512
// build gathers eight entries of w per instruction; the other builds run the same lanes in scalar code, so
// every build (and the TypeScript twin, linear_js.ts csrDot) gives the same bits. On the Intel Xeon host,
// CSR logistic 2e5×5e4 (~44 entries per row), gathers and scatters instead of scalar code (two add chains)
// took value at a new point from 11 to 7.9 ms and value+gradient from 20.6 to 15.5 ms at one thread, 9.4 to
// 7.3 ms at two (medians, alternating processes): the scalar kernels were bound by their loads, not by memory.
// With them the pass became memory-bound, and prefetching the row ~2 KB ahead (SparseAhead) took
// value+gradient from ~16.4 to ~12.1 ms at one thread, 6.9 to 6.0 ms at two, and value from 7.7 to 5.4 ms
// (three alternations each); the AVX2 build's scalar lanes gained as much (value+gradient 18.5–21.2 → 14.8–15.3
// ms). A 4 KB distance ran slower, prefetching the next chunk's rows during the updates no faster. The
// updates have since gone back to scalar code (sparse_axpy): the scatters only tied on Intel and lost on AMD.
#pragma once
#include <cstdint>

namespace stepsearch::core {

// A row that will be read a few rows later (values null: none). The kernels prefetch its entries in step
// with their own reads, as the dense kernels do (dense_kernels.hpp), since the hardware prefetchers stop at
// 4 KB pages: its values[p] and indices[p] when they read entry p. Prefetching never changes a result.
struct SparseAhead {
  const double* values = nullptr;
  const std::int32_t* indices = nullptr;
};

// Σ_p values[p]·w[indices[p]].
double sparse_dot(const double* values, const std::int32_t* indices, std::int64_t n, const double* w,
                  SparseAhead ahead = {});
// Returns Σ values[p]·a[indices[p]] and writes Σ values[p]·c[indices[p]] to *xc, each rounded as sparse_dot.
double sparse_dot2(const double* values, const std::int32_t* indices, std::int64_t n, const double* a,
                   const double* c, double* xc, SparseAhead ahead = {});
// g[indices[p]] += alpha·values[p] for each p, elementwise, in scalar code at every level (sparse_kernels.cpp
// says why: AVX-512 scatters are slow on AMD).
void sparse_axpy(double alpha, const double* values, const std::int32_t* indices, std::int64_t n, double* g,
                 SparseAhead ahead = {});

}  // namespace stepsearch::core
