#include "binding/minimize_binding.hpp"

#include <cmath>
#include <vector>

#include "binding/convert.hpp"
#include "binding/objective_wrap.hpp"
#include "core/method.hpp"

namespace stepsearch::binding {

namespace {

double NumberOption(const Napi::Object& o, const char* name, double fallback) {
  Napi::Value v = o.Get(name);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(name) + ": expected a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(d)) throw Napi::RangeError::New(o.Env(), std::string(name) + ": must not be NaN");
  return d;
}

}  // namespace

core::DriverOptions ReadDriverOptions(const Napi::Object& o) {
  Napi::Env env = o.Env();
  core::DriverOptions d;
  Napi::Value method = o.Get("method");
  if (!method.IsString()) throw Napi::TypeError::New(env, "method: expected a string");
  d.method = method.As<Napi::String>().Utf8Value();
  if (!core::native_method_exists(d.method))
    throw Napi::RangeError::New(env, "method: '" + d.method + "' has no native implementation");
  d.max_iterations = NumberOption(o, "maxIterations", d.max_iterations);
  d.max_evaluations = NumberOption(o, "maxEvaluations", d.max_evaluations);
  d.grad_tol = NumberOption(o, "gradTol", d.grad_tol);
  d.relative_grad_tol = NumberOption(o, "relativeGradTol", d.relative_grad_tol);
  d.f_tol = NumberOption(o, "fTol", d.f_tol);
  d.time_limit_ms = NumberOption(o, "timeLimitMs", d.time_limit_ms);
  if (d.max_iterations < 0 || d.max_evaluations < 1 || d.grad_tol < 0 || d.relative_grad_tol < 0 || d.f_tol < 0 ||
      !(d.time_limit_ms > 0))
    throw Napi::RangeError::New(env, "options: limits and tolerances must be non-negative (maxEvaluations >= 1, timeLimitMs > 0)");
  d.trace = o.Get("trace").ToBoolean().Value();
  return d;
}

core::Settings ReadSettings(const Napi::Value& value) {
  core::Settings s;
  if (value.IsUndefined() || value.IsNull()) return s;
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "settings: expected an object");
  Napi::Object o = value.As<Napi::Object>();
  Napi::Array keys = o.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string key = keys.Get(i).ToString().Utf8Value();
    Napi::Value v = o.Get(key);
    if (v.IsNumber()) {
      s.set_number(key, v.As<Napi::Number>().DoubleValue());
    } else if (v.IsBoolean()) {
      s.set_number(key, v.As<Napi::Boolean>().Value() ? 1.0 : 0.0);
    } else if (v.IsString()) {
      s.set_text(key, v.As<Napi::String>().Utf8Value());
    } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
      Napi::Float64Array a = v.As<Napi::Float64Array>();
      s.set_vector(key, std::vector<double>(a.Data(), a.Data() + a.ElementLength()));
    } else if (!v.IsUndefined() && !v.IsNull()) {
      throw Napi::TypeError::New(value.Env(), key + ": unsupported setting type for the native backend");
    }
  }
  return s;
}

Napi::Object RecordToJs(Napi::Env env, const core::IterationRecord& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("iter", static_cast<double>(r.iter));
  o.Set("fun", r.fun);
  o.Set("gradNorm", r.grad_norm);
  o.Set("stepSize", r.step_size);
  o.Set("accepted", r.accepted);
  o.Set("nfev", static_cast<double>(r.counts.nfev));
  o.Set("ngev", static_cast<double>(r.counts.ngev));
  o.Set("nhdiag", static_cast<double>(r.counts.nhdiag));
  o.Set("nhvp", static_cast<double>(r.counts.nhvp));
  o.Set("elapsedMs", r.elapsed_ms);
  return o;
}

Napi::Object ResultToJs(Napi::Env env, const core::Result& r, bool with_trace) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Float64Array x = Napi::Float64Array::New(env, r.x.size());
  std::copy(r.x.begin(), r.x.end(), x.Data());
  o.Set("x", x);
  o.Set("fun", r.fun);
  o.Set("initialFun", r.initial_fun);
  o.Set("gradNorm", r.grad_norm);
  o.Set("status", core::status_name(r.status));
  o.Set("message", r.message);
  o.Set("nit", static_cast<double>(r.nit));
  o.Set("nfev", static_cast<double>(r.counts.nfev));
  o.Set("ngev", static_cast<double>(r.counts.ngev));
  o.Set("nhdiag", static_cast<double>(r.counts.nhdiag));
  o.Set("nhvp", static_cast<double>(r.counts.nhvp));
  o.Set("timeMs", r.time_ms);
  if (with_trace) {
    Napi::Array trace = Napi::Array::New(env, r.trace.size());
    for (size_t i = 0; i < r.trace.size(); ++i) trace.Set(static_cast<uint32_t>(i), RecordToJs(env, r.trace[i]));
    o.Set("trace", trace);
  }
  return o;
}

std::vector<double> ReadStartPoint(const Napi::Value& value, core::Index dim) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "x0: expected a Float64Array");
  Napi::Float64Array x0 = value.As<Napi::Float64Array>();
  if (static_cast<core::Index>(x0.ElementLength()) != dim)
    throw Napi::RangeError::New(env, "x0: expected length " + std::to_string(dim));
  for (size_t i = 0; i < x0.ElementLength(); ++i)
    if (!std::isfinite(x0[i])) throw Napi::RangeError::New(env, "x0: element " + std::to_string(i) + " is not finite");
  // A copy: the caller's array is never modified and may change during callbacks.
  return std::vector<double>(x0.Data(), x0.Data() + x0.ElementLength());
}

namespace {

// minimize(handle, x0: Float64Array, options, callback?) — synchronous; the whole loop runs in C++ and
// crosses into JS only for the optional per-iteration callback.
Napi::Value Minimize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  core::Objective* objective = UnwrapNativeObjective(info[0]);
  if (objective == nullptr) throw Napi::TypeError::New(env, "objective: expected a native objective handle");
  const LinearObjectiveWrap* data_owner = UnwrapLinearObjective(info[0]);
  data_owner->CheckData(env);
  std::vector<double> start = ReadStartPoint(info[1], objective->dim());
  if (!info[2].IsObject()) throw Napi::TypeError::New(env, "options: expected an object");
  Napi::Object options = info[2].As<Napi::Object>();
  core::DriverOptions driver = ReadDriverOptions(options);
  core::Settings settings = ReadSettings(options.Get("settings"));
  Napi::Function callback;
  if (info.Length() > 3 && info[3].IsFunction()) {
    callback = info[3].As<Napi::Function>();
    driver.on_iteration = [env, &callback, data_owner](const core::IterationRecord& r) {
      Napi::Value answer = callback.Call({RecordToJs(env, r)});  // a JS exception propagates as Napi::Error
      data_owner->CheckData(env);  // the callback may have detached or resized X or y (SECURITY.md "Buffers")
      return answer.IsString() && answer.As<Napi::String>().Utf8Value() == "stop";
    };
  }
  core::Result result =
      GuardRun(env, [&] { return core::minimize(*objective, start.data(), driver, settings); });
  return ResultToJs(env, result, driver.trace);
}

}  // namespace

void RegisterMinimize(Napi::Env env, Napi::Object exports) {
  exports.Set("minimize", Napi::Function::New(env, Minimize, "minimize"));
}

}  // namespace stepsearch::binding
