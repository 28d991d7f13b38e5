// Multidimensional backtracking (spec §1, "PrecSearch"): a backtracking search over diagonal preconditioners,
// methods 'mdb-box', 'mdb-ellipsoid', 'mdb-simplex'. Mirrors lib/optimizers/mdb.ts line for line; the sets are
// in core/mdb_sets.hpp.
#pragma once
#include <memory>

#include "core/mdb_sets.hpp"
#include "core/method.hpp"

namespace stepsearch::core {

// Spec §1.6 rules 1 and 4: a failed trial with ⟨g², P⟩ below this stops the run.
constexpr double kMinExpectedProgress = 1e-12;
// Spec §0 / §1.6 rule 5: this many non-finite trials in a row stop the run (status non-finite).
constexpr int kNonFiniteLimit = 60;

// The main loop of spec §1.2, shared by the three sets. One step: P ← S.candidate; y ← x − P⊙g; one
// value_and_gradient at y. Accept when f(y) ≤ f(x) − ½⟨g², P⟩ (S grows), else cut S with
// u = max((½g² − g_y⊙g)/D, 0), D = f(x) − f(y) − ⟨g_y, P⊙g⟩, under the safeguards of spec §1.6.
// step_size of the record: ‖P⊙g‖₂/‖g‖₂ of the trial.
class MultidimensionalBacktracking final : public Method {
 public:
  MultidimensionalBacktracking(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                               std::unique_ptr<PreconditionerSet> set);
  StepOutcome step() override;
  const PreconditionerSet& set() const { return *set_; }

 private:
  std::unique_ptr<PreconditionerSet> set_;
  Vector g2_;  // g⊙g
  Vector P_;   // the candidate
  Vector s_;   // the step P⊙g
  Vector y_;   // the trial point x − P⊙g
  Vector gy_;  // ∇f(y)
  Vector u_;   // the clipped hyperplane u⁺
  int non_finite_run_ = 0;
};

// Factories for core/methods.cpp. Settings (all resolved by the TS descriptors; the fallbacks here are the
// same defaults): initialScale (1e10), forward (1.1); box: boxCandidateFactor (1/d); ellipsoid: gradDirection
// (true), refine ("exact" or a step count; default "exact"); simplex: refine (step count, default 0).
std::unique_ptr<Method> make_mdb_box(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings);
std::unique_ptr<Method> make_mdb_ellipsoid(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                           const Settings& settings);
std::unique_ptr<Method> make_mdb_simplex(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings);

}  // namespace stepsearch::core
