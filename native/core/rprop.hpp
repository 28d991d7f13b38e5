// 'rprop': RPROP, iRprop⁻ style without weight backtracking (spec §2.5). Mirrors lib/optimizers/rprop.ts.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: initialStep (1e-2), increaseFactor (1.2), decreaseFactor (0.5), maxStep (50), minStep (1e-6).
std::unique_ptr<Method> make_rprop(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                   const Settings& settings);

}  // namespace stepsearch::core
