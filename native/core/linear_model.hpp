// Binary linear models f(w) = (1/m) Σ_{i∈rows} ℓ(x_i·w, y_i) + (l2/2)‖w‖² over dense or CSR data
// (team rules "Objective definitions"; spec §3.2): logistic (y ∈ {0,1}) and least squares.
//
// Every kernel is one fused pass over the selected rows: for row i the margin z_i = x_i·w, the loss and its
// slope r_i, and the update g += r_i·x_i, while the row is still in cache. The pass is split over threads by
// RowReducer (deterministic for a given thread count). The margins z of the last point are kept (PointCache):
// value, gradient, hess_vec and hess_diag at a bit-identical x reuse them, and logistic Hessian weights
// σ(z)(1−σ(z)) are kept beside them for repeated Hessian products (Newton-CG).
//
// Scratch (margins, weights, per-thread gradients) is allocated on first use and only ever grows: no call
// allocates memory proportional to n in the steady state. Not thread-safe: one caller at a time per object
// (mini-batch views own their own scratch and may be used concurrently with their parent).
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/data_matrix.hpp"
#include "core/linear_model_common.hpp"
#include "core/losses.hpp"
#include "core/objective.hpp"
#include "core/row_reducer.hpp"
#include "core/threads.hpp"

namespace stepsearch::core {

template <class Matrix, class Loss>
class LinearLine;

template <class Matrix, class Loss>
class LinearModel final : public Objective {
 public:
  // X and y (length X.rows) are borrowed and must outlive the objective and its views.
  LinearModel(const Matrix& X, const double* y, double l2)
      : X_(X), y_(y), l2_(l2), cache_(X.cols), sel_{nullptr, X.rows} {
    work_per_row_ = std::max<Index>(1, X.rows > 0 ? stored_entries(X) / X.rows : 1);
    rows_ahead_ = prefetch_rows(X);
  }

  Index dim() const override { return X_.cols; }
  Index num_samples() const override { return sel_.count; }

  double value(const double* x) override {
    const Index m = sel_.count;
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m);
    const Index work = hit ? m * kLossWork : m * (work_per_row_ + kLossWork);
    const Index chunk = chunk_rows();
    const bool long_rows = work_per_row_ >= kLongRow;  // as value_and_gradient, so that both round alike
    const PartialSums s = reducer_.run(m, threads_for(work), 0, nullptr, [&](Index b, Index e, int, double*) {
      PartialSums p;
      if (long_rows) {
        if (hit) {
          for (Index r = b; r < e; ++r) p.first.add(Loss::value(z[r], y_[sel_[r]]));
          return p;
        }
        long_row_groups(b, e, nullptr, [&](Index r, Index i, int, Index ahead) { z[r] = row_dot(X_, i, w, ahead); },
                        [&](Index r, Index i, int) { p.first.add(Loss::value(z[r], y_[i])); return 0.0; });
        return p;
      }
      for (Index c = b; c < e; c += chunk) {
        const Index ce = std::min(e, c + chunk);
        if (!hit)
          chunk_margins(c, ce, e, w, z);
        Loss::sum_values(z, y_, sel_.rows, c, ce, &p.first);
      }
      return p;
    });
    if (!hit) commit_margins();
    return s.first.mean(m) + 0.5 * l2_ * dot(w, w, X_.cols);
  }

