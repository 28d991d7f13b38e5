#include "core/hypergd.hpp"

#include <cmath>
#include <string>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.6; line for line with HyperGd in lib/optimizers/hypergd.ts.
class HyperGd final : public Method {
 public:
  HyperGd(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s, bool multiplicative)
      : Method(oracle, x0, f0, g0),
        multiplicative_(multiplicative),
        name_(multiplicative ? "hypergd-mult" : "hypergd-add"),
        initial_step_(s.number("initialStep", 1e-10)),
        beta_(s.number("hypergradientStep", multiplicative ? 0.02 : 1e-4)),
        backtrack_(s.number("backtrack", 0.5)),
        alpha_(initial_step_),
        g_prev_(Vector::Zero(x0.size())),
        y_(x0.size()),
        gy_(x0.size()) {}

  StepOutcome step() override {
    const Index d = x_.size();
    if (!searched_) {
      searched_ = true;
      if (!search_initial_step()) return initial_search_failed(name_, alpha_);
    }
    const double h = -dot_serial(grad_, g_prev_);
    double alpha = alpha_;
    if (!multiplicative_) {
      alpha = alpha - beta_ * h;
    } else {
      const double norm_product = norm_serial(grad_) * norm_serial(g_prev_);
      if (norm_product > 0) alpha = alpha * (1 - beta_ * h / norm_product);
    }
    if (!(alpha > 0)) alpha = 0;  // ours: clamp α ≥ 0 (spec §2.6 [quirk])
    alpha_ = alpha;
    g_prev_ = grad_;
    if (alpha == 0) {
      ++zero_run_;
      if (zero_run_ >= kHyperGdMaxZeroSteps) {
        return StepOutcome::stopped(Status::kLineSearchFailed, name_ + ": the hypergradient step stayed at 0 for " +
                                                                   std::to_string(kHyperGdMaxZeroSteps) + " iterations");
      }
      return step_outcome(false, 0);
    }
    zero_run_ = 0;
    for (Index i = 0; i < d; ++i) y_[i] = x_[i] - alpha * grad_[i];
    const double fy = oracle_.value_and_gradient(y_.data(), gy_.data());
    if (!std::isfinite(fy) || !all_finite(gy_)) return non_finite_step(name_, alpha);
    x_ = y_;
    fun_ = fy;
    grad_ = gy_;
    return step_outcome(true, alpha);
  }

 private:
  // Spec §2.6: the one-shot Armijo search for the starting α along −g₀.
  bool search_initial_step() {
    const Index d = x_.size();
    const double gg = dot_serial(grad_, grad_);
    const double f = fun_;
    const InitialStep found = initial_step_search(
        [&](double alpha) {
          for (Index i = 0; i < d; ++i) y_[i] = x_[i] - alpha * grad_[i];
          return oracle_.value(y_.data()) - f + alpha * 0.5 * gg;
        },
        initial_step_, 1 / backtrack_, backtrack_);
    alpha_ = found.alpha;
    return found.found;
  }

  const bool multiplicative_;
  const std::string name_;
  const double initial_step_;
  const double beta_;
  const double backtrack_;
  double alpha_;
  bool searched_ = false;
  int zero_run_ = 0;
  Vector g_prev_;
  Vector y_;
  Vector gy_;
};

}  // namespace

std::unique_ptr<Method> make_hypergd_add(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings) {
  return std::make_unique<HyperGd>(oracle, x0, f0, g0, settings, false);
}

std::unique_ptr<Method> make_hypergd_mult(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings) {
  return std::make_unique<HyperGd>(oracle, x0, f0, g0, settings, true);
}

}  // namespace stepsearch::core
