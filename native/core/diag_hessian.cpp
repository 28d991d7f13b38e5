#include "core/diag_hessian.hpp"

#include <cmath>
#include <string>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.2; line for line with DiagHessian in lib/optimizers/diag_hessian.ts.
class DiagHessian final : public Method {
 public:
  DiagHessian(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        alpha_(s.number("initialStep", 0.1)),
        forward_(s.number("forward", 1.1)),
        backward_(s.number("backward", 0.5)),
        p_(x0.size()),
        step_(x0.size()),
        y_(x0.size()),
        gy_(x0.size()),
        hy_(x0.size()),
        guard_("diag-hessian", s.number("maxBacktracks", kDefaultMaxBacktracks)) {
    oracle_.hess_diag(x_.data(), hy_.data());
    if (!all_finite(hy_)) problem_ = StepOutcome::stopped(Status::kNonFinite, "diag-hessian: the Hessian diagonal is not finite at x0");
    set_preconditioner(hy_);
  }

  StepOutcome step() override {
    if (problem_.stop != Status::kRunning) return problem_;
    const Index d = x_.size();
    const double alpha = alpha_;
    for (Index i = 0; i < d; ++i) {
      step_[i] = alpha * (p_[i] * grad_[i]);
      y_[i] = x_[i] - step_[i];
    }
    const double fy = oracle_.value(y_.data());
    bool non_finite = !std::isfinite(fy);
    if (!non_finite && fy < fun_ - 0.5 * dot_serial(grad_, step_)) {
      oracle_.gradient(y_.data(), gy_.data());
      if (all_finite(gy_)) {
        oracle_.hess_diag(y_.data(), hy_.data());
        if (all_finite(hy_)) {
          x_ = y_;
          fun_ = fy;
          grad_ = gy_;
          set_preconditioner(hy_);
          alpha_ = alpha * forward_;
          guard_.accepted();
          return step_outcome(true, alpha);
        }
      }
      non_finite = true;
    }
    alpha_ = alpha * backward_;
    return guard_.rejected(non_finite, alpha);
  }

 private:
  // P = 1/h; records a stop if some h_i ≤ 0.
  void set_preconditioner(const Vector& h) {
    for (Index i = 0; i < h.size(); ++i) {
      if (!(h[i] > 0) && problem_.stop == Status::kRunning) {
        problem_ = StepOutcome::stopped(
            Status::kLineSearchFailed,
            "diag-hessian: the Hessian diagonal has a non-positive entry (coordinate " + std::to_string(i) +
                "); P = 1/diag(H) needs a positive diagonal (a convex objective with l2 > 0)");
      }
      p_[i] = 1 / h[i];
    }
  }

  double alpha_;
  const double forward_;
  const double backward_;
  Vector p_;
  Vector step_;
  Vector y_;
  Vector gy_;
  Vector hy_;
  TrialGuard guard_;
  StepOutcome problem_;  // stop != kRunning when the diagonal at the current point is unusable
};

}  // namespace

std::unique_ptr<Method> make_diag_hessian(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings) {
  return std::make_unique<DiagHessian>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
