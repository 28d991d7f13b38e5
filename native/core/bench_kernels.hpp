// Kernels that exist only for bench/kernels.mjs (exported by the binding under underscore names): the
// bandwidth floor and the two-pass baseline the fused objectives are measured against.
#pragma once
#include <vector>

#include "core/data_matrix.hpp"
#include "core/objective.hpp"
#include "core/row_reducer.hpp"

namespace stepsearch::core {

// Σ x[i] with thread_count() threads (contiguous blocks, summed in order): one streaming read of x.
double stream_sum(const double* x, Index n);

// Logistic value and gradient over all rows of CSR data in TWO passes, the textbook way: z = X·w (pass 1),
// r = σ(z) − b, then g = Xᵀr (pass 2). Same threading, accumulators and vectorized loss kernel as the fused
// LinearModel (and its prefetching, data_matrix.hpp), so the comparison isolates the second read of X.
class TwoPassLogistic {
 public:
  TwoPassLogistic(const CsrView& X, const double* b, double l2)
      : X_(X), b_(b), l2_(l2), rows_ahead_(prefetch_rows(X)) {}
  double value_and_gradient(const double* w, double* grad);

 private:
  CsrView X_;
  const double* b_;
  double l2_;
  Index rows_ahead_;
  std::vector<double> z_, r_;
  RowReducer reducer_;
};

}  // namespace stepsearch::core
