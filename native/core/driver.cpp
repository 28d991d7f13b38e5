#include "core/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/method.hpp"
#include "core/threads.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

const char* status_name(Status s) {
  switch (s) {
    case Status::kRunning: return "running";
    case Status::kGradTol: return "grad-tol";
    case Status::kFTol: return "f-tol";
    case Status::kMaxIterations: return "max-iterations";
    case Status::kMaxEvaluations: return "max-evaluations";
    case Status::kTimeLimit: return "time-limit";
    case Status::kLineSearchFailed: return "line-search-failed";
    case Status::kNonFinite: return "non-finite";
    case Status::kCallbackStop: return "callback-stop";
    case Status::kAborted: return "aborted";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;

// As JavaScript's v.toExponential(3): "1.234e-5" (no zero padding of the exponent).
std::string sci(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  std::string text(buf);
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  return text.substr(0, e) + "e" + (exponent >= 0 ? "+" : "-") + std::to_string(std::abs(exponent));
}

// A number as JavaScript's String(number) writes it (ECMAScript Number::toString: shortest round-trip
// digits, plain notation for 1e-7 < |v| < 1e21), so native and TS messages read the same.
std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  char buf[64];
  int p = 1;
  for (; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string text(buf);
  const bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (text[i] != '.') digits += text[i];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits × 10^n
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(n - k, '0');
  } else if (0 < n && n <= 21) {
    out = digits.substr(0, n) + "." + digits.substr(n);
  } else if (-6 < n && n <= 0) {
    out = "0." + std::string(-n, '0') + digits;
  } else {
    out = digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + (n - 1 >= 0 ? "+" : "-") +
          std::to_string(std::abs(n - 1));
  }
  return negative ? "-" + out : out;
}

class Run {
 public:
  Run(Objective& f, const double* x0, const DriverOptions& o, const Settings& settings)
      : opt_(o), oracle_(f, o.cancel), start_(Clock::now()) {
    const Index d = f.dim();
    Vector x = Eigen::Map<const Vector>(x0, d);
    Vector g(d);
    const double f0 = oracle_.value_and_gradient(x.data(), g.data());
    result_.initial_fun = f0;
    result_.x.assign(x0, x0 + d);
    result_.fun = f0;
    grad_norm_ = initial_grad_norm_ = norm_serial(g);  // the TS driver's order (vector_ops.hpp)
    if (!std::isfinite(f0) || !g.allFinite()) {
      stop(Status::kNonFinite, "f or the gradient is not finite at x0");
      return;
    }
    method_ = make_method(o.method, oracle_, x, f0, g, settings);
    check_stop(nullptr, false, f0);
  }

  bool running() const { return result_.status == Status::kRunning; }

  void advance() {
    const double previous = method_->fun();
    StepOutcome outcome = method_->step();
    ++result_.nit;
    grad_norm_ = norm_serial(method_->grad());
    IterationRecord rec;
    rec.iter = result_.nit;
    rec.fun = method_->fun();
    rec.grad_norm = grad_norm_;
    rec.step_size = outcome.step_size;
    rec.accepted = outcome.accepted;
    rec.counts = oracle_.counts;
    rec.elapsed_ms = elapsed_ms();
    if (opt_.trace) result_.trace.push_back(rec);
    const bool callback_stop = opt_.on_iteration ? opt_.on_iteration(rec) : false;
    check_stop(&outcome, callback_stop, previous);
  }

  Result finish() {
    if (method_) {
      result_.x.assign(method_->x().data(), method_->x().data() + method_->x().size());
      result_.fun = method_->fun();
    }
    result_.grad_norm = grad_norm_;
    result_.counts = oracle_.counts;
    result_.time_ms = elapsed_ms();
    return std::move(result_);
  }

 private:
  double elapsed_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }

  void stop(Status s, std::string why) {
    result_.status = s;
    result_.message = std::move(why);
  }

  // Every stopping rule, in one place, in the order of lib/minimize.ts Run.checkStop.
  void check_stop(const StepOutcome* outcome, bool callback_stop, double previous_fun) {
    if (outcome && outcome->stop != Status::kRunning) return stop(outcome->stop, outcome->message);
    const double f = method_->fun();
    if (!std::isfinite(f)) return stop(Status::kNonFinite, "f is not finite at the current point");
    if (grad_norm_ <= opt_.grad_tol)
      return stop(Status::kGradTol, "|grad| = " + sci(grad_norm_) + " <= gradTol = " + num(opt_.grad_tol));
    if (grad_norm_ <= opt_.relative_grad_tol * initial_grad_norm_)
      return stop(Status::kGradTol, "|grad| <= relativeGradTol * |grad(x0)| (" + num(opt_.relative_grad_tol) + ")");
    if (outcome && outcome->accepted && opt_.f_tol > 0) {
      const double rel = (previous_fun - f) / std::max({std::abs(previous_fun), std::abs(f), 1.0});
      if (rel <= opt_.f_tol)
        return stop(Status::kFTol, "relative decrease " + sci(rel) + " <= fTol = " + num(opt_.f_tol));
    }
    if (callback_stop || (opt_.stop_request && opt_.stop_request->load(std::memory_order_relaxed)))
      return stop(Status::kCallbackStop, "the callback returned 'stop'");
    if (static_cast<double>(result_.nit) >= opt_.max_iterations)
      return stop(Status::kMaxIterations, "reached maxIterations = " + num(opt_.max_iterations));
    if (static_cast<double>(oracle_.counts.nfev + oracle_.counts.ngev) >= opt_.max_evaluations)
      return stop(Status::kMaxEvaluations,
                  "reached maxEvaluations = " + num(opt_.max_evaluations) + " (value + gradient calls)");
    if (elapsed_ms() >= opt_.time_limit_ms)
      return stop(Status::kTimeLimit, "reached timeLimitMs = " + num(opt_.time_limit_ms));
    if (oracle_.cancelled()) return stop(Status::kAborted, "aborted");
  }

  const DriverOptions& opt_;
  CountedObjective oracle_;
  Clock::time_point start_;
  std::unique_ptr<Method> method_;
  Result result_;
  double grad_norm_ = 0;
  double initial_grad_norm_ = 0;
};

}  // namespace

Result minimize(Objective& objective, const double* x0, const DriverOptions& options, const Settings& settings) {
  ActiveRun active;  // thread policy: concurrent runs share the cores (core/threads.hpp)
  Run run(objective, x0, options, settings);
  while (run.running()) run.advance();
  return run.finish();
}

}  // namespace stepsearch::core
