// Status, per-iteration record and result of a run: the C++ side of lib/result.ts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace stepsearch::core {

enum class Status {
  kRunning,  // not stopped yet
  kGradTol,
  kFTol,
  kMaxIterations,
  kMaxEvaluations,
  kTimeLimit,
  kLineSearchFailed,
  kNonFinite,
  kCallbackStop,
  kAborted,
};

// The strings of lib/result.ts `Status`.
const char* status_name(Status s);

// Oracle-call counters; every call counted, the initial point included (spec §0).
struct Counts {
  std::int64_t nfev = 0;
  std::int64_t ngev = 0;
  std::int64_t nhdiag = 0;
  std::int64_t nhvp = 0;
};

struct IterationRecord {
  std::int64_t iter = 0;
  double fun = 0;
  double grad_norm = 0;
  double step_size = 0;
  bool accepted = false;
  Counts counts;
  double elapsed_ms = 0;
};

struct Result {
  std::vector<double> x;
  double fun = 0;
  double initial_fun = 0;
  double grad_norm = 0;
  Status status = Status::kRunning;
  std::string message;
  std::int64_t nit = 0;
  Counts counts;
  double time_ms = 0;
  std::vector<IterationRecord> trace;
};

}  // namespace stepsearch::core
