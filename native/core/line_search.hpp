// Line searches on a 1-D function φ(t) = f(x + t·d), shared by 'lbfgs', 'newton-cg' and 'newton'; mirrors
// lib/optimizers/line_search.ts line for line (that file documents the rules):
// - more_thuente: Moré–Thuente strong-Wolfe search (MINPACK-2 dcsrch/dcstep, as scipy's L-BFGS-B calls it),
//   spec §2.4 constants by default;
// - backtracking_armijo: LIBLINEAR's newton.cpp line search (t = 1, halve, η = 0.01, ≤ 20 trials).
// A trial whose φ or φ' is NaN/±Inf is a failed trial (spec §0).
#pragma once
#include <string>

#include "core/counted_objective.hpp"

namespace stepsearch::core {

// The 1-D function a line search sees. Implementations count their own calls (trials).
class Line {
 public:
  virtual ~Line() = default;
  virtual double value(double t) = 0;
  // Returns φ(t) and writes φ'(t) to *slope.
  virtual double value_and_slope(double t, double* slope) = 0;
};

// A CountedLine (oracle.make_line(), reset to x and d) seen as a Line.
class CountedLineView final : public Line {
 public:
  explicit CountedLineView(CountedLine& line) : line_(line) {}
  double value(double t) override { return line_.value(t); }
  double value_and_slope(double t, double* slope) override { return line_.value_and_slope(t, slope); }

 private:
  CountedLine& line_;
};

// Default cap on trials per search (maxLineSearchSteps; scipy's maxls, LIBLINEAR's max_num_linesearch).
constexpr int kDefaultMaxLineSearchSteps = 20;
// dcsrch's xtol as scipy's L-BFGS-B passes it (spec §2.4).
constexpr double kMoreThuenteXtol = 0.1;
// scipy's stpmx for unconstrained problems.
constexpr double kMoreThuenteMaxStep = 1e10;

struct MoreThuenteParams {
  double c1 = 1e-3;  // sufficient decrease (dcsrch ftol)
  double c2 = 0.9;   // curvature (dcsrch gtol)
  double xtol = kMoreThuenteXtol;
  double step_min = 0;
  double step_max = kMoreThuenteMaxStep;
  int max_trials = kDefaultMaxLineSearchSteps;
};

enum class MoreThuenteOutcome { kConverged, kWarning, kMaxTrials, kNotDescent };

struct LinePoint {
  double step = 0;
  double value = 0;
  double slope = 0;
};

struct MoreThuenteResult {
  MoreThuenteOutcome outcome = MoreThuenteOutcome::kMaxTrials;
  std::string message;
  LinePoint last;               // the last trial evaluated
  bool last_sufficient = false;  // finite and φ(t) ≤ φ(0) + c1·t·φ'(0)
  LinePoint best;               // dcsrch's stx with its true φ, φ'
  bool best_sufficient = false;  // best.step > 0 and sufficient decrease
  int trials = 0;
};

// Moré–Thuente search from t0 (clamped to [step_min, step_max]); φ'(0) = g0 must be < 0.
MoreThuenteResult more_thuente(Line& line, double f0, double g0, double t0, const MoreThuenteParams& p);

struct BacktrackingParams {
  double c1 = 0.01;    // LIBLINEAR's η
  double shrink = 0.5;
  double t0 = 1;
  int max_trials = kDefaultMaxLineSearchSteps;
};

struct BacktrackingResult {
  bool ok = false;
  double step = 0;   // accepted step (the last one tried when !ok)
  double value = 0;  // φ(step)
  int trials = 0;
};

// LIBLINEAR's backtracking: t = t0, halve until φ(t) − φ(0) ≤ c1·t·φ'(0); needs φ'(0) < 0.
BacktrackingResult backtracking_armijo(Line& line, double f0, double slope0, const BacktrackingParams& p);

}  // namespace stepsearch::core
