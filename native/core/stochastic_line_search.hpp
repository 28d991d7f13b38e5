// The stochastic Armijo machinery shared by SLS (spec §4.1) and PoNoS (spec §4.3), plain or preconditioned
// (spec §4.5); mirrors lib/stochastic/line_search.ts (its header lists the steps of one iteration).
#pragma once
#include <cstdint>
#include <vector>

#include "core/stochastic_method.hpp"
#include "core/stochastic_preconditioner.hpp"

namespace stepsearch::core {

constexpr double kTinyStep = 1e-6;  // step after an exhausted search with onFailure 'tinyStep'
constexpr double kGradSkip = 1e-8;  // ‖g‖ below this: no step
constexpr double kGoldsteinMinStep = 1e-8;  // floor of η in the Goldstein shrink branch

enum class FailurePolicy { kTinyStep, kSkip, kStop };

struct LineSearchSettings {
  double batches_per_epoch = 500;
  double c = 0.1;
  double decrease_factor = 0.9;
  std::int64_t max_trials = 100;
  double min_step = 1e-8;
  double max_step = 0;  // set by the method's defaults
  bool independent = false;
  FailurePolicy on_failure = FailurePolicy::kTinyStep;
  PrecondSettings precond;

  // Reads the shared settings; `defaults` carries the method's own defaults for c, decrease, min/max step.
  static LineSearchSettings read(const Settings& s, const LineSearchSettings& defaults);
};

struct BacktrackResult {
  double eta = 0;       // accepted η, or the last η shrunk once more when exhausted
  bool accepted = false;
  std::int64_t rejected = 0;
  double value = 0;     // f_{B'} at the accepted trial
};

// Trials y = x − η·p from the stored x; accept f(y) ≤ R − c·η·s, else η ← δ·η. Writes trials into `trial`.
BacktrackResult backtrack(CountedObjective& search, const double* x, const double* p, double s, double eta0,
                          double reference, double c, double decrease, std::int64_t max_trials, double* trial);

// SLS's Goldstein search (lib/stochastic/line_search.ts goldstein): accept R − (1−c)ηs ≤ f(y) ≤ R − cηs;
// Armijo alone: η ← min(forward·η, eta_max), accepted at eta_max; otherwise η ← max(decrease·η, 1e-8).
BacktrackResult goldstein(CountedObjective& search, const double* x, const double* p, double s, double eta0,
                          double reference, double c, double decrease, double forward, double eta_max,
                          std::int64_t max_trials, double* trial);

class LineSearchMethod : public StochasticMethod {
 public:
  LineSearchMethod(const Eigen::VectorXd& x0, const LineSearchSettings& settings)
      : StochasticMethod(x0), ls_(settings), directions_(x0.size(), settings.precond), trial_(x0.size()) {}

  bool independent_search() const override { return ls_.independent; }

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective& search) override;

  virtual double first_trial(double loss, double s) = 0;
  virtual void note_loss(double /*loss*/) {}
  virtual double reference(double search_loss) { return search_loss; }
  virtual bool skips_zero_loss() const { return false; }
  // result == nullptr on a skipped iteration.
  virtual void after_search(double eta0, const BacktrackResult* result) = 0;
  // The search from η₀ against R along the search direction (Armijo backtracking by default).
  virtual BacktrackResult search_step(CountedObjective& search, double s, double eta0, double reference);

  LineSearchSettings ls_;
  ScaledDirections directions_;

 protected:
  std::vector<double> trial_;

 private:
  void move(double eta);
};

}  // namespace stepsearch::core
