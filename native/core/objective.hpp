// The interface every objective of the core implements (design.md §1, §4).
//
// Pointers are raw: x, v, d and out are arrays of dim() doubles owned by the caller. The core assumes its
// inputs were validated (the N-API binding does that); it never throws inside an OpenMP region.
//
// Caching contract (design.md §4): an implementation may reuse work from the last evaluation (for linear
// models the margins z = X·x) only when the point is bit-for-bit the same as the cached one; the reuse is
// keyed on the point, never on call order, and never returns a stale value.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace stepsearch::core {

using Index = std::int64_t;

// φ(t) = f(x + t·d) and φ'(t). For linear models reset() costs one pass over X (it computes X·d, and
// reuses X·x from the objective's cache); each trial after that is O(n) (LIBLINEAR's line search).
class LineFunction {
 public:
  virtual ~LineFunction() = default;
  // Copies x and d; later calls do not depend on the caller's arrays.
  virtual void reset(const double* x, const double* d) = 0;
  virtual double value(double t) = 0;
  // Returns φ(t) and writes φ'(t) to *slope.
  virtual double value_and_slope(double t, double* slope) = 0;
};

class Objective {
 public:
  virtual ~Objective() = default;

  virtual Index dim() const = 0;
  // Rows the objective averages over (the current mini-batch for a batch view); 0 if not a data objective.
  virtual Index num_samples() const = 0;

  virtual double value(const double* x) = 0;
  // The primary call: f(x), and ∇f(x) written to grad, in one pass over the data.
  virtual double value_and_gradient(const double* x, double* grad) = 0;
  virtual void gradient(const double* x, double* grad) { value_and_gradient(x, grad); }
  // out = ∇²f(x)·v.
  virtual void hess_vec(const double* x, const double* v, double* out) = 0;
  // out = diag ∇²f(x).
  virtual void hess_diag(const double* x, double* out) = 0;

  // A line function bound to this objective; allocate once, reset() per line search.
  virtual std::unique_ptr<LineFunction> make_line() = 0;

  // An independent objective over the same data (shared, not copied) with its own caches and scratch, so
  // that concurrent runs (async fits on worker threads) never share mutable state. nullptr if unsupported.
  virtual std::unique_ptr<Objective> clone() const { return nullptr; }

  // Mini-batch views (design.md §3 `batch(rows)`): a new objective that shares this one's data and averages
  // over a row subset. select_rows keeps the pointer (no copy): the caller keeps rows alive and unchanged
  // while the view is used. Row indices must be in [0, num rows of the full data).
  virtual bool supports_batches() const { return false; }
  virtual std::unique_ptr<Objective> make_batch_view() const {
    throw std::logic_error("this objective has no mini-batch views");
  }
  virtual void select_rows(const std::int32_t* rows, Index count) {
    throw std::logic_error("this objective has no mini-batch views");
  }
};

}  // namespace stepsearch::core
