#include "core/stochastic_sls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/stochastic_line_search.hpp"

namespace stepsearch::core {

namespace {

constexpr double kReset11Cap = 10;  // reset option 11: the PoNoS repository's eta_max
constexpr double kGoldsteinEtaMax = 10;  // Goldstein's default maxStep (lib/stochastic/sls.ts GOLDSTEIN_ETA_MAX)

// lineSearch: 'armijo' (default) or 'goldstein'.
bool is_goldstein(const Settings& s) {
  const std::string line_search = s.text("lineSearch", "armijo");
  if (line_search != "armijo" && line_search != "goldstein")
    throw std::invalid_argument("lineSearch: expected 'armijo' or 'goldstein'");
  return line_search == "goldstein";
}

class Sls final : public LineSearchMethod {
 public:
  Sls(const Eigen::VectorXd& x0, const LineSearchSettings& ls, const Settings& s)
      : LineSearchMethod(x0, ls) {
    goldstein_ = is_goldstein(s);
    forward_factor_ = s.number("forwardFactor", 2);
    reset_option_ = static_cast<int>(s.integer("resetOption", goldstein_ ? 0 : 1, 0, 11));
    if (reset_option_ != 0 && reset_option_ != 1 && reset_option_ != 2 && reset_option_ != 11)
      throw std::invalid_argument("resetOption: expected 0, 1, 2 or 11");
    if (goldstein_ && ls.c > 0.5) throw std::invalid_argument("c: must be <= 0.5 with lineSearch 'goldstein'");
    initial_step_ = s.number("initialStep", 1);
    const double increase = s.number("increaseFactor", 2);
    // TS computes the growth once and passes it, so both backends use the same bits.
    step_growth_ = s.number("stepGrowth", std::pow(increase, 1 / ls.batches_per_epoch));
    stored_step_ = initial_step_;
  }

 protected:
  double first_trial(double, double) override {
    double eta;
    if (reset_option_ == 0) eta = stored_step_;
    else if (reset_option_ == 1) eta = stored_step_ * step_growth_;
    else if (reset_option_ == 2) eta = initial_step_;
    else eta = std::min(stored_step_ * step_growth_, kReset11Cap);
    return std::min(eta, ls_.max_step);
  }

  BacktrackResult search_step(CountedObjective& search, double s, double eta0, double reference) override {
    if (!goldstein_) return LineSearchMethod::search_step(search, s, eta0, reference);
    return goldstein(search, x_.data(), directions_.search_dir(), s, eta0, reference, ls_.c, ls_.decrease_factor,
                     forward_factor_, ls_.max_step, ls_.max_trials, trial_.data());
  }

  void after_search(double eta0, const BacktrackResult* result) override {
    double eta;
    if (result == nullptr) eta = eta0;
    else if (result->accepted) eta = result->eta;
    else eta = ls_.precond.precond == PrecondKind::kNone ? result->eta : kTinyStep;
    stored_step_ = std::max(eta, ls_.min_step);
  }

 private:
  bool goldstein_ = false;
  double forward_factor_ = 2;
  int reset_option_;
  double initial_step_;
  double step_growth_;
  double stored_step_;
};

}  // namespace

std::unique_ptr<StochasticMethod> make_sls(const Eigen::VectorXd& x0, const Settings& settings) {
  LineSearchSettings defaults;
  defaults.c = 0.1;
  defaults.decrease_factor = 0.9;
  defaults.min_step = 1e-8;
  // Goldstein's eta_max is the reference's (bound_step_size).
  defaults.max_step = is_goldstein(settings) ? kGoldsteinEtaMax : std::numeric_limits<double>::infinity();
  return std::make_unique<Sls>(x0, LineSearchSettings::read(settings, defaults), settings);
}

}  // namespace stepsearch::core
