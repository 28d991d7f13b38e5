// The addon's entry point: each binding file registers its exports here. Context-aware (NODE_API_MODULE):
// per-env state lives in AddonData (addon_data.hpp), never in globals.
#include <napi.h>
#include <omp.h>

#include "binding/bench_wrap.hpp"
#include "binding/minimize_binding.hpp"
#include "binding/objective_wrap.hpp"
#include "binding/stochastic_binding.hpp"
#include "binding/threads_wrap.hpp"
#include "core/logistic_kernel.hpp"

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The OpenMP runtime's default thread count (proves OpenMP is linked; OMP_NUM_THREADS=1 gives 1).
  exports.Set("maxThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), omp_get_max_threads()); }));
  // The SIMD build the vectorized loss kernels run (diagnostic; results are the same bits on every build).
  exports.Set("simdLevel", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), stepsearch::core::logistic_simd_level()); }));
  stepsearch::binding::RegisterObjectives(env, exports);
  stepsearch::binding::RegisterMinimize(env, exports);
  stepsearch::binding::RegisterMinimizeAsync(env, exports);
  stepsearch::binding::RegisterStochastic(env, exports);
  stepsearch::binding::RegisterThreads(env, exports);
  stepsearch::binding::RegisterBench(env, exports);
  return exports;
}
NODE_API_MODULE(stepsearch, Init)
