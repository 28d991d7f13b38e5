// Preconditioner sets of multidimensional backtracking; see mdb_sets.hpp and lib/optimizers/mdb_sets.ts.
#include "core/mdb_sets.hpp"

#include <cmath>
#include <limits>

namespace stepsearch::core {

const char* const kVolumeNotDecreased = "volume did not decrease after the cut (spec §1.6 rule 2)";
const char* const kEllipsoidCutInvalid = "ellipsoid cut invalid (ℓ < d or λ ∉ [0,1]) (spec §1.6 rule 3)";
const char* const kCutOverflow = "cut invalid (the new set overflowed or divided by 0) (spec §1.4)";

namespace {
const double kTwoPow200 = std::ldexp(1.0, 200);
const double kTwoPowMinus200 = std::ldexp(1.0, -200);
}  // namespace

bool volume_decreased(const Vector& next, const Vector& prev) {
  double mantissa = 1;
  int exponent = 0;  // the product is mantissa · 2^(200·exponent)
  for (Index i = 0; i < next.size(); ++i) {
    mantissa *= next[i] / prev[i];
    if (mantissa > kTwoPow200) {
      mantissa *= kTwoPowMinus200;
      ++exponent;
    } else if (mantissa < kTwoPowMinus200) {
      mantissa *= kTwoPow200;
      --exponent;
    }
  }
  return exponent < 0 || (exponent == 0 && mantissa < 1);
}

bool finite_and_positive(const Vector& v) {
  const double inf = std::numeric_limits<double>::infinity();
  for (Index i = 0; i < v.size(); ++i) {
    if (!(v[i] > 0 && v[i] < inf)) return false;
  }
  return true;
}

void fixed_point_weights(double lambda, const Vector& v, const Vector& z, Vector& w, int steps) {
  double a = lambda;
  double b = 1 - lambda;
  for (Index i = 0; i < w.size(); ++i) w[i] = a * v[i] + b * z[i];
  for (int step = 0; step < steps; ++step) {
    double sum_v = 0;
    double sum_z = 0;
    for (Index i = 0; i < w.size(); ++i) {
      sum_v += v[i] / w[i];
      sum_z += z[i] / w[i];
    }
    a *= sum_v;
    b *= sum_z;
    const double total = a + b;
    a /= total;
    b /= total;
    for (Index i = 0; i < w.size(); ++i) w[i] = a * v[i] + b * z[i];
  }
}

// ---- PreconditionerSet ---------------------------------------------------------------------------------

PreconditionerSet::PreconditionerSet(Index dim, double initial, double forward)
    : dim_(dim), forward_(forward), state_(Vector::Constant(dim, initial)), next_(dim) {}

const char* PreconditionerSet::cut(const Vector& u) {
  const char* failure = compute_cut(u, next_);
  if (failure != nullptr) return failure;
  if (!finite_and_positive(next_)) return kCutOverflow;
  if (!volume_decreased(next_, state_)) return kVolumeNotDecreased;
  state_.swap(next_);
  return nullptr;
}

// ---- BoxSet (spec §1.3) --------------------------------------------------------------------------------

BoxSet::BoxSet(Index dim, double initial_scale, double forward, double candidate_factor)
    : BoundVectorSet(dim, initial_scale * static_cast<double>(dim), forward), candidate_factor_(candidate_factor) {}

void BoxSet::candidate(const Vector& /*g2*/, Vector& P) const {
  const Vector& b = state_;
  for (Index i = 0; i < b.size(); ++i) P[i] = b[i] * candidate_factor_;
}

void BoundVectorSet::increase() {
  Vector& b = state_;
  for (Index i = 0; i < b.size(); ++i) b[i] *= forward_;
}

void BoundVectorSet::shrink() {
  Vector& b = state_;
  for (Index i = 0; i < b.size(); ++i) b[i] *= 0.5;
}

double BoundVectorSet::log_volume() const {
  double s = 0;
  for (Index i = 0; i < state_.size(); ++i) s += std::log(state_[i]);
  return s;
}

const char* BoxSet::compute_cut(const Vector& u, Vector& next) {
  const Vector& b = state_;
  for (Index i = 0; i < b.size(); ++i) {
    const double bound = 1 / u[i];  // 1/0 = +∞: that coordinate keeps b_i
    next[i] = bound < b[i] ? bound : b[i];
  }
  return nullptr;
}

// ---- EllipsoidSet (spec §1.4) --------------------------------------------------------------------------

namespace {
double squared(double a) { return a * a; }
}  // namespace

EllipsoidSet::EllipsoidSet(Index dim, double initial_scale, double forward, bool grad_direction, Refinement refine)
    : PreconditionerSet(dim, squared(initial_scale * static_cast<double>(dim)), forward),
      grad_direction_(grad_direction),
      refine_(refine),
      sqrt_forward_(std::sqrt(forward)),
      plain_factor_(1 / (std::sqrt(2.0) * static_cast<double>(dim))),
      grad_factor_(1 / (std::sqrt(2.0) * std::sqrt(static_cast<double>(dim)))),
      v_(dim),
      u2_(dim) {}

void EllipsoidSet::candidate(const Vector& g2, Vector& P) const {
  const Vector& A = state_;
  if (!grad_direction_) {
    for (Index i = 0; i < A.size(); ++i) P[i] = std::sqrt(A[i]) * plain_factor_;
    return;
  }
  // q = √A⊙g² (kept in P); its 2-norm is scaled by the largest entry so that q² cannot overflow.
  double largest = 0;
  for (Index i = 0; i < A.size(); ++i) {
    P[i] = std::sqrt(A[i]) * g2[i];
    if (P[i] > largest) largest = P[i];
  }
  double sum_sq = 0;
  for (Index i = 0; i < A.size(); ++i) {
    const double r = P[i] / largest;
    sum_sq += r * r;
  }
  const double norm = largest * std::sqrt(sum_sq);
  // A_i·g_i²/‖q‖ = √A_i·(q_i/‖q‖).
  for (Index i = 0; i < A.size(); ++i) P[i] = std::sqrt(A[i]) * (P[i] / norm) * grad_factor_;
}

void EllipsoidSet::increase() {
  Vector& A = state_;
  for (Index i = 0; i < A.size(); ++i) A[i] *= sqrt_forward_;
}

void EllipsoidSet::shrink() {
  // A/4 halves √A, hence the candidate in both candidate rules.
  Vector& A = state_;
  for (Index i = 0; i < A.size(); ++i) A[i] *= 0.25;
}

double EllipsoidSet::log_volume() const {
  double s = 0;
  for (Index i = 0; i < state_.size(); ++i) s += std::log(std::sqrt(state_[i]));
  return s;
}

const char* EllipsoidSet::compute_cut(const Vector& u, Vector& next) {
  const Vector& A = state_;
  Vector& v = v_;
  Vector& u2 = u2_;
  const double d = static_cast<double>(dim_);
  double ell = 0;
  for (Index i = 0; i < dim_; ++i) {
    v[i] = 1 / A[i];
    u2[i] = u[i] * u[i];
    ell += u2[i] * A[i];
  }
  const double lambda = ((ell / d) * (d - 1)) / (ell - 1);
  if (ell < d || !(lambda >= 0 && lambda <= 1)) return kEllipsoidCutInvalid;
  // w is built in next, then inverted in place: A' = 1/w.
  if (refine_.exact) {
    const double c = exact_weight(lambda);
    const double one_minus_c = 1 - c;
    for (Index i = 0; i < dim_; ++i) next[i] = c * v[i] + one_minus_c * u2[i];
  } else {
    fixed_point_weights(lambda, v, u2, next, refine_.steps);
  }
  for (Index i = 0; i < dim_; ++i) next[i] = 1 / next[i];
  return nullptr;
}

double EllipsoidSet::exact_weight(double lambda) {
  if (!(lambda > kExactRefineLower)) return lambda;  // d = 1: λ = 0, the closed form is the exact cut
  derivatives(lambda);
  if (slope_ <= 0) return lambda;
  double slope = slope_;
  double curvature = curvature_;
  double lo = kExactRefineLower;
  double hi = lambda;
  derivatives(lo);
  if (slope_ >= 0) return lo;
  // Invariant: φ'(lo) < 0 < φ'(hi), so the minimizer lies in (lo, hi); start from c = λ.
  double c = lambda;
  for (int step = 0; step < kExactRefineMaxSteps; ++step) {
    if (slope > 0)
      hi = c;
    else
      lo = c;
    const double newton = c - slope / curvature;
    c = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    derivatives(c);
    slope = slope_;
    curvature = curvature_;
    if (std::abs(slope) <= kExactRefineTol * slope_scale_) break;
  }
  return c;
}

void EllipsoidSet::derivatives(double c) {
  const Vector& v = v_;
  const Vector& u2 = u2_;
  const double one_minus_c = 1 - c;
  double slope = 0;
  double curvature = 0;
  double scale = 0;
  for (Index i = 0; i < dim_; ++i) {
    const double r = (v[i] - u2[i]) / (c * v[i] + one_minus_c * u2[i]);
    slope -= r;
    curvature += r * r;
    scale += std::abs(r);
  }
  slope_ = slope;
  curvature_ = curvature;
  slope_scale_ = scale;
}

// ---- SimplexSet (spec §1.5) ----------------------------------------------------------------------------

SimplexSet::SimplexSet(Index dim, double initial_scale, double forward, int refine)
    : BoundVectorSet(dim, initial_scale, forward),
      refine_(refine),
      lambda_((static_cast<double>(dim) - 1) / (static_cast<double>(dim) - 0.5)),
      v_(dim) {}

void SimplexSet::candidate(const Vector& /*g2*/, Vector& P) const {
  const Vector& b = state_;
  for (Index i = 0; i < b.size(); ++i) P[i] = b[i] * 0.5;
}

const char* SimplexSet::compute_cut(const Vector& u, Vector& next) {
  const Vector& b = state_;
  const double d = static_cast<double>(dim_);
  for (Index i = 0; i < dim_; ++i) v_[i] = 1 / (d * b[i]);
  fixed_point_weights(lambda_, v_, u, next, refine_);
  for (Index i = 0; i < dim_; ++i) next[i] = 1 / (d * next[i]);
  return nullptr;
}

}  // namespace stepsearch::core
