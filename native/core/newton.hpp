// 'newton': exact Newton for moderate dimensions (Hessian from d Hessian-vector products, Cholesky with an
// added multiple of the identity when needed, Nocedal & Wright Alg. 3.3) and LIBLINEAR's backtracking line
// search. Mirrors lib/optimizers/newton.ts, which documents the rules and the meaning of stepSize.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Factorizations per iteration at most (H, then H + τI for growing τ, then H + 2τ*I).
constexpr int kMaxFactorizations = 60;
// τ₀ = 1e-8·max|Hᵢⱼ|, then τ ← 10·τ.
constexpr double kShiftStart = 1e-8;
constexpr double kShiftGrowth = 10;

// Settings: maxDim (5000), maxLineSearchSteps (20); validated by the TS side. Throws std::invalid_argument
// when dim > maxDim (the TS side refuses first, with a RangeError naming maxDim).
std::unique_ptr<Method> make_newton(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                    const Settings& settings);

}  // namespace stepsearch::core
