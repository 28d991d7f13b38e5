#include "core/stochastic_sps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/stochastic_line_search.hpp"

namespace stepsearch::core {

namespace {

class Sps final : public StochasticMethod {
 public:
  Sps(const Eigen::VectorXd& x0, const Settings& s) : StochasticMethod(x0) {
    const std::string variant = s.text("variant", "smooth");
    if (variant != "smooth" && variant != "max") throw std::invalid_argument("variant: expected 'max' or 'smooth'");
    smooth_ = variant == "smooth";
    f_star_ = s.number("fStar", 0);
    c_ = s.number("c", 0.5);
    max_step_ = s.number("maxStep", std::numeric_limits<double>::infinity());
    eps_ = s.number("eps", 1e-8);
    const double increase = s.number("increaseFactor", 2);
    step_growth_ = s.number("stepGrowth", std::pow(increase, 1 / s.number("batchesPerEpoch", 500)));
    stored_step_ = s.number("initialStep", 1);
  }

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective&) override {
    StochasticOutcome out;
    double grad_sq;
    if (!evaluate(batch, out, &grad_sq)) return out;
    const double numerator = std::max(out.loss - f_star_, 0.0);
    if (out.grad_norm < kGradSkip || numerator == 0) {
      out.skipped = true;  // spec §6.11: keep the previous γ
      return out;
    }
    double gamma = numerator / (c_ * grad_sq + eps_);
    if (smooth_) gamma = std::min(gamma, stored_step_ * step_growth_);
    gamma = std::min(gamma, max_step_);
    stored_step_ = gamma;
    const double* g = grad_.data();
    double* x = x_.data();
    for (Index i = 0; i < x_.size(); ++i) x[i] = x[i] - gamma * g[i];
    out.step_size = gamma;
    out.moved = true;
    return out;
  }

 private:
  bool smooth_;
  double f_star_, c_, max_step_, eps_, step_growth_, stored_step_;
};

}  // namespace

std::unique_ptr<StochasticMethod> make_sps(const Eigen::VectorXd& x0, const Settings& settings) {
  return std::make_unique<Sps>(x0, settings);
}

}  // namespace stepsearch::core
