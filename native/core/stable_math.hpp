// Overflow-free scalar pieces of the built-in losses (spec §3.2) and an accurate running sum.
//
// Every function here is finite for every finite argument: no e^{|t|} is ever formed, so a line-search trial
// with a step of 1e10 gives a large but finite loss instead of inf or NaN.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace stepsearch::core {

// log(1 + e) for e = e^{−|t|} ∈ (0, 1]. Below 1e-8 the series e − e²/2 is exact to rounding (the next
// term is e³/3) and skips the log1p, like the tails of spec §3.2.
inline double log1p_small(double e) { return e < 1e-8 ? e * (1.0 - 0.5 * e) : std::log1p(e); }

// log σ(t) = min(t, 0) − log(1 + e^{−|t|}) (spec §3.2): no overflow, full relative accuracy (both terms have
// the same sign). The spec's piecewise tails (t, t − e^t, −e^{−t}) are this formula with the log1p series
// truncated; log1p_small keeps one more term and so agrees with them to rounding.
inline double log_sigmoid(double t) { return std::min(t, 0.0) - log1p_small(std::exp(-std::fabs(t))); }

// spec §3.2: σ(t) − b for a label b ∈ {0, 1}, with no e^{|t|} formed. b = 0 gives σ(t).
inline double sigmoid_minus(double t, double b) {
  const double e = std::exp(-std::fabs(t));
  return t < 0.0 ? ((1.0 - b) * e - b) / (1.0 + e) : ((1.0 - b) - b * e) / (1.0 + e);
}

// σ(t)(1 − σ(t)) = e/(1 + e)² with e = e^{−|t|} (symmetric in t): the logistic Hessian weight.
inline double sigmoid_curvature(double t) {
  const double e = std::exp(-std::fabs(t));
  const double s = 1.0 + e;
  return e / (s * s);
}

// The logistic loss (1 − b)t − log σ(t) for b ∈ {0, 1}, written as max(t,0) − b·t + log(1 + e^{−|t|}): for
// t < 0 that is −b·t + log1p(e^t), for t ≥ 0 (1 − b)t + log1p(e^{−t}). Every term is ≥ 0, so the loss keeps
// full relative accuracy even where it is tiny (b = 0, t ≪ 0), which the form (1 − b)t − log σ(t) would lose
// to cancellation.
inline double logistic_loss(double t, double b) {
  return std::max(t, 0.0) - b * t + log1p_small(std::exp(-std::fabs(t)));
}

// The logistic loss and its derivative σ(t) − b, sharing one exponential.
inline double logistic_loss_and_slope(double t, double b, double* slope) {
  const double e = std::exp(-std::fabs(t));
  *slope = t < 0.0 ? ((1.0 - b) * e - b) / (1.0 + e) : ((1.0 - b) - b * e) / (1.0 + e);
  return std::max(t, 0.0) - b * t + log1p_small(e);
}

// Stable log Σ_k e^{s_k} (spec §3.2 for softmax: subtract the max). K ≥ 1.
inline double log_sum_exp(const double* s, std::int64_t k_count) {
  double m = s[0];
  for (std::int64_t k = 1; k < k_count; ++k) m = std::max(m, s[k]);
  double acc = 0.0;
  for (std::int64_t k = 0; k < k_count; ++k) acc += std::exp(s[k] - m);
  return m + std::log(acc);  // acc ≥ 1 because the max term is e^0
}

// p = softmax(s) over K entries, returns log Σ_k e^{s_k} (both with the max subtracted, spec §3.2).
inline double softmax_and_lse(const double* s, std::int64_t k_count, double* p) {
  double m = s[0];
  for (std::int64_t k = 1; k < k_count; ++k) m = std::max(m, s[k]);
  double acc = 0.0;
  for (std::int64_t k = 0; k < k_count; ++k) acc += (p[k] = std::exp(s[k] - m));
  const double inv = 1.0 / acc;
  for (std::int64_t k = 0; k < k_count; ++k) p[k] *= inv;
  return m + std::log(acc);
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
