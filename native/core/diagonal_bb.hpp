// 'diagonal-bb': diagonal Barzilai–Borwein steps with a non-monotone line search (Park, Dhar, Boyd, Shah
// 2020; spec §2.10). Mirrors lib/optimizers/diagonal_bb.ts, which documents the rules, the floor for
// ⟨s, r⟩ ≤ 0 and the stops.
#pragma once
#include <memory>

#include "core/method.hpp"

namespace stepsearch::core {

// Relative floor of U when ⟨s, r⟩ ≤ 0: U_i ≥ 1e-12·max(U) (spec §2.10, ours).
constexpr double kDiagonalBbFloor = 1e-12;

// Settings: initialCurvature (1e-6), damping (1e-6), backtrack (0.5), window (15), maxBacktracks (60).
std::unique_ptr<Method> make_diagonal_bb(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings);

}  // namespace stepsearch::core
