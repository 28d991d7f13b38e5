#include "core/lbfgs.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/vector_ops.hpp"

namespace stepsearch::core {

double GradientLine::value_and_slope(double t, double* slope) {
  const Index n = x_.size();
  for (Index i = 0; i < n; ++i) point_[i] = x_[i] + t * d_[i];
  const double value = oracle_.value_and_gradient(point_.data(), grad_.data());
  *slope = dot_serial(grad_, d_);
  return value;
}

namespace {

// Machine epsilon: a pair is skipped when sᵀy ≤ ε·yᵀy.
constexpr double kEps = 2.220446049250313e-16;

// Spec §2.4; line for line with Lbfgs in lib/optimizers/lbfgs.ts.
class Lbfgs final : public Method {
 public:
  Lbfgs(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        memory_(static_cast<int>(s.integer("memory", 10, 1, 1000))),
        s_pairs_(memory_, Vector(x0.size())),
        y_pairs_(memory_, Vector(x0.size())),
        rho_(memory_, 0.0),
        alpha_(memory_, 0.0),
        d_(x0.size()),
        line_(oracle, x_, d_) {
    params_.c1 = s.number("wolfeC1", 1e-3);
    params_.c2 = s.number("wolfeC2", 0.9);
    params_.xtol = kMoreThuenteXtol;
    params_.step_min = 0;
    params_.step_max = kMoreThuenteMaxStep;
    params_.max_trials = static_cast<int>(s.integer("maxLineSearchSteps", kDefaultMaxLineSearchSteps, 1, 1000));
  }

  StepOutcome step() override {
    if (norm_serial(grad_) == 0) return StepOutcome::stopped(Status::kGradTol, "lbfgs: the gradient is exactly zero");
    direction();
    double slope0 = dot_serial(grad_, d_);
    if (!(slope0 < 0) && count_ > 0) {
      clear_memory();
      direction();
      slope0 = dot_serial(grad_, d_);
    }
    if (!(slope0 < 0)) return StepOutcome::stopped(Status::kNonFinite, "lbfgs: the steepest-descent slope is not negative");
    const MoreThuenteResult ls = more_thuente(line_, fun_, slope0, 1, params_);
    double t;
    double f_new;
    if (ls.last_sufficient && all_finite(line_.grad())) {
      t = ls.last.step;
      f_new = ls.last.value;
    } else if (ls.best_sufficient) {
      t = ls.best.step;
      f_new = line_.value(t);
      if (!(std::isfinite(f_new) && all_finite(line_.grad())))
        return failed("the best step is not finite on re-evaluation");
    } else {
      return failed(ls.message);
    }
    remember(line_.point(), line_.grad());
    x_ = line_.point();
    grad_ = line_.grad();
    fun_ = f_new;
    StepOutcome o;
    o.accepted = true;
    o.step_size = t;
    return o;
  }

 private:
  // d = −H·g (two-loop recursion); H₀ = I/‖g‖ with no pair stored.
  void direction() {
    const Index n = d_.size();
    const int m = memory_;
    for (Index i = 0; i < n; ++i) d_[i] = grad_[i];
    double gamma;
    if (count_ == 0) {
      gamma = 1 / norm_serial(grad_);
    } else {
      for (int k = 0; k < count_; ++k) {
        const int j = (newest_ - k + m) % m;
        const double a = rho_[j] * dot_serial(s_pairs_[j], d_);
        alpha_[j] = a;
        const Vector& y = y_pairs_[j];
        for (Index i = 0; i < n; ++i) d_[i] -= a * y[i];
      }
      const Vector& s_new = s_pairs_[newest_];
      const Vector& y_new = y_pairs_[newest_];
      gamma = dot_serial(s_new, y_new) / dot_serial(y_new, y_new);
    }
    for (Index i = 0; i < n; ++i) d_[i] *= gamma;
    if (count_ > 0) {
      for (int k = count_ - 1; k >= 0; --k) {
        const int j = (newest_ - k + m) % m;
        const double b = rho_[j] * dot_serial(y_pairs_[j], d_);
        const double c = alpha_[j] - b;
        const Vector& sv = s_pairs_[j];
        for (Index i = 0; i < n; ++i) d_[i] += c * sv[i];
      }
    }
    for (Index i = 0; i < n; ++i) d_[i] = -d_[i];
  }

  void clear_memory() {
    count_ = 0;
    newest_ = -1;
  }

  // Stores s = x₊ − x, y = g₊ − g unless sᵀy ≤ ε·yᵀy.
  void remember(const Vector& x_new, const Vector& g_new) {
    const int m = memory_;
    const int slot = (newest_ + 1) % m;
    Vector& sv = s_pairs_[slot];
    Vector& yv = y_pairs_[slot];
    for (Index i = 0; i < sv.size(); ++i) {
      sv[i] = x_new[i] - x_[i];
      yv[i] = g_new[i] - grad_[i];
    }
    const double sy = dot_serial(sv, yv);
    const double yy = dot_serial(yv, yv);
    if (!(sy > kEps * yy)) return;
    rho_[slot] = 1 / sy;
    newest_ = slot;
    if (count_ < m) ++count_;
  }

  StepOutcome failed(const std::string& why) {
    if (count_ > 0) {
      clear_memory();
      StepOutcome o;
      o.accepted = false;
      o.step_size = 0;
      return o;
    }
    return StepOutcome::stopped(Status::kLineSearchFailed,
                                "lbfgs: Moré–Thuente line search failed along steepest descent: " + why);
  }

  const int memory_;
  std::vector<Vector> s_pairs_;
  std::vector<Vector> y_pairs_;
  std::vector<double> rho_;
  std::vector<double> alpha_;
  int newest_ = -1;
  int count_ = 0;
  Vector d_;
  GradientLine line_;
  MoreThuenteParams params_;
};

}  // namespace

std::unique_ptr<Method> make_lbfgs(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                   const Settings& settings) {
  if (settings.number("memory", 10) < 1) throw std::invalid_argument("memory: expected an integer >= 1");
  return std::make_unique<Lbfgs>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
