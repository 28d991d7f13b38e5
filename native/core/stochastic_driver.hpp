// minimize_stochastic(): the mini-batch driver of spec §4.4; mirrors lib/stochastic/driver.ts (class
// StochasticRun) rule for rule: seeded per-epoch permutations (core/prng.hpp), one batch per iteration with
// every evaluation of the iteration on that batch (batch views allocated once, re-pointed with select_rows),
// full-data checkpoints every check_every epochs (counted apart from mini-batch calls), stopping rules in the
// order of the TS driver, the cancel flag polled before every batch.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

namespace stepsearch::core {

// lib/stochastic/driver.ts StochasticEpochRecord: fun/grad_norm are full-data values; counts are mini-batch calls.
struct StochasticEpochRecord {
  IterationRecord base;
  std::int64_t epoch = 0;
  double mean_step_size = 0;
  std::int64_t full_evaluations = 0;
  std::int64_t backtracks = 0;
  std::int64_t exhausted_searches = 0;
  std::int64_t skipped_steps = 0;
};

struct StochasticOptions {
  std::string method = "sls";
  std::int64_t batch_size = 32;                                     // ≥ 1
  double epochs = 10;                                               // integer ≥ 0
  std::uint64_t seed = 0;                                           // ≤ 2^53 − 1
  double max_iterations = std::numeric_limits<double>::infinity();  // mini-batch iterations
  double time_limit_ms = std::numeric_limits<double>::infinity();
  double grad_tol = 0;      // full-data ‖∇f‖₂ ≤ grad_tol at a checkpoint
  std::int64_t check_every = 1;
  bool trace = false;
  // Polled before every batch; set from another thread to abort (status aborted, partial result).
  const std::atomic<bool>* cancel = nullptr;
  // Polled before every batch and at checkpoints; set to stop with status callback-stop (an async callback
  // that returned 'stop', as core::DriverOptions::stop_request).
  const std::atomic<bool>* stop_request = nullptr;
  // Called after every full-data checkpoint; return true to stop (status callback-stop). May throw (never
  // from inside OpenMP).
  std::function<bool(const StochasticEpochRecord&)> on_epoch;
};

struct StochasticResult {
  Result base;  // x, fun (full data), initial_fun, grad_norm, status, message, nit, counts (mini-batch), time_ms
  std::int64_t epochs = 0;
  std::int64_t full_evaluations = 0;
  double full_eval_ms = 0;
  std::int64_t backtracks = 0;
  std::int64_t exhausted_searches = 0;
  std::int64_t skipped_steps = 0;
  std::vector<StochasticEpochRecord> trace;
};

// Throws std::invalid_argument when the objective has no mini-batch views or an option is out of range.
StochasticResult minimize_stochastic(Objective& objective, const double* x0, const StochasticOptions& options,
                                     const Settings& settings);

}  // namespace stepsearch::core
