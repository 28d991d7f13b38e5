#include "binding/stochastic_binding.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "binding/convert.hpp"
#include "binding/minimize_binding.hpp"
#include "binding/objective_wrap.hpp"
#include "core/stochastic_method.hpp"

namespace stepsearch::binding {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 − 1

// An optional number option: fallback when undefined; RangeError unless lo ≤ v (≤ hi) and, if integer,
// integral (Infinity allowed only when allow_inf).
double NumberOption(const Napi::Object& o, const char* name, double fallback, double lo, bool integer,
                    bool allow_inf, bool strictly_above = false) {
  Napi::Value v = o.Get(name);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) ThrowType(o.Env(), std::string(name) + ": expected a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  const bool finite_ok = std::isfinite(d) && (strictly_above ? d > lo : d >= lo) && (!integer || std::floor(d) == d);
  const bool inf_ok = allow_inf && d == std::numeric_limits<double>::infinity();
  if (!finite_ok && !inf_ok) ThrowRange(o.Env(), std::string(name) + ": out of range (got " + FormatNumber(d) + ")");
  return d;
}

}  // namespace

core::StochasticOptions ReadStochasticOptions(const Napi::Object& o) {
  Napi::Env env = o.Env();
  core::StochasticOptions s;
  Napi::Value method = o.Get("method");
  if (!method.IsString()) ThrowType(env, "method: expected a string");
  s.method = method.As<Napi::String>().Utf8Value();
  if (!core::stochastic_method_exists(s.method))
    ThrowRange(env, "method: '" + s.method + "' is not a native stochastic method");
  if (o.Get("batchSize").IsUndefined()) ThrowType(env, "batchSize: required");
  s.batch_size = static_cast<std::int64_t>(NumberOption(o, "batchSize", 1, 1, true, false));
  s.epochs = NumberOption(o, "epochs", s.epochs, 0, true, false);
  s.seed = static_cast<std::uint64_t>(NumberOption(o, "seed", 0, 0, true, false));
  if (static_cast<double>(s.seed) > kMaxSafeInteger) ThrowRange(env, "seed: expected an integer in [0, 2^53 - 1]");
  s.max_iterations = NumberOption(o, "maxIterations", s.max_iterations, 0, true, true);
  s.time_limit_ms = NumberOption(o, "timeLimitMs", s.time_limit_ms, 0, false, true, true);
  s.grad_tol = NumberOption(o, "gradTol", s.grad_tol, 0, false, false);
  s.check_every = static_cast<std::int64_t>(NumberOption(o, "checkEvery", 1, 1, true, false));
  s.trace = o.Get("trace").ToBoolean().Value();
  return s;
}

void CheckStochasticObjective(Napi::Env env, core::Objective* objective) {
  if (objective == nullptr) ThrowType(env, "objective: expected a native objective handle");
  if (!objective->supports_batches() || objective->num_samples() < 1)
    ThrowType(env, "objective: minimizeStochastic needs a data objective with mini-batch views");
}

Napi::Object EpochRecordToJs(Napi::Env env, const core::StochasticEpochRecord& r) {
  Napi::Object o = RecordToJs(env, r.base);
  o.Set("epoch", static_cast<double>(r.epoch));
  o.Set("meanStepSize", r.mean_step_size);
  o.Set("fullEvaluations", static_cast<double>(r.full_evaluations));
  o.Set("backtracks", static_cast<double>(r.backtracks));
  o.Set("exhaustedSearches", static_cast<double>(r.exhausted_searches));
  o.Set("skippedSteps", static_cast<double>(r.skipped_steps));
  return o;
}

Napi::Object StochasticResultToJs(Napi::Env env, const core::StochasticResult& r, bool with_trace) {
  Napi::Object o = ResultToJs(env, r.base, false);
  o.Set("epochs", static_cast<double>(r.epochs));
  o.Set("fullEvaluations", static_cast<double>(r.full_evaluations));
  o.Set("fullEvalMs", r.full_eval_ms);
  o.Set("backtracks", static_cast<double>(r.backtracks));
  o.Set("exhaustedSearches", static_cast<double>(r.exhausted_searches));
  o.Set("skippedSteps", static_cast<double>(r.skipped_steps));
  if (with_trace) {
    Napi::Array trace = Napi::Array::New(env, r.trace.size());
    for (size_t i = 0; i < r.trace.size(); ++i) trace.Set(static_cast<uint32_t>(i), EpochRecordToJs(env, r.trace[i]));
    o.Set("trace", trace);
  }
  return o;
}

namespace {

// minimizeStochastic(handle, x0: Float64Array, options, callback?) — synchronous: the whole epoch loop runs
// in C++ and crosses into JS only for the optional per-checkpoint callback.
Napi::Value MinimizeStochastic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::Objective* objective = UnwrapNativeObjective(info[0]);
  CheckStochasticObjective(env, objective);
  const LinearObjectiveWrap* data_owner = UnwrapLinearObjective(info[0]);
  data_owner->CheckData(env);
  Napi::Float64Array x0 = ToVector(info[1], "x0", static_cast<std::size_t>(objective->dim()), true);
  if (!info[2].IsObject()) ThrowType(env, "options: expected an object");
  Napi::Object options = info[2].As<Napi::Object>();
  core::StochasticOptions driver = ReadStochasticOptions(options);
  core::Settings settings = ReadSettings(options.Get("settings"));
  std::vector<double> start(x0.Data(), x0.Data() + x0.ElementLength());  // the caller's array is never modified
  Napi::Function callback;
  if (info.Length() > 3 && info[3].IsFunction()) {
    callback = info[3].As<Napi::Function>();
    driver.on_epoch = [env, &callback, data_owner](const core::StochasticEpochRecord& r) {
      Napi::Value answer = callback.Call({EpochRecordToJs(env, r)});  // a JS exception propagates as Napi::Error
      data_owner->CheckData(env);  // the callback may have detached or resized X or y (SECURITY.md "Buffers")
      return answer.IsString() && answer.As<Napi::String>().Utf8Value() == "stop";
    };
  } else if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) {
    ThrowType(env, "callback: expected a function");
  }
  core::StochasticResult result;
  try {
    result = GuardAllocation(env, "X", [&] { return core::minimize_stochastic(*objective, start.data(), driver, settings); });
  } catch (const std::invalid_argument& e) {
    ThrowRange(env, e.what());  // a settings value the TS side should have rejected
  }
  return StochasticResultToJs(env, result, driver.trace);
}

}  // namespace

void RegisterStochastic(Napi::Env env, Napi::Object exports) {
  exports.Set("minimizeStochastic", Napi::Function::New(env, MinimizeStochastic, "minimizeStochastic"));
}

}  // namespace stepsearch::binding
