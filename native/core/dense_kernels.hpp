// Row kernels for dense data: the innermost loops of every dense objective (dot products and row updates).
//
// They use eight independent accumulators (held in SIMD registers) so the adds do not wait on each other;
// the order of additions is fixed by the source, so results do not depend on the SIMD width. On x86-64 Linux
// with GCC each kernel is compiled twice (function multiversioning: an AVX2 clone and the baseline) and the
// loader picks one at run time, so the binary runs on any x86-64 CPU (no -march=native).
#pragma once
#include <cstdint>

namespace stepsearch::core {

// The streaming kernels take `ahead`: null, or the start of an n-element array (the row that will be read a
// few rows later) whose cache lines are prefetched in step with the reads of the streamed operand. The
// hardware prefetchers stop at 4 KB page boundaries and fall behind while a row's scalar work runs; on the
// Intel Xeon host, dense logistic 2e5×200 value+gradient at a new point ran ~1.15x faster at one and at two
// threads with rows prefetched ~4 KB ahead this way (medians 29.4 → 25.5 and 15.8 → 13.7 ms, alternating
// processes; non-temporal prefetches made it 2x slower). Prefetching never changes a result.

// Σ a[i]·b[i] (a streamed).
double dense_dot(const double* a, const double* b, std::int64_t n, const double* ahead = nullptr);
// Two dot products sharing the reads of a: returns Σ a·b and writes Σ a·c to *ac, each rounded exactly as
// dense_dot rounds it (same lanes, same combination), so cached and recomputed margins are bit-identical.
double dense_dot2(const double* a, const double* b, const double* c, std::int64_t n, double* ac,
                  const double* ahead = nullptr);
// y += alpha·x (x streamed).
void dense_axpy(double alpha, const double* x, double* y, std::int64_t n, const double* ahead = nullptr);
// y += alpha[0]·x0, then += alpha[1]·x1, += alpha[2]·x2, += alpha[3]·x3: the roundings of four dense_axpy
// calls in that order, with y loaded and stored once instead of four times.
void dense_axpy4(const double* alpha, const double* x0, const double* x1, const double* x2, const double* x3,
                 double* y, std::int64_t n);
// y += alpha·x⊙x (for Hessian diagonals).
void dense_sq_axpy(double alpha, const double* x, double* y, std::int64_t n);
// Σ x[i] (a plain streaming read with software prefetch, the bandwidth floor of the benchmark).
double dense_sum(const double* x, std::int64_t n);

}  // namespace stepsearch::core
