// N-API glue for the stochastic driver (lib/stochastic/driver.ts ↔ core/stochastic_driver.hpp): converts and
// validates options and results, no maths.
#pragma once
#include <napi.h>

#include "core/stochastic_driver.hpp"

namespace stepsearch::binding {

// Registers `minimizeStochastic(handle, x0, options, callback?)` on exports.
void RegisterStochastic(Napi::Env env, Napi::Object exports);

// Shared with an async worker: validated driver options (method, batchSize, epochs, seed, maxIterations,
// timeLimitMs, gradTol, checkEvery, trace; `settings` is read with ReadSettings), and the result conversion.
core::StochasticOptions ReadStochasticOptions(const Napi::Object& options);
Napi::Object EpochRecordToJs(Napi::Env env, const core::StochasticEpochRecord& r);
Napi::Object StochasticResultToJs(Napi::Env env, const core::StochasticResult& r, bool with_trace);

// Checks that a core objective can run minimize_stochastic (mini-batch views, ≥ 1 sample); TypeError otherwise.
void CheckStochasticObjective(Napi::Env env, core::Objective* objective);

}  // namespace stepsearch::binding
