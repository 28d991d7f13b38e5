// 'lbfgs': L-BFGS (two-loop recursion) with a Moré–Thuente strong-Wolfe line search (spec §2.4). Mirrors
// lib/optimizers/lbfgs.ts, which documents the iteration, the acceptance/restart rules, the curvature-pair
// skip and the meaning of stepSize.
#pragma once
#include <memory>

#include "core/line_search.hpp"
#include "core/method.hpp"

namespace stepsearch::core {

// φ(t) = f(x + t·d) through the full fused oracle: each trial is one counted value_and_gradient(x + t·d)
// (1 f + 1 g, as a trial of scipy's L-BFGS-B) and keeps the trial's point and gradient, so the accepted
// point costs nothing more (see GradientLine in lbfgs.ts for why not CountedLine here).
class GradientLine final : public Line {
 public:
  GradientLine(CountedObjective& oracle, const Vector& x, const Vector& d)
      : oracle_(oracle), x_(x), d_(d), point_(x.size()), grad_(x.size()) {}
  double value(double t) override {
    double slope;
    return value_and_slope(t, &slope);
  }
  double value_and_slope(double t, double* slope) override;

  const Vector& point() const { return point_; }
  const Vector& grad() const { return grad_; }

 private:
  CountedObjective& oracle_;
  const Vector& x_;
  const Vector& d_;
  Vector point_;
  Vector grad_;
};

// Settings: memory (10), wolfeC1 (1e-3), wolfeC2 (0.9), maxLineSearchSteps (20); validated by the TS side.
std::unique_ptr<Method> make_lbfgs(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                   const Settings& settings);

}  // namespace stepsearch::core
