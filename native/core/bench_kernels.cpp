#include "core/bench_kernels.hpp"

#include "core/dense_kernels.hpp"
#include "core/linear_model_common.hpp"
#include "core/losses.hpp"
#include "core/threads.hpp"

namespace stepsearch::core {

double stream_sum(const double* x, Index n) {
  RowReducer reducer;
  const PartialSums s = reducer.run(n, threads_for(n), 0, nullptr, [&](Index b, Index e, int, double*) {
    PartialSums p;
    p.first.add(dense_sum(x + b, e - b));
    return p;
  });
  return s.first.value();
}

double TwoPassLogistic::value_and_gradient(const double* w, double* grad) {
  const Index m = X_.rows;
  const Index work = stored_entries(X_);
  double* z = grow(z_, m);
  double* r = grow(r_, m);
  const auto ahead = [&](Index i, Index e) { return rows_ahead_ > 0 && i + rows_ahead_ < e ? i + rows_ahead_ : kNoRow; };
  const PartialSums s = reducer_.run(m, threads_for(work), 0, nullptr, [&](Index b, Index e, int, double*) {
    PartialSums p;
    for (Index i = b; i < e; ++i) z[i] = row_dot(X_, i, w, ahead(i, e));
    LogisticLoss::sum_values_and_slopes(z, b_, nullptr, b, e, &p.first, r + b);  // the fused pass's loss kernel
    return p;
  });
  reducer_.run(m, threads_for(work), X_.cols, grad, [&](Index b, Index e, int, double* acc) {
    for (Index i = b; i < e; ++i) row_axpy(X_, i, r[i], acc, ahead(i, e));
    return PartialSums{};
  });
  finish_average(grad, X_.cols, m, l2_, w);
  return s.first.mean(m) + 0.5 * l2_ * dot(w, w, X_.cols);
}

}  // namespace stepsearch::core
