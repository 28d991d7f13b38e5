// Pieces shared by the paper's baselines (spec §2): the one-shot initial step search of HyperGD, RMSProp and
// AdaGrad+LS (spec §2.6, §2.7, §2.9) and the bookkeeping of consecutive failed trials (spec §0). Mirrors
// lib/optimizers/backtracking.ts; the stop messages are the same strings.
#pragma once
#include <string>
#include <utility>

#include "core/method.hpp"

namespace stepsearch::core {

// Consecutive non-finite trials after which a method stops with non-finite (spec §0: 60).
constexpr int kMaxNonFiniteTrials = 60;
// Default cap on consecutive rejected trials (maxBacktracks) of the backtracking baselines.
constexpr double kDefaultMaxBacktracks = 60;
// Tests per phase (grow, then shrink) of initial_step_search (spec §2.6: "Cap both loops at 60").
constexpr int kInitialSearchCap = 60;

// Counts consecutive rejected trials and says when to stop (spec §0): 60 consecutive non-finite trials →
// non-finite; max_backtracks consecutive rejections of any kind → line-search-failed.
class TrialGuard {
 public:
  TrialGuard(std::string method, double max_backtracks) : method_(std::move(method)), max_backtracks_(max_backtracks) {}

  void accepted() {
    rejected_run_ = 0;
    non_finite_run_ = 0;
  }

  // Records a rejected trial; returns an outcome whose stop is kRunning unless a cap was reached.
  StepOutcome rejected(bool non_finite, double step_size) {
    ++rejected_run_;
    non_finite_run_ = non_finite ? non_finite_run_ + 1 : 0;
    StepOutcome o;
    if (non_finite_run_ >= kMaxNonFiniteTrials) {
      o = StepOutcome::stopped(Status::kNonFinite, method_ + ": " + std::to_string(kMaxNonFiniteTrials) +
                                                       " consecutive trial points with a non-finite f or gradient");
    } else if (rejected_run_ >= max_backtracks_) {
      o = StepOutcome::stopped(Status::kLineSearchFailed,
                               method_ + ": no acceptable step in " + std::to_string(static_cast<long long>(max_backtracks_)) +
                                   " consecutive trials (maxBacktracks)");
    }
    o.accepted = false;
    o.step_size = step_size;
    return o;
  }

 private:
  std::string method_;
  double max_backtracks_;
  double rejected_run_ = 0;
  int non_finite_run_ = 0;
};

struct InitialStep {
  double alpha;  // the last step tested
  bool found;    // whether its gap is ≤ 0
};

// The initial step search of spec §2.6 (also §2.7, §2.9); see initialStepSearch in backtracking.ts.
// gap(α) evaluates one trial point (one counted f call) and returns f(x − α·d) − f(x) + ½·α·⟨g, d⟩; NaN is a
// failed test. Phase 1 multiplies α by grow while gap < 0, phase 2 by shrink while gap > 0 (or NaN); each
// phase tests at most kInitialSearchCap points (phase 1 counts α0); the last gap is reused between phases.
template <class Gap>
InitialStep initial_step_search(Gap&& gap, double alpha0, double grow, double shrink) {
  double alpha = alpha0;
  double h = gap(alpha);
  for (int tests = 1; h < 0 && tests < kInitialSearchCap; ++tests) {
    alpha = alpha * grow;
    h = gap(alpha);
  }
  for (int tests = 0; !(h <= 0) && tests < kInitialSearchCap; ++tests) {
    alpha = alpha * shrink;
    h = gap(alpha);
  }
  return {alpha, h <= 0};
}

// The stop a method reports when initial_step_search found no step.
inline StepOutcome initial_search_failed(const std::string& method, double step_size) {
  StepOutcome o = StepOutcome::stopped(
      Status::kLineSearchFailed, method + ": the initial step search found no step with sufficient decrease in " +
                                     std::to_string(kInitialSearchCap) + "+" + std::to_string(kInitialSearchCap) + " tests");
  o.step_size = step_size;
  return o;
}

// The stop a method without an acceptance test reports when its new point has a non-finite f or gradient.
inline StepOutcome non_finite_step(const std::string& method, double step_size) {
  StepOutcome o = StepOutcome::stopped(
      Status::kNonFinite, method + ": f or the gradient is not finite at the next iterate; stopped at the last finite point");
  o.step_size = step_size;
  return o;
}

// A plain outcome (no stop).
inline StepOutcome step_outcome(bool accepted, double step_size) {
  StepOutcome o;
  o.accepted = accepted;
  o.step_size = step_size;
  return o;
}

}  // namespace stepsearch::core
