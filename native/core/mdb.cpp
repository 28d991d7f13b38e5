// Multidimensional backtracking; see mdb.hpp and lib/optimizers/mdb.ts (same names, same operation order).
#include "core/mdb.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Stop messages; identical to MDB_MESSAGES in lib/optimizers/mdb.ts.
const char* const kProgressTooSmall =
    "expected progress too small: ⟨g², P⟩ < 1e-12 and ⟨u, P⟩ < 1 (spec §1.6 rule 1)";
const char* const kProgressTooSmallNoCut =
    "expected progress too small: ⟨g², P⟩ < 1e-12 and no usable hyperplane (D not finite or ≤ 0, or u overflowed) (spec §1.6 rule 4)";
const char* const kNonFinite = "f or the gradient was not finite at 60 consecutive trial points (spec §1.6 rule 5)";
const char* const kZeroGradient = "‖∇f‖ = 0 (Σ g_i² is 0 in double precision): no descent direction (spec §1.6 rule 6)";
static_assert(kNonFiniteLimit == 60, "kNonFinite's text names the limit");

StepOutcome stopped(Status status, const char* message, double step_size) {
  StepOutcome o = StepOutcome::stopped(status, message);
  o.step_size = step_size;
  return o;
}

StepOutcome moved(bool accepted, double step_size) {
  StepOutcome o;
  o.accepted = accepted;
  o.step_size = step_size;
  return o;
}

}  // namespace

MultidimensionalBacktracking::MultidimensionalBacktracking(CountedObjective& oracle, const Vector& x0, double f0,
                                                           const Vector& g0, std::unique_ptr<PreconditionerSet> set)
    : Method(oracle, x0, f0, g0),
      set_(std::move(set)),
      g2_(x0.size()),
      P_(x0.size()),
      s_(x0.size()),
      y_(x0.size()),
      gy_(x0.size()),
      u_(x0.size()) {}

StepOutcome MultidimensionalBacktracking::step() {
  Vector& x = x_;
  Vector& g = grad_;
  Vector& g2 = g2_;
  Vector& P = P_;
  Vector& s = s_;
  Vector& y = y_;
  Vector& gy = gy_;
  Vector& u = u_;
  const Index d = x.size();
  double gsq = 0;
  for (Index i = 0; i < d; ++i) {
    g2[i] = g[i] * g[i];
    gsq += g2[i];
  }
  // Spec §1.6 rule 6: checked before the candidate (the gradient-direction rule divides by ‖√A⊙g²‖).
  if (gsq == 0) return stopped(Status::kGradTol, kZeroGradient, 0);
  set_->candidate(g2, P);
  double expected = 0;  // ⟨g², P⟩, the guaranteed decrease is half of it
  double step_sq = 0;
  for (Index i = 0; i < d; ++i) {
    s[i] = P[i] * g[i];
    y[i] = x[i] - s[i];
    expected += g2[i] * P[i];
    step_sq += s[i] * s[i];
  }
  const double step_size = std::sqrt(step_sq) / std::sqrt(gsq);
  const double fy = oracle_.value_and_gradient(y.data(), gy.data());

  if (!std::isfinite(fy) || !all_finite(gy)) {
    // Spec §1.6 rule 5: no hyperplane is available; shrink uniformly, stop after 60 in a row.
    ++non_finite_run_;
    if (non_finite_run_ >= kNonFiniteLimit) return stopped(Status::kNonFinite, kNonFinite, step_size);
    set_->shrink();
    return moved(false, step_size);
  }
  non_finite_run_ = 0;

  if (fy <= fun_ - 0.5 * expected) {
    // Spec §1.2 accept: x ← y with its f and g (swapping buffers; y is rewritten next step); the set grows.
    x.swap(y);
    g.swap(gy);
    fun_ = fy;
    set_->increase();
    return moved(true, step_size);
  }

  // Spec §1.1 hyperplane: D = f(x) − f(y) − ⟨g_y, P⊙g⟩ (the reference's stable form), u = max(∇h/D, 0).
  double dot = 0;
  for (Index i = 0; i < d; ++i) dot += gy[i] * s[i];
  const double D = fun_ - fy - dot;
  bool usable = std::isfinite(D) && D > 0;
  double uP = 0;
  if (usable) {
    for (Index i = 0; i < d; ++i) {
      const double t = (0.5 * g2[i] - gy[i] * g[i]) / D;
      if (!std::isfinite(t)) usable = false;
      u[i] = t > 0 ? t : 0;
      uP += u[i] * P[i];
    }
  }
  if (!usable) {
    // Spec §1.6 rule 4: treated as rule 1, with a uniform shrink in place of the cut.
    if (expected < kMinExpectedProgress) return stopped(Status::kLineSearchFailed, kProgressTooSmallNoCut, step_size);
    set_->shrink();
    return moved(false, step_size);
  }
  // Spec §1.6 rule 1.
  if (uP < 1 && expected < kMinExpectedProgress) return stopped(Status::kLineSearchFailed, kProgressTooSmall, step_size);
  // Spec §1.6 rules 2 and 3 are checked inside the cut.
  const char* failure = set_->cut(u);
  if (failure != nullptr) return stopped(Status::kLineSearchFailed, failure, step_size);
  return moved(false, step_size);
}

// ---- factories -----------------------------------------------------------------------------------------

namespace {

// refine: "exact", or a number of fixed-point steps; absent → fallback.
Refinement read_refinement(const Settings& settings, Refinement fallback, bool allow_exact) {
  if (!settings.has("refine")) return fallback;
  const std::string text = settings.text("refine", "");
  if (text == "exact" && allow_exact) return Refinement{true, 0};
  if (!text.empty()) throw std::invalid_argument("refine: unsupported value '" + text + "'");
  // Capped at 1000 fixed-point steps (each is one O(d) pass), as the TypeScript side.
  return Refinement{false, static_cast<int>(settings.integer("refine", 0, 0, 1000))};
}

}  // namespace

std::unique_ptr<Method> make_mdb_box(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings) {
  const double d = static_cast<double>(x0.size());
  auto set = std::make_unique<BoxSet>(x0.size(), settings.number("initialScale", 1e10), settings.number("forward", 1.1),
                                      settings.number("boxCandidateFactor", 1 / d));
  return std::make_unique<MultidimensionalBacktracking>(oracle, x0, f0, g0, std::move(set));
}

std::unique_ptr<Method> make_mdb_ellipsoid(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                           const Settings& settings) {
  auto set = std::make_unique<EllipsoidSet>(x0.size(), settings.number("initialScale", 1e10),
                                            settings.number("forward", 1.1), settings.flag("gradDirection", true),
                                            read_refinement(settings, Refinement{true, 0}, true));
  return std::make_unique<MultidimensionalBacktracking>(oracle, x0, f0, g0, std::move(set));
}

std::unique_ptr<Method> make_mdb_simplex(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                         const Settings& settings) {
  auto set = std::make_unique<SimplexSet>(x0.size(), settings.number("initialScale", 1e10),
                                          settings.number("forward", 1.1),
                                          read_refinement(settings, Refinement{false, 0}, false).steps);
  return std::make_unique<MultidimensionalBacktracking>(oracle, x0, f0, g0, std::move(set));
}

}  // namespace stepsearch::core
