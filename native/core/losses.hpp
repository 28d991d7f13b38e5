// Per-sample losses of the binary linear models, as functions of the margin z = x_i·w and the label
// (team rules "Objective definitions"; spec §3.2). LinearModel<Matrix, Loss> is written against this shape:
//   value(z, y)              ℓ(z, y)
//   value_and_slope(z, y, s) ℓ(z, y), and ℓ'(z, y) written to *s
//   curvature(z, y)          ℓ''(z, y) (the Hessian weight D_ii)
//   kConstantCurvature       ℓ'' does not depend on z (Hessian products then need no margins)
#pragma once
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
};

// Squared error ℓ = ½(z − y)², ℓ' = z − y, ℓ'' = 1.
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
};

}  // namespace stepsearch::core