  // Short rows go in chunks: margins of the chunk, then its losses and slopes in one vectorized call, then
  // the gradient updates while the chunk's rows are still in cache (chunk_rows keeps them within ~32 KB):
  // on CSR rows of ~50 entries the scalar exp/log1p per row had cost ~20% of the pass. Long rows (dense
  // d = 200) keep the scalar loss, in groups of 8 rows (long_row_groups): there the loss is a small part of
  // a row's work, and chunks of the vectorized loss made the pass 1.3x slower (AMD EPYC) by leaving the
  // memory stream idle during each chunk's updates.
  double value_and_gradient(const double* x, double* grad) override {
    const Index m = sel_.count;
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m);
    const Index work = m * ((hit ? 1 : 2) * work_per_row_ + kLossWork);
    const Index chunk = chunk_rows();
    const bool long_rows = work_per_row_ >= kLongRow;
    const PartialSums s = reducer_.run(m, threads_for(work), X_.cols, grad, [&](Index b, Index e, int, double* acc) {
      PartialSums p;
      if (long_rows) {
        if (hit) {
          // Margins cached: the pass is the row updates alone, row by row (in groups of four rows through
          // rows_axpy4 it ran 1.1x slower on the Intel Xeon host).
          for (Index r = b; r < e; ++r) {
            const Index i = sel_[r];
            double slope;
            p.first.add(Loss::value_and_slope(z[r], y_[i], &slope));
            row_axpy(X_, i, slope, acc, row_ahead(r, e));
          }
          return p;
        }
        long_row_groups(b, e, acc, [&](Index r, Index i, int, Index ahead) { z[r] = row_dot(X_, i, w, ahead); },
                        [&](Index r, Index i, int) {
                          double slope;
                          p.first.add(Loss::value_and_slope(z[r], y_[i], &slope));
                          return slope;
                        });
        return p;
      }
      double slopes[kMaxChunk];
      for (Index c = b; c < e; c += chunk) {
        const Index ce = std::min(e, c + chunk);
        if (!hit)
          chunk_margins(c, ce, e, w, z);
        Loss::sum_values_and_slopes(z, y_, sel_.rows, c, ce, &p.first, slopes);
        Index r = c;
        for (; r + 4 <= ce; r += 4) {
          const Index rows4[4] = {sel_[r], sel_[r + 1], sel_[r + 2], sel_[r + 3]};
          rows_axpy4(X_, rows4, slopes + (r - c), acc);
        }
        for (; r < ce; ++r) row_axpy(X_, sel_[r], slopes[r - c], acc);
      }
      return p;
    });
    if (!hit) commit_margins();
    finish_average(grad, X_.cols, m, l2_, w);
    return s.first.mean(m) + 0.5 * l2_ * dot(w, w, X_.cols);
  }

  // out = (1/m) Xᵀ D X v + l2·v with D_ii = ℓ''(z_i): one pass, a_i = x_i·v then out += D_ii a_i x_i.
  void hess_vec(const double* x, const double* v, double* out) override {
    const Index m = sel_.count;
    const Index n = X_.cols;
    if (aliases(out, v, n)) {  // the accumulation writes out while reading v
      double* copy = grow(v_copy_, n);
      std::copy(v, v + n, copy);
      v = copy;
    }
    if constexpr (Loss::kConstantCurvature) {
      const double c = Loss::curvature(0.0, 0.0);
      const bool long_rows = work_per_row_ >= kLongRow;
      reducer_.run(m, threads_for(2 * m * work_per_row_), n, out, [&](Index b, Index e, int, double* acc) {
        if (long_rows) {
          double dots_v[kRowGroup];  // x_i·v of a group's rows
          long_row_groups(b, e, acc, [&](Index, Index i, int k, Index ahead) { dots_v[k] = row_dot(X_, i, v, ahead); },
                          [&](Index, Index, int k) { return c * dots_v[k]; });
          return PartialSums{};
        }
        for (Index r = b; r < e; ++r) {
          const Index i = sel_[r];
          row_axpy(X_, i, c * row_dot(X_, i, v, row_ahead(r, e)), acc);
        }
        return PartialSums{};
      });
    } else {
      const Mode mode = prepare_curvature(x);
      const double* w = cache_.point();
      double* z = z_.data();
      double* dw = curv_.data();
      const Index work = m * ((mode == Mode::kCompute ? 3 : 2) * work_per_row_ + (mode == Mode::kReuse ? 0 : kLossWork));
      const bool long_rows = work_per_row_ >= kLongRow;
      const Index chunk = chunk_rows();
      reducer_.run(m, threads_for(work), n, out, [&](Index b, Index e, int, double* acc) {
        // The weights come from a vectorized pass over margins (one Loss::curvature at a time waited on the
        // exponential's latency: 1.2x slower products at d = 100), except for long rows at a new point,
        // where each row's weight is needed while its row is in cache.
        if (mode == Mode::kFromMargins) Loss::curvatures(z, b, e, dw);
        double dots_v[kRowGroup];  // x_i·v of a group's rows
        if (mode != Mode::kCompute && long_rows) {
          long_row_groups(b, e, acc, [&](Index, Index i, int k, Index ahead) { dots_v[k] = row_dot(X_, i, v, ahead); },
                          [&](Index r, Index, int k) { return dw[r] * dots_v[k]; });
        } else if (mode != Mode::kCompute) {
          for (Index r = b; r < e; ++r) {
            const Index i = sel_[r];
            row_axpy(X_, i, dw[r] * row_dot(X_, i, v, row_ahead(r, e)), acc);
          }
        } else if (long_rows) {
          long_row_groups(b, e, acc, [&](Index r, Index i, int k, Index ahead) { z[r] = row_dot2(X_, i, w, v, &dots_v[k], ahead); },
                          [&](Index r, Index i, int k) {
                            dw[r] = Loss::curvature(z[r], y_[i]);
                            return dw[r] * dots_v[k];
                          });
        } else {
          double a[kMaxChunk];
          for (Index c = b; c < e; c += chunk) {
            const Index ce = std::min(e, c + chunk);
            for (Index r = c; r < ce; ++r) z[r] = row_dot2(X_, sel_[r], w, v, &a[r - c], row_ahead(r, e));
            Loss::curvatures(z, c, ce, dw);
            for (Index r = c; r < ce; ++r) row_axpy(X_, sel_[r], dw[r] * a[r - c], acc);
          }
        }
        return PartialSums{};
      });
      commit_curvature(mode);
    }
    finish_average(out, n, m, l2_, v);
  }

  // out_j = (1/m) Σ_i ℓ''(z_i) x_ij² + l2.
  void hess_diag(const double* x, double* out) override {
    const Index m = sel_.count;
    const Index n = X_.cols;
    if constexpr (Loss::kConstantCurvature) {
      const double c = Loss::curvature(0.0, 0.0);
      reducer_.run(m, threads_for(m * work_per_row_), n, out, [&](Index b, Index e, int, double* acc) {
        for (Index r = b; r < e; ++r) row_sq_axpy(X_, sel_[r], c, acc);
        return PartialSums{};
      });
    } else {
      const Mode mode = prepare_curvature(x);
      const double* w = cache_.point();
      double* z = z_.data();
      double* dw = curv_.data();
      const Index work = m * ((mode == Mode::kCompute ? 2 : 1) * work_per_row_ + (mode == Mode::kReuse ? 0 : kLossWork));
      const Index chunk = chunk_rows();
      reducer_.run(m, threads_for(work), n, out, [&](Index b, Index e, int, double* acc) {
        // Weights by the vectorized pass, a chunk at a time at a new point (as hess_vec).
        for (Index c = b; c < e; c += chunk) {
          const Index ce = std::min(e, c + chunk);
          if (mode == Mode::kCompute)
            for (Index r = c; r < ce; ++r) z[r] = row_dot(X_, sel_[r], w, row_ahead(r, e));
          if (mode != Mode::kReuse) Loss::curvatures(z, c, ce, dw);
          for (Index r = c; r < ce; ++r) row_sq_axpy(X_, sel_[r], dw[r], acc);
        }
        return PartialSums{};
      });
      commit_curvature(mode);
    }
    const double dm = static_cast<double>(m);
    for (Index j = 0; j < n; ++j) out[j] = out[j] / dm + l2_;
  }

  std::unique_ptr<LineFunction> make_line() override { return std::make_unique<LinearLine<Matrix, Loss>>(*this); }

  // Same data and row selection, fresh caches and scratch (for concurrent runs).
  std::unique_ptr<Objective> clone() const override {
    auto c = std::make_unique<LinearModel>(X_, y_, l2_);
    c->sel_ = sel_;
    return c;
  }

  bool supports_batches() const override { return true; }
  // A view over the same data, initially averaging over all rows until select_rows is called.
  std::unique_ptr<Objective> make_batch_view() const override {
    return std::make_unique<LinearModel>(X_, y_, l2_);
  }
  void select_rows(const std::int32_t* rows, Index count) override {
    sel_ = RowSelection{rows, count};
    cache_.invalidate();
    curv_valid_ = false;
  }

 private:
  friend class LinearLine<Matrix, Loss>;

  // How the Hessian weights at x are obtained: reused, derived from cached margins, or computed with them.
  enum class Mode { kReuse, kFromMargins, kCompute };

  Mode prepare_curvature(const double* x) {
    const Index m = sel_.count;
    grow(z_, m);
    grow(curv_, m);
    if (cache_.holds(x)) return curv_valid_ ? Mode::kReuse : Mode::kFromMargins;
    cache_.begin(x);
    curv_valid_ = false;
    return Mode::kCompute;
  }
  void commit_curvature(Mode mode) {
    if (mode == Mode::kCompute) cache_.commit();
    curv_valid_ = true;
  }
  void commit_margins() {
    cache_.commit();
    curv_valid_ = false;
  }
  static bool aliases(const double* a, const double* b, Index n) { return a < b + n && b < a + n; }

  // z[r] = x_i · w for the selected rows r ∈ [c, ce) of the block [b, e), two rows at a time (each rounded
  // as row_dot), prefetching ahead within the block.
  void chunk_margins(Index c, Index ce, Index e, const double* w, double* z) const {
    Index r = c;
    for (; r + 2 <= ce; r += 2) {
      const Index rows2[2] = {sel_[r], sel_[r + 1]};
      const Index ahead2[2] = {row_ahead(r, e), row_ahead(r + 1, e)};
      rows_dot2(X_, rows2, w, z + r, ahead2);
    }
    if (r < ce) z[r] = row_dot(X_, sel_[r], w, row_ahead(r, e));
  }

  // Rows per chunk of value / value_and_gradient: enough for the vector loss kernel, few enough that the
  // chunk's stored entries (~12 bytes each) stay in L1/L2 for the second touch (the gradient update).
  static constexpr Index kMaxChunk = 256;
  static constexpr Index kLongRow = 128;  // stored entries per row from which the passes use long_row_groups
  static constexpr int kRowGroup = 8;      // rows per group of long_row_groups (a multiple of 4)

  Index chunk_rows() const { return std::clamp<Index>(32768 / (12 * work_per_row_), 8, kMaxChunk); }

  // The data row that position r's kernel prefetches (data_matrix.hpp): the one rows_ahead_ positions later
  // in [r, e), ~4 KB ahead (the distance that ran fastest, dense_kernels.hpp), or none near the block's end.
  Index row_ahead(Index r, Index e) const {
    return rows_ahead_ > 0 && r + rows_ahead_ < e ? sel_[r + rows_ahead_] : kNoRow;
  }

  // Rows [b, e) with long rows, in groups of kRowGroup: first the dot products of the whole group
  // (dots(r, i, k) for position r, data row i = sel_[r], slot k ∈ [0, kRowGroup)), then each row's scalar
  // work in row order (coef(r, i, k) returns the row's update multiplier), then the updates four rows at a
  // time into acc (none when acc is null). Row by row, each row's exp/log1p waited on its own dot product's add chain, and the
  // next rows' loads could not start while both were in flight. Dense logistic 2e5×200 on the Intel Xeon
  // host (one process, interleaved): value+gradient at a new point 52 → 35 ms at one thread (the streaming
  // read of X takes 30 ms) and 28 → 19 ms at two (16 ms); groups of 4 rows gave 38 and 19.5 ms, 16 or 32 no
  // more than 8. (On the AMD EPYC host of earlier measurements, two rows' margins paired through dense_dot2
  // had run 1.4x slower than row by row; these groups have not been measured there.) The results are the
  // row-by-row bits: the same kernels, scalar work in row order, and rows_axpy4 rounds as four row_axpy
  // calls in row order.
  template <class Dots, class Coef>
  void long_row_groups(Index b, Index e, double* acc, Dots&& dots, Coef&& coef) {
    Index r = b;
    for (; r + kRowGroup <= e; r += kRowGroup) {
      Index rows[kRowGroup];
      double alpha[kRowGroup];
      for (int k = 0; k < kRowGroup; ++k) dots(r + k, rows[k] = sel_[r + k], k, row_ahead(r + k, e));
      for (int k = 0; k < kRowGroup; ++k) alpha[k] = coef(r + k, rows[k], k);
      if (acc)
        for (int k = 0; k < kRowGroup; k += 4) rows_axpy4(X_, rows + k, alpha + k, acc);
    }
    for (; r < e; ++r) {
      const Index i = sel_[r];
      dots(r, i, 0, row_ahead(r, e));
      const double alpha = coef(r, i, 0);
      if (acc) row_axpy(X_, i, alpha, acc);
    }
  }

  Matrix X_;
  const double* y_;
  double l2_;
  Index work_per_row_ = 1;  // stored entries per row: multiply-adds of one row pass
  Index rows_ahead_ = 0;    // prefetch distance in rows (row_ahead; 0: none)
  PointCache cache_;
  RowSelection sel_;
  std::vector<double> z_;     // margins x_i·w at cache_.point(), per selected row
  std::vector<double> curv_;  // ℓ''(z_i), valid when curv_valid_ (and the cache holds the point)
  bool curv_valid_ = false;
  std::vector<double> v_copy_;  // hess_vec input when it aliases the output
  RowReducer reducer_;
};

