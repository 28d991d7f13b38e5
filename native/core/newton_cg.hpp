// 'newton-cg': inexact Newton à la LIBLINEAR newton.cpp (design.md §5): PCG with the mixed diagonal
// preconditioner and the quadratic-model stop, then LIBLINEAR's backtracking line search along the O(n) line
// function. Mirrors lib/optimizers/newton_cg.ts, which documents the rules and the meaning of stepSize.
#pragma once
#include <memory>
#include <string>

#include "core/method.hpp"

namespace stepsearch::core {

// Weight α of diag ∇²f in LIBLINEAR's preconditioner M = (1 − α)I + α·diag.
constexpr double kPreconditionerMix = 0.01;

// x ← x + t·s, then one counted value_and_gradient there (f from the full evaluation). Returns kRunning, or
// kNonFinite when ∇f is not finite there. Shared by 'newton-cg' and 'newton' (moveAndEvaluate in TS).
Status move_and_evaluate(CountedObjective& oracle, Vector& x, double& fun, Vector& grad, const Vector& s, double t);

// Settings: cgTol (0.5), maxCgIterations (0 = dim), maxLineSearchSteps (20), preconditioner ("diagonal" |
// "none"); validated by the TS side.
std::unique_ptr<Method> make_newton_cg(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                       const Settings& settings);

}  // namespace stepsearch::core
