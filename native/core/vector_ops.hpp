// Small serial vector helpers for the paper's baselines (spec §2); mirrors lib/optimizers/vector_ops.ts.
// The loops sum left to right, exactly as the TypeScript twin, so reductions that feed a decision (an
// Armijo gap, a clamp bound) give the same bits on both backends when f and ∇f agree. They are O(d) next to
// the O(n·d) data passes of an evaluation, so they stay serial (no OpenMP, whose reduction order varies).
#pragma once
#include <cmath>

#include <Eigen/Core>

namespace stepsearch::core {

// ⟨a, b⟩, summed left to right.
inline double dot_serial(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  double s = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// ‖a‖₂ = √⟨a, a⟩ (same order as dot_serial).
inline double norm_serial(const Eigen::VectorXd& a) { return std::sqrt(dot_serial(a, a)); }

// Whether every element is finite.
inline bool all_finite(const Eigen::VectorXd& a) {
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!std::isfinite(a[i])) return false;
  return true;
}

}  // namespace stepsearch::core
