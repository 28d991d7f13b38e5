// The stable log-sum-exp of the softmax loss (spec §3.2) and an accurate running sum. The exp and log are
// those of scalar_math.hpp (the same bits as the TypeScript backend); the logistic pieces are there too.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/scalar_math.hpp"

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

// Four CompensatedSums fed round-robin (element k of a run goes to lane k mod 4), merged in lane order. One
// double-double chain costs ~4 dependent adds per element and capped the vectorized loss kernels at ~3 ns
// per row; four independent chains overlap. The order depends only on the element's position in the run
// (not on the SIMD width), so every build and CPU rounds alike.
struct LaneSum {
  CompensatedSum lane[4];

  void add_run(const double* v, std::int64_t n) {
    std::int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
      lane[0].add(v[k]);
      lane[1].add(v[k + 1]);
      lane[2].add(v[k + 2]);
      lane[3].add(v[k + 3]);
    }
    for (; k < n; ++k) lane[k & 3].add(v[k]);
  }
  void merge_into(CompensatedSum* total) const {
    for (const CompensatedSum& l : lane) total->add(l);
  }
};

}  // namespace stepsearch::core
