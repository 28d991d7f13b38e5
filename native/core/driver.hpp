// minimize(): the one driver loop of the core; mirrors lib/minimize.ts (class Run) rule for rule.
#pragma once
#include <atomic>
#include <functional>
#include <limits>
#include <string>

#include "core/objective.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

namespace stepsearch::core {

struct DriverOptions {
  std::string method = "lbfgs";
  double max_iterations = 1000;                                      // integer ≥ 0
  double max_evaluations = std::numeric_limits<double>::infinity();  // value + gradient calls
  double grad_tol = 1e-6;                                            // ‖∇f‖₂ ≤ grad_tol
  double relative_grad_tol = 0;                                      // ‖∇f‖₂ ≤ r·‖∇f(x₀)‖₂
  double f_tol = 0;                                                  // scipy's relative-decrease ftol; 0 = off
  double time_limit_ms = std::numeric_limits<double>::infinity();
  bool trace = false;
  // Polled every iteration and inside long inner loops; set from another thread to abort.
  const std::atomic<bool>* cancel = nullptr;
  // Polled every iteration; set to stop with status callback-stop (an async callback that returned 'stop').
  const std::atomic<bool>* stop_request = nullptr;
  // Called after every iteration; return true to stop (status callback-stop). May throw (not from OpenMP).
  std::function<bool(const IterationRecord&)> on_iteration;
};

Result minimize(Objective& objective, const double* x0, const DriverOptions& options, const Settings& settings);

}  // namespace stepsearch::core
