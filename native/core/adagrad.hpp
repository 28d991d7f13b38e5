// 'adagrad' (diagonal) and 'adagrad-norm' (scalar), deterministic AdaGrad without projection (spec §2.8).
// Mirrors lib/optimizers/adagrad.ts, which documents the rules and the two reference bugs fixed.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: learningRate (1e-2).
std::unique_ptr<Method> make_adagrad(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings);
std::unique_ptr<Method> make_adagrad_norm(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings);

}  // namespace stepsearch::core
