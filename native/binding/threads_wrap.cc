#include "binding/threads_wrap.hpp"

#include "binding/convert.hpp"
#include "core/threads.hpp"

namespace stepsearch::binding {

void RegisterThreads(Napi::Env env, Napi::Object exports) {
  // setThreads(n): n in 0..1024, 0 restores the default (OMP_NUM_THREADS / all cores).
  exports.Set("setThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                core::set_thread_count(static_cast<int>(ToInteger(info[0], "n", 0, 1024)));
                return info.Env().Undefined();
              }));
  exports.Set("getThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return Napi::Number::New(info.Env(), core::thread_count());
              }));
}

}  // namespace stepsearch::binding
