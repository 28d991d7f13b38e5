// Diagonal preconditioner and momentum of the preconditioned stochastic line searches (spec §4.5); mirrors
// lib/stochastic/preconditioner.ts operation for operation (see its header for the formulas):
//   Adam/AMSGrad D = 1/(√(v̂/(1−β2^t)) + ε), AdaGrad D = 1/(√v + ε), 'none' D = 1;
//   step direction D⊙m̂ (m̂ = g when β1 = 0); search direction D⊙g ('gradient') or D⊙m̂ ('step', falling
//   back to 'gradient' when s = ⟨g, D⊙m̂⟩ ≤ 0); s = ⟨g, p⟩.
#pragma once
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "core/settings.hpp"

namespace stepsearch::core {

enum class PrecondKind { kNone, kAmsgrad, kAdam, kAdagrad };

struct PrecondSettings {
  PrecondKind precond = PrecondKind::kNone;
  double beta1 = 0;
  double beta2 = 0.99;
  double eps = 1e-8;
  bool search_along_step = false;  // searchDirection 'step'

  static PrecondSettings read(const Settings& s);
};

class ScaledDirections {
 public:
  ScaledDirections(Index dim, const PrecondSettings& settings);

  // spec §4.5 steps 1–5: consumes the batch gradient g (length dim).
  void update(const double* g);

  const double* search_dir() const { return search_dir_.data(); }
  const double* step_dir() const { return step_dir_.data(); }
  double s() const { return s_; }
  const PrecondSettings& settings() const { return settings_; }

 private:
  PrecondSettings settings_;
  Index dim_;
  std::vector<double> search_dir_, step_dir_, scaling_, v_, vmax_, m_;
  double s_ = 0;
  double beta1_power_ = 1;
  double beta2_power_ = 1;
};

}  // namespace stepsearch::core
