// Sums of the logistic loss over many rows (spec §3.2), vectorized: the line-search trial φ(t), φ'(t)
// (LinearLine) and the loss part of a full evaluation (LinearModel::value, value_and_gradient).
//
// A trial does O(1) work per row but that work is one exp and one log1p: with the scalar std::exp /
// std::log1p it cost ~17 ns/row, a sixth of a full evaluation; in a full evaluation over sparse rows with
// ~50 entries the same scalar calls were a third of the time. These kernels compute e^{−|t|}, log(1 + e^{−|t|})
// and σ(t) − b with polynomials on SIMD vectors (8 doubles with AVX-512, 4 with AVX2, 2 with the x86-64
// baseline; chosen at run time), one exp shared by the loss and the slope. No FMA, and every lane evaluates the
// same operations in the same order, so all builds round identically and results do not depend on the CPU.
// The losses are added in row order into eight interleaved double-double chains (LaneSum), so a sum stays
// deterministic for a given thread count and the same on every CPU.
// Accuracy: loss and slope within 2 ulp of a long-double reference for margins densely sampled in [−750, 750]
// plus ±0, subnormals, the underflow of e^{−|t|} (|t| > 708) and huge |t|; test/line-kernel.test.ts checks
// the objective against a plain loop with Math.exp / Math.log1p.
//
// The scalar functions of scalar_math.hpp evaluate the same operations (simd_math.hpp) on one value, so every
// logistic loss, slope and Hessian weight of the core rounds exactly as the vector lanes do.
#pragma once
#include <cstdint>

#include "core/stable_math.hpp"

namespace stepsearch::core {

// The build of these kernels this process runs: "avx512", "avx2" or "sse2" (the CPU's widest, capped by the
// environment variable STEPSEARCH_SIMD; every build gives the same bits).
const char* logistic_simd_level();

// out[r] = σ(z_r)(1 − σ(z_r)) for r ∈ [0, count) (the logistic Hessian weights; each equal to
// sigmoid_curvature(z_r), vectorized: one at a time, the exponential's latency dominated Hessian products).
void logistic_curvatures(const double* z, std::int64_t count, double* out);

// A line's margins are signed: z_r = y·(x_i·x), q_r = y·(x_i·d) with y = 2b_i − 1 = ±1 (logistic_line_margins,
// once per line), so that a trial reads no labels (a third less memory traffic, and fewer operations per row).
inline void logistic_line_margins(double b, double* z, double* q) {
  if (b == 0.0) {
    *z = -*z;
    *q = -*q;
  }
}

// Adds ℓ(z_r + t·q_r) (logistic, signed margins) to *value for r = begin..end−1 in row order: the same sum,
// bit for bit, as the labelled margins would give (simd_math.hpp, signed_logistic_terms_given_exp).
void logistic_line_value(const double* z, const double* q, std::int64_t begin, std::int64_t end, double t,
                         CompensatedSum* value);

// As logistic_line_value, and adds ℓ'·(x_i·d) = (σ − b_i)·(x_i·d) to *slope.
void logistic_line_value_and_slope(const double* z, const double* q, std::int64_t begin, std::int64_t end,
                                   double t, CompensatedSum* value, CompensatedSum* slope);

// Adds ℓ(z_r, b_i) for r = begin..end−1 to *value (the same rounding as a trial at t = 0).
void logistic_value(const double* z, const double* b, const std::int32_t* rows, std::int64_t begin,
                    std::int64_t end, CompensatedSum* value);

// As logistic_value, and writes ℓ'(z_r, b_i) = σ(z_r) − b_i to slopes[r − begin].
void logistic_value_and_slopes(const double* z, const double* b, const std::int32_t* rows, std::int64_t begin,
                               std::int64_t end, CompensatedSum* value, double* slopes);

}  // namespace stepsearch::core
