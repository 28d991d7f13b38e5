// 'hypergd-add' / 'hypergd-mult': GD whose step adapts by hypergradient descent (Baydin et al. 2018,
// spec §2.6). Mirrors lib/optimizers/hypergd.ts, which documents the rules, the fix (α ≥ 0) and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Consecutive iterations with α = 0 after which the additive form stops (spec §2.6, ours).
constexpr int kHyperGdMaxZeroSteps = 10;

// Settings: initialStep (1e-10), hypergradientStep (1e-4 additive, 0.02 multiplicative), backtrack (0.5).
std::unique_ptr<Method> make_hypergd_add(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings);
std::unique_ptr<Method> make_hypergd_mult(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings);

}  // namespace stepsearch::core
