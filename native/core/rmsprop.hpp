// 'rmsprop': deterministic RMSProp with a one-shot initial step search (spec §2.7). Mirrors
// lib/optimizers/rmsprop.ts, which documents the rules, the fix (P in every search trial) and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: initialStep (1e-6), decay (0.9), epsilon (1e-8), backtrack (0.5).
std::unique_ptr<Method> make_rmsprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings);

}  // namespace stepsearch::core
