// setThreads(n) / getThreads(): the process-wide thread count of every native kernel (core/threads.hpp).
#pragma once
#include <napi.h>

namespace stepsearch::binding {

// Adds setThreads and getThreads to exports.
void RegisterThreads(Napi::Env env, Napi::Object exports);

}  // namespace stepsearch::binding
