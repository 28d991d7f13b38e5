#include <napi.h>
#include <omp.h>
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("maxThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), omp_get_max_threads()); }));
  return exports;
}
NODE_API_MODULE(stepsearch, Init)
