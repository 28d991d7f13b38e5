#include "core/rmsprop.hpp"

#include <cmath>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.7; line for line with Rmsprop in lib/optimizers/rmsprop.ts.
class Rmsprop final : public Method {
 public:
  Rmsprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        initial_step_(s.number("initialStep", 1e-6)),
        decay_(s.number("decay", 0.9)),
        epsilon_(s.number("epsilon", 1e-8)),
        backtrack_(s.number("backtrack", 0.5)),
        alpha_(initial_step_),
        v_(x0.size()),
        dir_(x0.size()),
        y_(x0.size()),
        gy_(x0.size()) {
    for (Index i = 0; i < v_.size(); ++i) v_[i] = (1 - decay_) * (g0[i] * g0[i]);
  }

  StepOutcome step() override {
    const Index d = x_.size();
    update_direction();
    if (!searched_) {
      searched_ = true;
      const double gp = dot_serial(grad_, dir_);
      const double f = fun_;
      const InitialStep found = initial_step_search(
          [&](double alpha) {
            for (Index i = 0; i < d; ++i) y_[i] = x_[i] - alpha * dir_[i];
            return oracle_.value(y_.data()) - f + alpha * 0.5 * gp;
          },
          initial_step_, 1 / backtrack_, backtrack_);
      alpha_ = found.alpha;
      if (!found.found) return initial_search_failed("rmsprop", alpha_);
    }
    const double alpha = alpha_;
    for (Index i = 0; i < d; ++i) y_[i] = x_[i] - alpha * dir_[i];
    const double fy = oracle_.value_and_gradient(y_.data(), gy_.data());
    if (!std::isfinite(fy) || !all_finite(gy_)) return non_finite_step("rmsprop", alpha);
    x_ = y_;
    fun_ = fy;
    grad_ = gy_;
    for (Index i = 0; i < d; ++i) v_[i] = decay_ * v_[i] + (1 - decay_) * (gy_[i] * gy_[i]);
    return step_outcome(true, alpha);
  }

 private:
  void update_direction() {
    for (Index i = 0; i < dir_.size(); ++i) dir_[i] = grad_[i] / std::sqrt(v_[i] + epsilon_);
  }

  const double initial_step_;
  const double decay_;
  const double epsilon_;
  const double backtrack_;
  double alpha_;
  bool searched_ = false;
  Vector v_;
  Vector dir_;
  Vector y_;
  Vector gy_;
};

}  // namespace

std::unique_ptr<Method> make_rmsprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings) {
  return std::make_unique<Rmsprop>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
