// Scalar elementary functions of the built-in losses (spec §3.2), computed with the operations of
// simd_math.hpp on one value: every logistic term and every softmax exp/log of the core rounds exactly as the
// vectorized row kernels do, whatever the CPU, and exactly as the TypeScript backend
// (lib/objectives/loss_math.ts), which repeats the same operations. std::exp / std::log are not used: glibc's
// and V8's differ from each other in the last bit, and some optimizer runs amplify that (spec §0 parity).
//
// Inline (defined here): the softmax loops call exp and log once per class, and out-of-line calls there made
// a softmax evaluation 1.2x slower (every call spills the loop's xmm registers).
//
// Every function is finite for every finite argument: no e^{|t|} is ever formed, so a line-search trial with
// a step of 1e10 gives a large but finite loss instead of inf or NaN.
#pragma once
#include <cmath>

#include "core/simd_math.hpp"

namespace stepsearch::core {

// e^x for x ≤ 0 (< 1 ulp; 0 below −746; NaN propagates).
inline double exp_nonpositive(double x) { return simd::exp_nonpositive(simd::V1{x})[0]; }

// log a for a ≥ 1 (< 1 ulp): the log of a log-sum-exp's sum, which is at least its largest term e^0.
// a = 2^k·y with y ∈ [√2/2, √2) (frexp gives a = m·2^e, m ∈ [0.5, 1), exactly); f = y − 1 is exact
// (Sterbenz), so log a = k·ln2 + log(1 + f) with no correction term.
inline double log_at_least_one(double a) {
  int e = 0;
  const double m = std::frexp(a, &e);
  const bool low = m < 0.70710678118654757;  // √2/2 rounded up: m < √2/2 exactly for doubles below it
  const double y = low ? 2.0 * m : m;
  const double k = static_cast<double>(low ? e - 1 : e);
  return simd::log_reduced(simd::V1{y - 1.0}, simd::V1{k * simd::kLn2Hi}, simd::V1{k * simd::kLn2Lo})[0];
}

// The logistic loss ℓ(t, b) = max(t, 0) − b·t + log(1 + e^{−|t|}) for a label b ∈ {0, 1}: every term is ≥ 0,
// so it keeps full relative accuracy where it is tiny.
inline double logistic_loss(double t, double b) {
  double loss;
  simd::logistic_terms<false, simd::V1>(simd::V1{t}, simd::V1{b}, &loss, nullptr);
  return loss;
}

// ℓ(t, b), and ℓ'(t, b) = σ(t) − b (from the same e^{−|t|}) written to *slope.
inline double logistic_loss_and_slope(double t, double b, double* slope) {
  double loss;
  simd::logistic_terms<true, simd::V1>(simd::V1{t}, simd::V1{b}, &loss, slope);
  return loss;
}

// σ(t)(1 − σ(t)) = e/(1 + e)² with e = e^{−|t|}: the logistic Hessian weight.
inline double sigmoid_curvature(double t) { return simd::logistic_curvature(simd::V1{t})[0]; }

}  // namespace stepsearch::core