// φ(t) = f(x + t·d) for a LinearModel (LIBLINEAR's line search): reset computes q = X·d in one pass (and
// z = X·x in the same pass unless the model's cache holds x); each trial is then O(m):
//   φ(t)  = (1/m) Σ ℓ(z_i + t q_i) + (l2/2)(‖x‖² + 2t x·d + t²‖d‖²)
//   φ'(t) = (1/m) Σ ℓ'(z_i + t q_i) q_i + l2 (x·d + t‖d‖²).
// The line snapshots the model's row selection at reset; it reads the model's data, not its cache, afterwards.
// Its margins are in the form the loss's sum_line takes (Loss::line_margins: the logistic folds the label's
// sign into them).
template <class Matrix, class Loss>
class LinearLine final : public LineFunction {
 public:
  explicit LinearLine(const LinearModel<Matrix, Loss>& model) : model_(model) {}

  void reset(const double* x, const double* d) override {
    const auto& M = model_;
    sel_ = M.sel_;
    const Index m = sel_.count;
    double* z = grow(z_, m);
    double* q = grow(q_, m);
    const bool hit = M.cache_.holds(x);
    if (hit) std::copy(M.z_.data(), M.z_.data() + m, z);
    reducer_.run(m, threads_for(m * (hit ? 1 : 2) * M.work_per_row_), 0, nullptr, [&](Index b, Index e, int, double*) {
      for (Index r = b; r < e; ++r) {
        const Index i = sel_[r];
        const Index ahead = M.row_ahead(r, e);
        if (hit)
          q[r] = row_dot(M.X_, i, d, ahead);
        else
          z[r] = row_dot2(M.X_, i, x, d, &q[r], ahead);
        Loss::line_margins(M.y_[i], &z[r], &q[r]);
      }
      return PartialSums{};
    });
    l2_.reset(M.l2_, x, d, M.X_.cols);
  }

