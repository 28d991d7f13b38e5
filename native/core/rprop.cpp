#include "core/rprop.hpp"

#include <cmath>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.5; line for line with Rprop in lib/optimizers/rprop.ts.
class Rprop final : public Method {
 public:
  Rprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        increase_(s.number("increaseFactor", 1.2)),
        decrease_(s.number("decreaseFactor", 0.5)),
        max_step_(s.number("maxStep", 50)),
        min_step_(s.number("minStep", 1e-6)),
        delta_(Vector::Constant(x0.size(), s.number("initialStep", 1e-2))),
        g_prev_(Vector::Zero(x0.size())),
        y_(x0.size()),
        gy_(x0.size()) {}

  StepOutcome step() override {
    const Index d = x_.size();
    double move_sq = 0;
    for (Index i = 0; i < d; ++i) {
      double gi = grad_[i];
      const double change = g_prev_[i] * gi;
      if (change > 0) {
        delta_[i] = delta_[i] * increase_;
      } else if (change < 0) {
        delta_[i] = delta_[i] * decrease_;
        gi = 0;
      }
      if (delta_[i] < min_step_) delta_[i] = min_step_;
      if (delta_[i] > max_step_) delta_[i] = max_step_;
      const double move = gi > 0 ? delta_[i] : gi < 0 ? -delta_[i] : 0;
      y_[i] = x_[i] - move;
      move_sq += move * move;
      g_prev_[i] = gi;
    }
    const double fy = oracle_.value_and_gradient(y_.data(), gy_.data());
    const double step_size = std::sqrt(move_sq);
    if (!std::isfinite(fy) || !all_finite(gy_)) return non_finite_step("rprop", step_size);
    x_ = y_;
    fun_ = fy;
    grad_ = gy_;
    return step_outcome(true, step_size);
  }

 private:
  const double increase_;
  const double decrease_;
  const double max_step_;
  const double min_step_;
  Vector delta_;
  Vector g_prev_;
  Vector y_;
  Vector gy_;
};

}  // namespace

std::unique_ptr<Method> make_rprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                   const Settings& settings) {
  return std::make_unique<Rprop>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
