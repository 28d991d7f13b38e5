#include "core/stochastic_ponos.hpp"

#include <algorithm>
#include <limits>

#include "core/stochastic_line_search.hpp"

namespace stepsearch::core {

namespace {

constexpr double kPolyakDenominatorEps = 1e-8;  // c_p·s + 1e-8 (spec §4.3 step 2)

class Ponos final : public LineSearchMethod {
 public:
  Ponos(const Eigen::VectorXd& x0, const LineSearchSettings& ls, const Settings& s)
      : LineSearchMethod(x0, ls),
        polyak_c_(s.number("polyakC", 0.1)),
        xi_(s.number("xi", 0.85)),  // stepsearch default (lib/stochastic/ponos.ts DEFAULT_XI; PoNoS.py: 1)
        f_star_(s.number("fStar", 0)),
        resetting_(s.flag("resetting", true)) {}

 protected:
  void note_loss(double loss) override {
    const double q_old = zhang_q_;
    zhang_q_ = xi_ * q_old + 1;
    zhang_c_ = (xi_ * q_old * zhang_c_ + loss) / zhang_q_;
  }

  double first_trial(double loss, double s) override {
    const double numerator = loss - f_star_;
    double eta = numerator > 0 ? numerator / (polyak_c_ * s + kPolyakDenominatorEps) : kTinyStep;
    if (resetting_) eta *= pow_int(ls_.decrease_factor, backtrack_memory_);
    return std::min(std::max(eta, ls_.min_step), ls_.max_step);
  }

  double reference(double search_loss) override { return std::max(zhang_c_, search_loss); }

  bool skips_zero_loss() const override { return true; }

  void after_search(double, const BacktrackResult* result) override {
    if (result == nullptr) return;
    const std::int64_t e = std::min(result->rejected, ls_.max_trials - 1);
    backtrack_memory_ = std::max<std::int64_t>(backtrack_memory_ + e - 1, 0);
  }

 private:
  double polyak_c_;
  double xi_;
  double f_star_;
  bool resetting_;
  double zhang_q_ = 0;
  double zhang_c_ = 0;
  std::int64_t backtrack_memory_ = 0;
};

}  // namespace

std::unique_ptr<StochasticMethod> make_ponos(const Eigen::VectorXd& x0, const Settings& settings) {
  LineSearchSettings defaults;
  defaults.c = 0.5;
  defaults.decrease_factor = 0.5;
  defaults.min_step = 1e-6;
  defaults.max_step = 10;
  return std::make_unique<Ponos>(x0, LineSearchSettings::read(settings, defaults), settings);
}

}  // namespace stepsearch::core
