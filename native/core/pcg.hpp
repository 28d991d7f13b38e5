// Preconditioned CG for ∇²f(x)·s = −g with LIBLINEAR's quadratic-model stop (Hsia, Chiang & Lin 2018).
// Used by 'newton-cg'; mirrors lib/optimizers/pcg.ts, which documents the rule.
#pragma once
#include <functional>

#include "core/method.hpp"

namespace stepsearch::core {

enum class PcgStop { kQuadraticModel, kMaxIterations, kNonPositiveCurvature, kModelIncrease, kAborted };

struct PcgParams {
  double cg_tol = 0.1;         // LIBLINEAR's eps_cg (train_one's value)
  long long max_iterations = 0;  // Hessian-vector products at most
  double norm_scale = 1;       // κ of newton-cg's cgScale: the forcing term is √(κ·√(gᵀM⁻¹g)) (pcg.ts)
};

struct PcgResult {
  long long iterations = 0;
  PcgStop stop = PcgStop::kMaxIterations;
};

// dᵀHd must exceed this multiple of dᵀd (LIBLINEAR's dHd ≤ 1e-16 guard, made scale-free).
constexpr double kCgCurvatureFloor = 1e-16;

// Work vectors, allocated once per method.
struct PcgWorkspace {
  explicit PcgWorkspace(Index n) : r(n), z(n), d(n), hd(n) {}
  Vector r, z, d, hd;
};

// PCG from s = 0. hess_vec(v, out) writes H·v; m is the diagonal preconditioner or nullptr for plain CG.
// The abort flag of `oracle` is polled before every product (status kAborted; s is then the iterate so far).
PcgResult pcg(const std::function<void(const Vector&, Vector&)>& hess_vec, const Vector& g, const Vector* m, Vector& s,
              PcgWorkspace& w, const PcgParams& p, const CountedObjective& oracle);

}  // namespace stepsearch::core
