#include "binding/bench_wrap.hpp"

#include <chrono>

#include "binding/convert.hpp"
#include "core/bench_kernels.hpp"

namespace stepsearch::binding {

namespace {

// streamRead(a: Float64Array) → Σ a[i], one read of a with getThreads() threads.
Napi::Value StreamRead(const Napi::CallbackInfo& info) {
  Napi::Float64Array a = ToFloat64Array(info[0], "a");
  return Napi::Number::New(info.Env(), core::stream_sum(a.Data(), static_cast<core::Index>(a.ElementLength())));
}

// _benchTwoPassLogistic(matrix: csr, y: Float64Array (0/1), l2, x, gradOut, repeats) → Float64Array of the
// wall time in ms of each of `repeats` evaluations, timed here so that the validation of the matrix (a pass
// over all of it) and the first allocation of the scratch are excluded, as they are for the fused objective.
Napi::Value BenchTwoPassLogistic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MatrixArg X = ToMatrix(info[0], "matrix");
  if (X.dense) ThrowType(env, "matrix must be a CSR matrix");
  Napi::Float64Array y = ToVector(info[1], "y", static_cast<std::size_t>(X.rows()), true);
  const double l2 = ToFiniteNumber(info[2], "l2");
  Napi::Float64Array x = ToVector(info[3], "x", static_cast<std::size_t>(X.cols()), true);
  Napi::Float64Array g = ToVector(info[4], "gradOut", static_cast<std::size_t>(X.cols()), false);
  const std::int64_t repeats = ToInteger(info[5], "repeats", 1, 1000);
  core::TwoPassLogistic f(X.csr_view, y.Data(), l2);
  f.value_and_gradient(x.Data(), g.Data());  // warm-up: allocates the scratch
  Napi::Float64Array ms = Napi::Float64Array::New(env, static_cast<std::size_t>(repeats));
  for (std::int64_t k = 0; k < repeats; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    f.value_and_gradient(x.Data(), g.Data());
    ms.Data()[k] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  return ms;
}

}  // namespace

void RegisterBench(Napi::Env env, Napi::Object exports) {
  exports.Set("streamRead", Napi::Function::New(env, StreamRead));
  exports.Set("_benchTwoPassLogistic", Napi::Function::New(env, BenchTwoPassLogistic));
}

}  // namespace stepsearch::binding
