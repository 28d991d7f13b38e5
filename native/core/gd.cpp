#include "core/gd.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.1; line for line with GradientDescent in lib/optimizers/gd.ts.
class GradientDescent final : public Method {
 public:
  GradientDescent(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        ss_(s.number("initialStep", 1e10)),
        forward_(s.number("forward", 1.1)),
        backtrack_(s.number("backtrack", 0.5)),
        m_(Vector::Ones(x0.size())),
        dir_(x0.size()),
        y_(x0.size()),
        gy_(x0.size()),
        guard_("gd", s.number("maxBacktracks", kDefaultMaxBacktracks)) {
    if (const std::vector<double>* m = s.vector("preconditioner")) {
      // Validated by lib/optimizers/gd.ts; checked again because the core must not read out of bounds.
      if (static_cast<Index>(m->size()) != x0.size())
        throw std::invalid_argument("preconditioner: expected length " + std::to_string(x0.size()));
      for (double v : *m)
        if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument("preconditioner: entries must be positive and finite");
      m_ = Eigen::Map<const Vector>(m->data(), x0.size());
    }
    update_direction();
  }

  StepOutcome step() override {
    const Index d = x_.size();
    const double alpha = ss_ / 2;  // spec §2.1 [quirk]: the trial is half of ss
    for (Index i = 0; i < d; ++i) y_[i] = x_[i] - alpha * dir_[i];
    const double fy = oracle_.value(y_.data());
    bool non_finite = !std::isfinite(fy);
    if (!non_finite && fy - fun_ + alpha * 0.5 * g_m_g_ < 0) {
      oracle_.gradient(y_.data(), gy_.data());
      if (all_finite(gy_)) {
        x_ = y_;
        fun_ = fy;
        grad_ = gy_;
        update_direction();
        ss_ = ss_ * forward_;
        guard_.accepted();
        return step_outcome(true, alpha);
      }
      non_finite = true;
    }
    ss_ = ss_ * backtrack_;
    return guard_.rejected(non_finite, alpha);
  }

 private:
  // dir = M⊙g and ⟨g, M⊙g⟩ at the current point (multiplying by M = 1 is exact).
  void update_direction() {
    for (Index i = 0; i < dir_.size(); ++i) dir_[i] = m_[i] * grad_[i];
    g_m_g_ = dot_serial(grad_, dir_);
  }

  double ss_;
  const double forward_;
  const double backtrack_;
  Vector m_;
  Vector dir_;
  double g_m_g_ = 0;
  Vector y_;
  Vector gy_;
  TrialGuard guard_;
};

}  // namespace

std::unique_ptr<Method> make_gd(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                const Settings& settings) {
  return std::make_unique<GradientDescent>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
