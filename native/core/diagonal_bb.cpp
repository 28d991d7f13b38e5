#include "core/diagonal_bb.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::size_t window_size(const Settings& s) {
  const double w = s.number("window", 15);
  // Validated by lib/optimizers/diagonal_bb.ts; checked again so the core never sizes a buffer from garbage.
  if (!(w >= 1 && w <= 1e6) || w != std::floor(w)) throw std::invalid_argument("window: expected an integer >= 1 and <= 1000000");
  return static_cast<std::size_t>(w);
}

// Spec §2.10; line for line with DiagonalBb in lib/optimizers/diagonal_bb.ts.
class DiagonalBb final : public Method {
 public:
  DiagonalBb(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        damping_(s.number("damping", 1e-6)),
        backtrack_(s.number("backtrack", 0.5)),
        u_(Vector::Constant(x0.size(), s.number("initialCurvature", 1e-6))),
        u_new_(x0.size()),
        step_(x0.size()),
        window_(window_size(s), -kInf),
        y_(x0.size()),
        gy_(x0.size()),
        s_(x0.size()),
        r_(x0.size()),
        guard_("diagonal-bb", s.number("maxBacktracks", kDefaultMaxBacktracks)) {
    window_.back() = f0;  // entries 0..W−2 are −∞ (oldest first), f(x₀) the newest
  }

  StepOutcome step() override {
    const Index d = x_.size();
    for (Index i = 0; i < d; ++i) {
      step_[i] = (1 / u_[i]) * grad_[i];
      y_[i] = x_[i] - step_[i];
    }
    double step_sq = 0;
    for (Index i = 0; i < d; ++i) step_sq += step_[i] * step_[i];
    const double step_size = std::sqrt(step_sq);
    const double fy = oracle_.value(y_.data());
    bool non_finite = !std::isfinite(fy);
    if (!non_finite && fy - window_max() + 0.5 * dot_serial(grad_, step_) <= 0) {
      oracle_.gradient(y_.data(), gy_.data());
      if (all_finite(gy_)) {
        window_[window_next_] = fy;
        window_next_ = (window_next_ + 1) % window_.size();
        for (Index i = 0; i < d; ++i) {
          s_[i] = y_[i] - x_[i];
          r_[i] = gy_[i] - grad_[i];
        }
        if (update_curvature()) u_ = u_new_;
        x_ = y_;
        fun_ = fy;
        grad_ = gy_;
        guard_.accepted();
        return step_outcome(true, step_size);
      }
      non_finite = true;
    }
    for (Index i = 0; i < d; ++i) u_[i] = u_[i] / backtrack_;
    return guard_.rejected(non_finite, step_size);
  }

 private:
  double window_max() const {
    double m = -kInf;
    for (double v : window_)
      if (v > m) m = v;
    return m;
  }

  // The diagonal secant update of U from s, r (spec §2.10), written to u_new_; returns false to keep U.
  bool update_curvature() {
    const Index d = u_.size();
    const double mu = damping_;
    for (Index i = 0; i < d; ++i) u_new_[i] = (s_[i] * r_[i] + mu * u_[i]) / (s_[i] * s_[i] + mu);
    const double sr = dot_serial(s_, r_);
    if (sr > 0) {
      const double lower = sr / dot_serial(s_, s_);  // 1/BB1
      const double upper = dot_serial(r_, r_) / sr;  // 1/BB2
      for (Index i = 0; i < d; ++i) {
        if (u_new_[i] < lower) u_new_[i] = lower;
        if (u_new_[i] > upper) u_new_[i] = upper;
      }
    } else {
      double max_u = -kInf;
      for (Index i = 0; i < d; ++i)
        if (u_new_[i] > max_u) max_u = u_new_[i];
      const double floor = kDiagonalBbFloor * max_u;
      for (Index i = 0; i < d; ++i)
        if (u_new_[i] < floor) u_new_[i] = floor;
    }
    for (Index i = 0; i < d; ++i)
      if (!(u_new_[i] > 0 && u_new_[i] < kInf)) return false;
    return true;
  }

  const double damping_;
  const double backtrack_;
  Vector u_;
  Vector u_new_;
  Vector step_;
  std::vector<double> window_;
  std::size_t window_next_ = 0;  // index of the oldest entry (the next one replaced)
  Vector y_;
  Vector gy_;
  Vector s_;
  Vector r_;
  TrialGuard guard_;
};

}  // namespace

std::unique_ptr<Method> make_diagonal_bb(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings) {
  return std::make_unique<DiagonalBb>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
