// 'diag-hessian': GD preconditioned by 1/diag∇²f with a scalar backtracking line search (the paper's DiagH,
// spec §2.2). Mirrors lib/optimizers/diag_hessian.ts, which documents the rules and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: initialStep (0.1), forward (1.1), backward (0.5), maxBacktracks (60).
std::unique_ptr<Method> make_diag_hessian(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings);

}  // namespace stepsearch::core
