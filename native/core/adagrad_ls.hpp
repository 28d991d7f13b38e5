// 'adagrad-ls': diagonal AdaGrad preconditioner with a scalar backtracking line search (the paper's
// "Diag. AdaGrad+LS", spec §2.9). Mirrors lib/optimizers/adagrad_ls.ts, which documents the rules, the fix
// (precond(g) in the initial search) and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Settings: initialStep (1), forward (1.1), backward (0.5), maxBacktracks (60).
std::unique_ptr<Method> make_adagrad_ls(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                        const Settings& settings);

}  // namespace stepsearch::core