  double value(double t) override {
    const Index m = sel_.count;
    const double* z = z_.data();
    const double* q = q_.data();
    const double* y = model_.y_;
    const PartialSums s = reducer_.run(m, threads_for(m * kLossWork), 0, nullptr, [&](Index b, Index e, int, double*) {
      PartialSums p;
      Loss::sum_line(z, q, y, sel_.rows, b, e, t, &p.first, nullptr);
      return p;
    });
    return s.first.mean(m) + l2_.value(t);
  }

  double value_and_slope(double t, double* slope) override {
    const Index m = sel_.count;
    const double* z = z_.data();
    const double* q = q_.data();
    const double* y = model_.y_;
    const PartialSums s = reducer_.run(m, threads_for(m * kLossWork), 0, nullptr, [&](Index b, Index e, int, double*) {
      PartialSums p;
      Loss::sum_line(z, q, y, sel_.rows, b, e, t, &p.first, &p.second);
      return p;
    });
    *slope = s.second.mean(m) + l2_.slope(t);
    return s.first.mean(m) + l2_.value(t);
  }

 private:
  const LinearModel<Matrix, Loss>& model_;
  RowSelection sel_;
  std::vector<double> z_, q_;
  LineL2 l2_;
  RowReducer reducer_;
};

}  // namespace stepsearch::core
