// Per-sample losses of the binary linear models, as functions of the margin z = x_i·w and the label
// (team rules "Objective definitions"; spec §3.2). LinearModel<Matrix, Loss> is written against this shape:
//   value(z, y)              ℓ(z, y)
//   value_and_slope(z, y, s) ℓ(z, y), and ℓ'(z, y) written to *s
//   curvature(z, y)          ℓ''(z, y) (the Hessian weight D_ii)
//   kConstantCurvature       ℓ'' does not depend on z (Hessian products then need no margins)
//   curvatures(z, begin, end, out)  out[r] = ℓ''(z[r]) for a run of rows (only when ℓ'' is not constant)
// and, over rows r = begin..end−1 of margins z[r] with labels y[rows ? rows[r] : r] (sums added to *sum):
//   sum_values(z, y, rows, begin, end, sum)                     Σ ℓ(z_r)
//   sum_values_and_slopes(z, y, rows, begin, end, sum, slopes)  Σ ℓ(z_r), slopes[r − begin] = ℓ'(z_r)
//   line_margins(y, z, q)   a line's margins z = x_i·x, q = x_i·d as sum_line takes them (in place, at reset)
//   sum_line(z, q, y, rows, begin, end, t, sum, slope)          Σ ℓ(z_r + t·q_r), and Σ ℓ'(z_r + t·q_r)·q_r
//                                                               when slope is not null (a line trial)
// The logistic sums run in the vectorized kernels of logistic_kernel.hpp; every sum adds in the same order
// (LaneSum), so a trial at t = 0 and a full evaluation of the same margins round alike.
#pragma once
#include <cstdint>

#include "core/logistic_kernel.hpp"
#include "core/scalar_math.hpp"
#include "core/stable_math.hpp"

namespace stepsearch::core {

// Logistic loss with the label b ∈ {0, 1}: ℓ = (1 − b)z − log σ(z), ℓ' = σ(z) − b, ℓ'' = σ(z)(1 − σ(z)).
struct LogisticLoss {
  static constexpr bool kConstantCurvature = false;
  static double value(double z, double b) { return logistic_loss(z, b); }
  static double value_and_slope(double z, double b, double* slope) {
    return logistic_loss_and_slope(z, b, slope);
  }
  static double curvature(double z, double) { return sigmoid_curvature(z); }
  // out[r] = curvature(z[r]) for r ∈ [begin, end), vectorized (the same values).
  static void curvatures(const double* z, std::int64_t begin, std::int64_t end, double* out) {
    logistic_curvatures(z + begin, end - begin, out + begin);
  }

  static void sum_values(const double* z, const double* b, const std::int32_t* rows, std::int64_t begin,
                         std::int64_t end, CompensatedSum* sum) {
    logistic_value(z, b, rows, begin, end, sum);
  }
  static void sum_values_and_slopes(const double* z, const double* b, const std::int32_t* rows,
                                    std::int64_t begin, std::int64_t end, CompensatedSum* sum, double* slopes) {
    logistic_value_and_slopes(z, b, rows, begin, end, sum, slopes);
  }
  // A line's margins carry the sign of the label (logistic_line_margins): the trials read no labels.
  static void line_margins(double b, double* z, double* q) { logistic_line_margins(b, z, q); }
  static void sum_line(const double* z, const double* q, const double*, const std::int32_t*, std::int64_t begin,
                       std::int64_t end, double t, CompensatedSum* sum, CompensatedSum* slope) {
    if (slope)
      logistic_line_value_and_slope(z, q, begin, end, t, sum, slope);
    else
      logistic_line_value(z, q, begin, end, t, sum);
  }
};

// Squared error ℓ = ½(z − y)², ℓ' = z − y, ℓ'' = 1. No transcendental: the sums are plain loops.
struct SquaredLoss {
  static constexpr bool kConstantCurvature = true;
  static double value(double z, double y) {
    const double r = z - y;
    return 0.5 * r * r;
  }
  static double value_and_slope(double z, double y, double* slope) {
    const double r = z - y;
    *slope = r;
    return 0.5 * r * r;
  }
  static double curvature(double, double) { return 1.0; }

  static void sum_values(const double* z, const double* y, const std::int32_t* rows, std::int64_t begin,
                         std::int64_t end, CompensatedSum* sum) {
    sum_rows(begin, end, sum, nullptr, [&](std::int64_t r, double* loss, double*) {
      *loss = value(z[r], y[rows ? rows[r] : r]);
    });
  }
  static void sum_values_and_slopes(const double* z, const double* y, const std::int32_t* rows,
                                    std::int64_t begin, std::int64_t end, CompensatedSum* sum, double* slopes) {
    sum_rows(begin, end, sum, nullptr, [&](std::int64_t r, double* loss, double*) {
      *loss = value_and_slope(z[r], y[rows ? rows[r] : r], &slopes[r - begin]);
    });
  }
  static void line_margins(double, double*, double*) {}
  static void sum_line(const double* z, const double* q, const double* y, const std::int32_t* rows,
                       std::int64_t begin, std::int64_t end, double t, CompensatedSum* sum, CompensatedSum* slope) {
    sum_rows(begin, end, sum, slope, [&](std::int64_t r, double* loss, double* term) {
      double l1;
      *loss = value_and_slope(z[r] + t * q[r], y[rows ? rows[r] : r], &l1);
      *term = l1 * q[r];
    });
  }

 private:
  // Computes the per-row terms in runs of kRun (row(r, &loss, &term)) and adds them in LaneSum order.
  template <class Row>
  static void sum_rows(std::int64_t begin, std::int64_t end, CompensatedSum* sum, CompensatedSum* slope, Row&& row) {
    constexpr std::int64_t kRun = 256;
    double loss[kRun], term[kRun];
    LaneSum v, s;
    for (std::int64_t c = begin; c < end; c += kRun) {
      const std::int64_t n = end - c < kRun ? end - c : kRun;
      for (std::int64_t k = 0; k < n; ++k) row(c + k, &loss[k], &term[k]);
      v.add_run(loss, n);
      if (slope) s.add_run(term, n);
    }
    v.merge_into(sum);
    if (slope) s.merge_into(slope);
  }
};

}  // namespace stepsearch::core
