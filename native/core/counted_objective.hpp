// Counts every oracle call a method makes (spec §0, §2.11); mirrors lib/optimizers/oracle.ts. Methods get
// this wrapper, never the raw objective, so counting lives in one place.
#pragma once
#include <atomic>
#include <memory>

#include "core/objective.hpp"
#include "core/result.hpp"

namespace stepsearch::core {

class CountedObjective;

// A counted line function: value(t) is one f call, value_and_slope(t) one f and one g call.
class CountedLine {
 public:
  CountedLine(CountedObjective& owner, std::unique_ptr<LineFunction> line) : owner_(owner), line_(std::move(line)) {}
  void reset(const double* x, const double* d) { line_->reset(x, d); }
  double value(double t);
  double value_and_slope(double t, double* slope);

 private:
  CountedObjective& owner_;
  std::unique_ptr<LineFunction> line_;
};

class CountedObjective {
 public:
  // cancel (optional) is polled by methods inside long inner loops (CG, line searches).
  explicit CountedObjective(Objective& f, const std::atomic<bool>* cancel = nullptr) : f_(f), cancel_(cancel) {}

  Index dim() const { return f_.dim(); }
  Objective& raw() { return f_; }

  double value(const double* x) {
    ++counts.nfev;
    return f_.value(x);
  }
  double value_and_gradient(const double* x, double* g) {
    ++counts.nfev;
    ++counts.ngev;
    return f_.value_and_gradient(x, g);
  }
  void gradient(const double* x, double* g) {
    ++counts.ngev;
    f_.gradient(x, g);
  }
  void hess_vec(const double* x, const double* v, double* out) {
    ++counts.nhvp;
    f_.hess_vec(x, v, out);
  }
  void hess_diag(const double* x, double* out) {
    ++counts.nhdiag;
    f_.hess_diag(x, out);
  }
  CountedLine make_line() { return CountedLine(*this, f_.make_line()); }

  bool cancelled() const { return cancel_ != nullptr && cancel_->load(std::memory_order_relaxed); }

  Counts counts;

 private:
  Objective& f_;
  const std::atomic<bool>* cancel_;
};

inline double CountedLine::value(double t) {
  ++owner_.counts.nfev;
  return line_->value(t);
}
inline double CountedLine::value_and_slope(double t, double* slope) {
  ++owner_.counts.nfev;
  ++owner_.counts.ngev;
  return line_->value_and_slope(t, slope);
}

}  // namespace stepsearch::core
