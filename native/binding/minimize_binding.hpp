// N-API glue for the deterministic driver: converts options and results, no maths.
#pragma once
#include <napi.h>

#include <vector>

#include "core/driver.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

namespace stepsearch::binding {

// Registers `minimize(handle, x0, options, callback?)` on exports.
void RegisterMinimize(Napi::Env env, Napi::Object exports);

// Registers `startMinimize(handle, x0, options, progressEvery, onProgress?, onDone)` (minimize_worker.cc).
void RegisterMinimizeAsync(Napi::Env env, Napi::Object exports);

// Shared with the async worker: argument, option and result conversion.
std::vector<double> ReadStartPoint(const Napi::Value& x0, core::Index dim);
core::DriverOptions ReadDriverOptions(const Napi::Object& options);
core::Settings ReadSettings(const Napi::Value& settings);
Napi::Object RecordToJs(Napi::Env env, const core::IterationRecord& r);
Napi::Object ResultToJs(Napi::Env env, const core::Result& r, bool with_trace);

}  // namespace stepsearch::binding
