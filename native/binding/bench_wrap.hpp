// Exports used only by bench/kernels.mjs: streamRead (the bandwidth floor) and _benchTwoPassLogistic (the
// two-pass baseline of the fused kernel). Not part of the public API.
#pragma once
#include <napi.h>

namespace stepsearch::binding {

void RegisterBench(Napi::Env env, Napi::Object exports);

}  // namespace stepsearch::binding
