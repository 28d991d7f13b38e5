// 'gd': gradient descent with Armijo backtracking (the paper's GDLS, spec §2.1), optionally with a fixed
// positive diagonal preconditioner M (OptPGDLS with a user-supplied M, spec §2.3). Mirrors
// lib/optimizers/gd.ts, which documents the rules, the quirk kept (trial α = ss/2) and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: initialStep (1e10), forward (1.1), backtrack (0.5), maxBacktracks (60), preconditioner (vector,
// absent = identity). The TypeScript side validates and passes every value.
std::unique_ptr<Method> make_gd(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                const Settings& settings);

}  // namespace stepsearch::core
