// Row kernels for CSR data (data_matrix.hpp): one row's entries values[p] at columns indices[p], p < n.
//
// Dot products accumulate in eight lanes, lane k holding the entries p ≡ k (mod 8) counted from the row's
// start, combined as the dense kernels combine theirs: ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)). The AVX-512
// build gathers eight entries of w per instruction; the other builds run the same lanes in scalar code, so
// every build (and the TypeScript twin, linear_js.ts csrDot) gives the same bits. On the Intel Xeon host,
// CSR logistic 2e5×5e4 (~44 entries per row), gathers and scatters instead of scalar code (two add chains)
// took value at a new point from 11 to 7.9 ms and value+gradient from 20.6 to 15.5 ms at one thread, 9.4 to
// 7.3 ms at two (medians, alternating processes): the scalar kernels were bound by their loads, not by memory.
#pragma once
#include <cstdint>

namespace stepsearch::core {

// Σ_p values[p]·w[indices[p]].
double sparse_dot(const double* values, const std::int32_t* indices, std::int64_t n, const double* w);
// Returns Σ values[p]·a[indices[p]] and writes Σ values[p]·c[indices[p]] to *xc, each rounded as sparse_dot.
double sparse_dot2(const double* values, const std::int32_t* indices, std::int64_t n, const double* a,
                   const double* c, double* xc);
// g[indices[p]] += alpha·values[p] for each p, elementwise. The indices of a row must be distinct (the binding
// validates them strictly increasing): the AVX-512 build updates eight entries of g per scatter.
void sparse_axpy(double alpha, const double* values, const std::int32_t* indices, std::int64_t n, double* g);

}  // namespace stepsearch::core
