#include "core/adagrad_ls.hpp"

#include <cmath>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.9; line for line with AdagradLs in lib/optimizers/adagrad_ls.ts.
class AdagradLs final : public Method {
 public:
  AdagradLs(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        initial_step_(s.number("initialStep", 1)),
        forward_(s.number("forward", 1.1)),
        backward_(s.number("backward", 0.5)),
        alpha_(initial_step_),
        sum_sq_(x0.size()),
        p_(x0.size()),
        y_(x0.size()),
        gy_(x0.size()),
        guard_("adagrad-ls", s.number("maxBacktracks", kDefaultMaxBacktracks)) {
    for (Index i = 0; i < sum_sq_.size(); ++i) sum_sq_[i] = g0[i] * g0[i];
    update_direction();
  }

  StepOutcome step() override {
    if (!searched_) {
      searched_ = true;
      const InitialStep found = initial_step_search([&](double a) { return gap(a); }, initial_step_, forward_, backward_);
      alpha_ = found.alpha;
      if (!found.found) return initial_search_failed("adagrad-ls", alpha_);
    }
    const double alpha = alpha_;
    const double trial_gap = gap(alpha);
    bool non_finite = !std::isfinite(fy_);
    if (!non_finite && trial_gap < 0) {
      oracle_.gradient(y_.data(), gy_.data());
      if (all_finite(gy_)) {
        x_ = y_;
        fun_ = fy_;
        grad_ = gy_;
        for (Index i = 0; i < sum_sq_.size(); ++i) sum_sq_[i] = sum_sq_[i] + gy_[i] * gy_[i];
        update_direction();
        alpha_ = alpha * forward_;
        guard_.accepted();
        return step_outcome(true, alpha);
      }
      non_finite = true;
    }
    alpha_ = alpha * backward_;
    return guard_.rejected(non_finite, alpha);
  }

 private:
  // p = precond(g) = g/√S where S > 0, else 0 (spec §2.9); gp = ⟨g, p⟩.
  void update_direction() {
    for (Index i = 0; i < p_.size(); ++i) p_[i] = sum_sq_[i] > 0 ? (1 / std::sqrt(sum_sq_[i])) * grad_[i] : 0;
    gp_ = dot_serial(grad_, p_);
  }

  // f(x − α·p) − f(x) + ½α⟨g, p⟩ at one trial point (one counted f call); y_ holds the point, fy_ its value.
  double gap(double alpha) {
    for (Index i = 0; i < x_.size(); ++i) y_[i] = x_[i] - alpha * p_[i];
    fy_ = oracle_.value(y_.data());
    return fy_ - fun_ + 0.5 * (alpha * gp_);
  }

  const double initial_step_;
  const double forward_;
  const double backward_;
  double alpha_;
  bool searched_ = false;
  Vector sum_sq_;
  Vector p_;
  double gp_ = 0;
  double fy_ = 0;
  Vector y_;
  Vector gy_;
  TrialGuard guard_;
};

}  // namespace

std::unique_ptr<Method> make_adagrad_ls(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                        const Settings& settings) {
  return std::make_unique<AdagradLs>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
