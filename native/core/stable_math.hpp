// The stable log-sum-exp of the softmax loss (spec §3.2) and an accurate running sum. The exp and log are
// those of scalar_math.hpp (the same bits as the TypeScript backend); the logistic pieces are there too.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/scalar_math.hpp"
#include "core/simd_math.hpp"

namespace stepsearch::core {

// Σ_k e^{s_k − m} added left to right, each e^{s_k − m} also stored to p[k] when p is not null. The
// exponentials go two at a time through the 2-lane build of exp_nonpositive (each lane rounds as the scalar
// one, so the sum is the same as a scalar loop's; a softmax evaluation was 1.06x slower with scalar calls).
inline double sum_exp_shifted(const double* s, std::int64_t k_count, double m, double* p) {
  double acc = 0.0;
  std::int64_t k = 0;
  for (; k + 2 <= k_count; k += 2) {
    const simd::V2 e = simd::exp_nonpositive(simd::V2{s[k] - m, s[k + 1] - m});
    if (p) {
      p[k] = e[0];
      p[k + 1] = e[1];
    }
    acc += e[0];
    acc += e[1];
  }
  if (k < k_count) {
    const double e = exp_nonpositive(s[k] - m);
    if (p) p[k] = e;
    acc += e;
  }
  return acc;
}

// Stable log Σ_k e^{s_k} (spec §3.2 for softmax: subtract the max). K ≥ 1.
inline double log_sum_exp(const double* s, std::int64_t k_count) {
  double m = s[0];
  for (std::int64_t k = 1; k < k_count; ++k) m = std::max(m, s[k]);
  return m + log_at_least_one(sum_exp_shifted(s, k_count, m, nullptr));  // the sum is ≥ 1: its max term is e^0
}

// p = softmax(s) over K entries, returns log Σ_k e^{s_k} (both with the max subtracted, spec §3.2).
inline double softmax_and_lse(const double* s, std::int64_t k_count, double* p) {
  double m = s[0];
  for (std::int64_t k = 1; k < k_count; ++k) m = std::max(m, s[k]);
  const double acc = sum_exp_shifted(s, k_count, m, p);
  const double inv = 1.0 / acc;
  for (std::int64_t k = 0; k < k_count; ++k) p[k] *= inv;
  return m + log_at_least_one(acc);
}

// A double-double running sum (Knuth's TwoSum per addition). Losses are averaged over up to millions of rows;
// this keeps the mean correctly rounded in practice, makes the result independent of the block split to
// within one rounding, and gives f(0) = log 2 exactly for logistic regression (n copies of log 2 summed and
// divided by n).
struct CompensatedSum {
  double hi = 0.0;
  double lo = 0.0;

  void add(double v) {
    const double s = hi + v;
    const double bp = s - hi;
    lo += (hi - (s - bp)) + (v - bp);
    hi = s;
  }
  void add(const CompensatedSum& o) {
    add(o.hi);
    lo += o.lo;
  }
  double value() const { return hi + lo; }
  // (hi + lo)/n, with the remainder of the division carried (one correction step with an FMA).
  double mean(std::int64_t n) const {
    const double h = hi + lo;
    const double l = lo - (h - hi);
    const double dn = static_cast<double>(n);
    double q = h / dn;
    const double r = std::fma(-q, dn, h) + l;
    q += r / dn;
    return q;
  }
};

// Eight CompensatedSums fed round-robin (element k of a run goes to lane k mod 8), merged in lane order. One
// double-double chain costs ~4 dependent adds per element and capped the vectorized loss kernels at ~3 ns
// per row; independent chains overlap. The order depends only on the element's position in the run (not on
// the SIMD width), so every build and CPU rounds alike.
//
// add_run<V> adds a group of eight elements by vector TwoSums on 8/lanes(V) vectors of V (one zmm register
// with AVX-512, two ymm with AVX2, four xmm in the baseline): lane k of the group is CompensatedSum lane k, so
// the roundings are exactly those of eight scalar chains whatever V is. (Scalar, the sum spent 6 adds per
// element, ~1 ns/row; with four lanes in one ymm register it was still 17% of an AVX-512 line trial.)
struct LaneSum {
  static constexpr int kLanes = 8;
  alignas(64) double hi[kLanes] = {};
  alignas(64) double lo[kLanes] = {};

  template <class V = simd::V2>
  STEPSEARCH_INLINE void add_run(const double* v, std::int64_t n) {
    constexpr int W = simd::lanes_of<V>;
    constexpr int G = kLanes / W;
    V h[G], l[G];
    for (int g = 0; g < G; ++g) {
      h[g] = simd::load<V>(hi + g * W);
      l[g] = simd::load<V>(lo + g * W);
    }
    std::int64_t k = 0;
    for (; k + kLanes <= n; k += kLanes) {
      for (int g = 0; g < G; ++g) {
        const V x = simd::load<V>(v + k + g * W);
        const V s = h[g] + x;
        const V bp = s - h[g];
        l[g] += (h[g] - (s - bp)) + (x - bp);
        h[g] = s;
      }
    }
    for (int g = 0; g < G; ++g) {
      std::memcpy(hi + g * W, &h[g], sizeof(V));
      std::memcpy(lo + g * W, &l[g], sizeof(V));
    }
    for (; k < n; ++k) {  // the tail, lane k mod 8 (the scalar TwoSum of CompensatedSum::add)
      const int j = static_cast<int>(k % kLanes);
      CompensatedSum c{hi[j], lo[j]};
      c.add(v[k]);
      hi[j] = c.hi;
      lo[j] = c.lo;
    }
  }
  void merge_into(CompensatedSum* total) const {
    for (int j = 0; j < kLanes; ++j) total->add(CompensatedSum{hi[j], lo[j]});
  }
};

}  // namespace stepsearch::core
