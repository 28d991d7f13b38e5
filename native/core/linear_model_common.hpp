// Pieces shared by the linear models (LinearModel for logistic / least squares, SoftmaxModel): which rows an
// objective averages over, the point-keyed cache of design.md §4, and the l2 term along a line.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/objective.hpp"

namespace stepsearch::core {

// The rows an objective averages over: all rows 0..count−1 (rows == nullptr) or a mini-batch rows[0..count)
// of indices into the full data (repeats allowed). The row array belongs to the caller (Objective::select_rows).
struct RowSelection {
  const std::int32_t* rows = nullptr;
  Index count = 0;
  Index operator[](Index r) const { return rows ? static_cast<Index>(rows[r]) : r; }
};

// The point whose margins an objective holds (design.md §4): reuse is keyed on the bits of x, never on call
// order. A miss copies x first (so kernels read the copy: an output array may alias the caller's x) and the
// entry becomes valid only once the margins for it are complete.
class PointCache {
 public:
  explicit PointCache(Index dim) : x_(static_cast<std::size_t>(dim)) {}
  bool holds(const double* x) const {
    return valid_ && std::memcmp(x, x_.data(), x_.size() * sizeof(double)) == 0;
  }
  // Starts a new entry at x; point() is x's copy from now on, holds() is false until commit().
  void begin(const double* x) {
    valid_ = false;
    std::copy(x, x + x_.size(), x_.begin());
  }
  void commit() { valid_ = true; }
  void invalidate() { valid_ = false; }
  const double* point() const { return x_.data(); }

 private:
  std::vector<double> x_;
  bool valid_ = false;
};

// Grows v to at least n elements (never shrinks, so steady-state calls do not allocate).
inline double* grow(std::vector<double>& v, Index n) {
  if (v.size() < static_cast<std::size_t>(n)) v.resize(static_cast<std::size_t>(n));
  return v.data();
}

inline double dot(const double* a, const double* b, Index n) {
  double s = 0.0;
  for (Index j = 0; j < n; ++j) s += a[j] * b[j];
  return s;
}

// out[j] = acc[j]/m + l2·w[j]: the averaged data term plus the gradient (or Hessian product) of (l2/2)‖w‖².
inline void finish_average(double* out, Index n, Index m, double l2, const double* w) {
  const double dm = static_cast<double>(m);
  for (Index j = 0; j < n; ++j) out[j] = out[j] / dm + l2 * w[j];
}

// (l2/2)‖x + t·d‖² and its t-derivative from ‖x‖², x·d, ‖d‖² stored once per line (O(1) per trial).
struct LineL2 {
  double l2 = 0.0, xx = 0.0, xd = 0.0, dd = 0.0;
  void reset(double l2_, const double* x, const double* d, Index n) {
    l2 = l2_;
    xx = dot(x, x, n);
    xd = dot(x, d, n);
    dd = dot(d, d, n);
  }
  double value(double t) const { return 0.5 * l2 * (xx + t * (2.0 * xd + t * dd)); }
  double slope(double t) const { return l2 * (xd + t * dd); }
};

// Threads-policy work units (core/threads.hpp counts multiply-adds): one exp + log1p costs about this many.
constexpr Index kLossWork = 24;

}  // namespace stepsearch::core
