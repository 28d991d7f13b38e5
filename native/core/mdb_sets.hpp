// The three preconditioner sets of multidimensional backtracking (spec §1.3 box, §1.4 ellipsoid, §1.5
// simplex); the method lives in core/mdb.hpp. Mirrors lib/optimizers/mdb_sets.ts line for line: the same names,
// and the same order of floating-point operations wherever a result feeds a decision (cuts, the volume test).
// All work is O(d), serial (identical rounding to the TypeScript twin) and allocation-free after construction.
#pragma once
#include <Eigen/Core>

#include "core/objective.hpp"

namespace stepsearch::core {

using Vector = Eigen::VectorXd;

// Failure messages of a cut (reported with status line-search-failed); identical in the TypeScript twin.
extern const char* const kVolumeNotDecreased;   // spec §1.6 rule 2
extern const char* const kEllipsoidCutInvalid;  // spec §1.6 rule 3
extern const char* const kCutOverflow;          // spec §1.4: 1/w overflowed or divided by 0

// Spec §1.4 exact refinement: interval [kExactRefineLower, λ], tolerance, step cap.
constexpr double kExactRefineLower = 0.01;
constexpr double kExactRefineTol = 1e-10;
constexpr int kExactRefineMaxSteps = 50;

// How an ellipsoid or simplex cut picks its weight: exact (ellipsoid only) or `steps` fixed-point steps
// (0 = the closed form). TS: `Refinement = 'exact' | number`.
struct Refinement {
  bool exact = false;
  int steps = 0;
};

// Whether Π next_i/prev_i < 1, i.e. whether the cut lowered the log-volume (spec §1.6 rule 2). A running
// product with exact power-of-two rescaling instead of a difference of Σ log: products and quotients round
// identically in C++ and JS, while glibc's log and V8's Math.log may differ in the last bit.
bool volume_decreased(const Vector& next, const Vector& prev);

// Whether every element is finite and > 0.
bool finite_and_positive(const Vector& v);

// Spec §1.4/§1.5: k multiplicative fixed-point steps on the weights of w = a·v + b·z (z = u² or u), from
// a = λ, b = 1 − λ. Writes w.
void fixed_point_weights(double lambda, const Vector& v, const Vector& z, Vector& w, int steps);

// A set of diagonal preconditioners stored as one positive vector (box, simplex: b; ellipsoid: A).
class PreconditionerSet {
 public:
  PreconditionerSet(Index dim, double initial, double forward);
  virtual ~PreconditionerSet() = default;

  // Writes the candidate P; g2 = g⊙g (read only by the gradient-direction ellipsoid).
  virtual void candidate(const Vector& g2, Vector& P) const = 0;
  // After a success: grow the set.
  virtual void increase() = 0;
  // Spec §1.6 rules 4–5: a uniform shrink that halves the candidate.
  virtual void shrink() = 0;
  // log-volume up to a constant (diagnostics; decisions use volume_decreased).
  virtual double log_volume() const = 0;

  // Cuts with the clipped hyperplane u ≥ 0. Returns nullptr on success, else the reason (set unchanged).
  const char* cut(const Vector& u);

  const Vector& state() const { return state_; }
  Index dim() const { return dim_; }

 protected:
  // Writes the cut state into next; returns a failure message or nullptr.
  virtual const char* compute_cut(const Vector& u, Vector& next) = 0;

  Index dim_;
  double forward_;
  Vector state_;
  Vector next_;  // scratch: the state a cut proposes
};

// The sets stored as the vector b of per-coordinate bounds (box §1.3, simplex §1.5): increase b ← forward·b,
// shrink b/2, log-volume Σ log b_i (mirrors BoundVectorSet in lib/optimizers/mdb_sets.ts).
class BoundVectorSet : public PreconditionerSet {
 public:
  using PreconditionerSet::PreconditionerSet;
  void increase() override;
  void shrink() override;
  double log_volume() const override;
};

// Spec §1.3 box {0 ≤ Q ≤ b}, b = s·d. Candidate factor·b; cut b ← min(b, 1/u); increase b ← forward·b.
class BoxSet final : public BoundVectorSet {
 public:
  BoxSet(Index dim, double initial_scale, double forward, double candidate_factor);
  void candidate(const Vector& g2, Vector& P) const override;
 protected:
  const char* compute_cut(const Vector& u, Vector& next) override;

 private:
  double candidate_factor_;
};

// Spec §1.4 axis-aligned ellipsoid {Q ≥ 0 : Σ Q_i²/A_i ≤ 1}, A = (s·d)². Increase [quirk, kept]: A ← √forward·A,
// so the candidate grows by forward^(1/4) per success.
class EllipsoidSet final : public PreconditionerSet {
 public:
  EllipsoidSet(Index dim, double initial_scale, double forward, bool grad_direction, Refinement refine);
  void candidate(const Vector& g2, Vector& P) const override;
  void increase() override;
  void shrink() override;
  double log_volume() const override;

  // Spec §1.4 refine 'exact': the volume-minimizing weight on [0.01, λ] (reads v_, u2_ of the current cut).
  double exact_weight(double lambda);

 protected:
  const char* compute_cut(const Vector& u, Vector& next) override;

 private:
  // φ'(c), φ''(c) and Σ|v_i − u_i²|/w_i(c), in one pass.
  void derivatives(double c);

  bool grad_direction_;
  Refinement refine_;
  double sqrt_forward_;
  double plain_factor_;  // 1/(√2·d)
  double grad_factor_;   // 1/(√2·√d)
  Vector v_;
  Vector u2_;
  double slope_ = 0;
  double curvature_ = 0;
  double slope_scale_ = 0;
};

// Spec §1.5 simplex {Q ≥ 0 : Σ Q_i/(d·b_i) ≤ 1}, b = s. Candidate b/2; cut with c = ½:
// λ = (d − 1)/(d − c), w = λ/(d·b) + (1 − λ)·u, b ← 1/(d·w); increase b ← forward·b.
class SimplexSet final : public BoundVectorSet {
 public:
  SimplexSet(Index dim, double initial_scale, double forward, int refine);
  void candidate(const Vector& g2, Vector& P) const override;
 protected:
  const char* compute_cut(const Vector& u, Vector& next) override;

 private:
  int refine_;
  double lambda_;
  Vector v_;
};

}  // namespace stepsearch::core
