// The contract between the stochastic driver (core/stochastic_driver.cpp) and a stochastic method; mirrors
// lib/stochastic/optimizer.ts. A method owns x and its state; one step() is one iteration on the batch the
// driver selected (every evaluation of the iteration goes through `batch`, or `search` for the line-search
// batch, which is the same object unless lineSearchBatch is 'independent').
//
// Reductions are plain left-to-right loops (no Eigen reductions, whose vectorized order differs): the
// TypeScript twin sums in the same order, so accept/reject decisions agree bit for bit.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <string>

#include "core/counted_objective.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

namespace stepsearch::core {

// What one iteration did (lib/stochastic/optimizer.ts StepOutcome).
struct StochasticOutcome {
  double loss = 0;         // f_B(x) before the step
  double loss_after = std::nan("");  // f_{B'} at the accepted trial (line searches), NaN otherwise
  double grad_norm = 0;    // ‖∇f_B(x)‖₂
  double step_size = 0;    // multiplier of the step direction this iteration; 0 when x did not move
  std::int64_t backtracks = 0;  // rejected trials
  bool moved = false;
  bool exhausted = false;  // every trial failed
  bool skipped = false;    // deliberately no step
  Status stop = Status::kRunning;
  std::string message;
};

inline double squared_norm(const double* v, Index n) {
  double s = 0;
  for (Index i = 0; i < n; ++i) s += v[i] * v[i];
  return s;
}

inline double dot(const double* a, const double* b, Index n) {
  double s = 0;
  for (Index i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

inline bool all_finite(const double* v, Index n) {
  for (Index i = 0; i < n; ++i)
    if (!std::isfinite(v[i])) return false;
  return true;
}

// base^n for an integer n ≥ 0 by repeated squaring (lib/stochastic/optimizer.ts powInt).
inline double pow_int(double base, std::int64_t n) {
  double result = 1;
  double b = base;
  while (n > 0) {
    if (n & 1) result *= b;
    b *= b;
    n /= 2;
  }
  return result;
}

class StochasticMethod {
 public:
  explicit StochasticMethod(const Eigen::VectorXd& x0) : x_(x0), grad_(Eigen::VectorXd::Zero(x0.size())) {}
  virtual ~StochasticMethod() = default;

  // One iteration on the selected batch(es).
  // A step may overflow x (an absurd learning rate, say) although f_B and ∇f_B were finite: x then returns to
  // its last finite value and the run stops as non-finite (lib/stochastic/optimizer.ts, the same rule).
  StochasticOutcome iterate(CountedObjective& batch, CountedObjective& search) {
    previous_ = x_;  // same size every time: no allocation after the first step
    StochasticOutcome out = step(batch, search);
    if (out.stop == Status::kRunning && !all_finite(x_.data(), x_.size())) {
      x_ = previous_;
      out.moved = false;
      out.stop = Status::kNonFinite;
      out.message = "the step made x non-finite; x is the last finite point";
    }
    ++iterations_;
    return out;
  }
  // Whether the driver must select an independent line-search batch.
  virtual bool independent_search() const { return false; }

  const Eigen::VectorXd& x() const { return x_; }
  // Iterations performed (SGD's decay reads it during step: the count of previous iterations).
  std::int64_t iterations() const { return iterations_; }

 protected:
  virtual StochasticOutcome step(CountedObjective& batch, CountedObjective& search) = 0;

  // f_B(x) and ∇f_B(x) into grad_; fills out.loss/grad_norm, and out.stop when they are not finite.
  // Returns false in that case. grad_sq receives ‖g‖².
  bool evaluate(CountedObjective& batch, StochasticOutcome& out, double* grad_sq) {
    const Index d = x_.size();
    out.loss = batch.value_and_gradient(x_.data(), grad_.data());
    *grad_sq = squared_norm(grad_.data(), d);
    out.grad_norm = std::sqrt(*grad_sq);
    if (!std::isfinite(out.loss) || !all_finite(grad_.data(), d)) {
      out.stop = Status::kNonFinite;
      out.message = "the mini-batch loss or gradient is not finite at the current point";
      return false;
    }
    return true;
  }

  Eigen::VectorXd x_;
  Eigen::VectorXd grad_;
  std::int64_t iterations_ = 0;

 private:
  Eigen::VectorXd previous_;  // x before the current step
};

// Builds a stochastic method by name from resolved settings; std::invalid_argument for an unknown name.
std::unique_ptr<StochasticMethod> make_stochastic_method(const std::string& name, const Eigen::VectorXd& x0,
                                                         const Settings& settings);
bool stochastic_method_exists(const std::string& name);

}  // namespace stepsearch::core
