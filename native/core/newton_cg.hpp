// 'newton-cg': inexact Newton à la LIBLINEAR newton.cpp (design.md §5): PCG with the mixed diagonal
// preconditioner and the quadratic-model stop, then LIBLINEAR's backtracking line search along the O(n) line
// function. Mirrors lib/optimizers/newton_cg.ts, which documents the rules and the meaning of stepSize.
#pragma once
#include <memory>
#include <string>

#include "core/line_search.hpp"
#include "core/method.hpp"

namespace stepsearch::core {

// Weight α of diag ∇²f in LIBLINEAR's preconditioner M = (1 − α)I + α·diag.
constexpr double kPreconditionerMix = 0.01;

// The step shared by newton-cg and newton once a direction is known (lib/optimizers/newton_cg.ts
// searchAndMove): dir ← −g if it is not a descent direction; LIBLINEAR's backtracking on the O(n) line
// function; x ← x + t·dir and one counted f + ∇f there. `name` prefixes the stop messages.
StepOutcome search_and_move(const std::string& name, CountedObjective& oracle, CountedLine& line,
                            const BacktrackingParams& ls, Vector& x, double& fun, Vector& grad, Vector& dir);

// Settings: cgTol (0.1), maxCgIterations (0 = dim), maxLineSearchSteps (20), preconditioner ("diagonal" |
// "none"); validated by the TS side.
std::unique_ptr<Method> make_newton_cg(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                       const Settings& settings);

}  // namespace stepsearch::core
