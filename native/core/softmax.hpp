// Multinomial logistic regression (softmax cross-entropy) over dense or CSR data (team rules "Objective
// definitions"; spec §3.2 for the stable log-sum-exp):
//   f(W) = (1/m) Σ_{i∈rows} [logsumexp(s_i) − s_{i,y_i}] + (l2/2)‖W‖²,   s_ik = Σ_j x_ij W[j*K + k],
// with W feature-major (W[j*K + k] is the weight of feature j for class k) so one row's update touches K
// adjacent parameters per stored entry.
//
// Same structure as LinearModel (linear_model.hpp): one fused pass per evaluation, scores of the last point
// cached (m·K doubles) and keyed on the point, deterministic row-parallel reductions, scratch that only grows.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/data_matrix.hpp"
#include "core/linear_model_common.hpp"
#include "core/objective.hpp"
#include "core/row_reducer.hpp"
#include "core/stable_math.hpp"
#include "core/threads.hpp"

namespace stepsearch::core {

template <class Matrix>
class SoftmaxLine;

template <class Matrix>
class SoftmaxModel final : public Objective {
 public:
  // X and labels (length X.rows, integers 0..classes−1 stored as doubles) are borrowed.
  SoftmaxModel(const Matrix& X, const double* labels, Index classes, double l2)
      : X_(X), y_(labels), K_(classes), l2_(l2), cache_(X.cols * classes), sel_{nullptr, X.rows} {
    work_per_row_ = std::max<Index>(1, X.rows > 0 ? stored_entries(X) / X.rows : 1) * K_;
  }

  Index dim() const override { return X_.cols * K_; }
  Index num_samples() const override { return sel_.count; }

  double value(const double* x) override {
    const Index m = sel_.count;
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m * K_);
    const int threads = threads_for(m * ((hit ? 0 : work_per_row_) + K_ * kLossWork));
    const PartialSums s = reducer_.run(m, threads, 0, nullptr, [&](Index b, Index e, int, double*) {
      PartialSums p;
      for (Index r = b; r < e; ++r) {
        const Index i = sel_[r];
        double* si = z + r * K_;
        if (!hit) scores(i, w, si);
        p.first.add(log_sum_exp(si, K_) - si[label(i)]);
      }
      return p;
    });
    if (!hit) cache_.commit();
    return s.first.mean(m) + 0.5 * l2_ * dot(w, w, dim());
  }

  double value_and_gradient(const double* x, double* grad) override {
    const Index m = sel_.count;
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m * K_);
    const int threads = threads_for(m * ((hit ? 1 : 2) * work_per_row_ + K_ * kLossWork));
    double* scratch = grow(row_scratch_, threads * K_);
    const PartialSums s = reducer_.run(m, threads, dim(), grad, [&](Index b, Index e, int tid, double* acc) {
      PartialSums p;
      double* res = scratch + tid * K_;
      for (Index r = b; r < e; ++r) {
        const Index i = sel_[r];
        double* si = z + r * K_;
        if (!hit) scores(i, w, si);
        const Index yi = label(i);
        p.first.add(softmax_and_lse(si, K_, res) - si[yi]);
        res[yi] -= 1.0;  // residual p − e_y
        scatter(i, res, acc);
      }
      return p;
    });
    if (!hit) cache_.commit();
    finish_average(grad, dim(), m, l2_, w);
    return s.first.mean(m) + 0.5 * l2_ * dot(w, w, dim());
  }

  // Per row, with p = softmax(s_i) and t_k = Σ_j x_ij v[j*K+k]: u = p⊙t − p·(p·t), out[j*K+k] += x_ij u_k;
  // then out = out/m + l2·v.
  void hess_vec(const double* x, const double* v, double* out) override {
    const Index m = sel_.count;
    const Index n = dim();
    if (v < out + n && out < v + n) {  // the accumulation writes out while reading v
      double* copy = grow(v_copy_, n);
      std::copy(v, v + n, copy);
      v = copy;
    }
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m * K_);
    const int threads = threads_for(m * ((hit ? 2 : 3) * work_per_row_ + K_ * kLossWork));
    double* scratch = grow(row_scratch_, 2 * threads * K_);
    reducer_.run(m, threads, n, out, [&](Index b, Index e, int tid, double* acc) {
      double* p = scratch + 2 * tid * K_;
      double* t = p + K_;
      for (Index r = b; r < e; ++r) {
        const Index i = sel_[r];
        double* si = z + r * K_;
        if (hit)
          scores(i, v, t);
        else
          scores2(i, w, v, si, t);
        softmax_and_lse(si, K_, p);
        double pt = 0.0;
        for (Index k = 0; k < K_; ++k) pt += p[k] * t[k];
        for (Index k = 0; k < K_; ++k) t[k] = p[k] * (t[k] - pt);
        scatter(i, t, acc);
      }
      return PartialSums{};
    });
    if (!hit) cache_.commit();
    finish_average(out, n, m, l2_, v);
  }

  // out[j*K+k] = (1/m) Σ_i x_ij² p_ik(1 − p_ik) + l2.
  void hess_diag(const double* x, double* out) override {
    const Index m = sel_.count;
    const Index n = dim();
    const bool hit = cache_.holds(x);
    if (!hit) cache_.begin(x);
    const double* w = cache_.point();
    double* z = grow(z_, m * K_);
    const int threads = threads_for(m * ((hit ? 1 : 2) * work_per_row_ + K_ * kLossWork));
    double* scratch = grow(row_scratch_, threads * K_);
    reducer_.run(m, threads, n, out, [&](Index b, Index e, int tid, double* acc) {
      double* c = scratch + tid * K_;
      for (Index r = b; r < e; ++r) {
        const Index i = sel_[r];
        double* si = z + r * K_;
        if (!hit) scores(i, w, si);
        softmax_and_lse(si, K_, c);
        for (Index k = 0; k < K_; ++k) c[k] *= 1.0 - c[k];
        for_row_entries(X_, i, [&](Index j, double xij) {
          double* oj = acc + j * K_;
          const double x2 = xij * xij;
          for (Index k = 0; k < K_; ++k) oj[k] += x2 * c[k];
        });
      }
      return PartialSums{};
    });
    if (!hit) cache_.commit();
    const double dm = static_cast<double>(m);
    for (Index j = 0; j < n; ++j) out[j] = out[j] / dm + l2_;
  }

  std::unique_ptr<LineFunction> make_line() override { return std::make_unique<SoftmaxLine<Matrix>>(*this); }

  // Same data and row selection, fresh caches and scratch (for concurrent runs).
  std::unique_ptr<Objective> clone() const override {
    auto c = std::make_unique<SoftmaxModel>(X_, y_, K_, l2_);
    c->sel_ = sel_;
    return c;
  }

  bool supports_batches() const override { return true; }
  // A view over the same data, initially averaging over all rows until select_rows is called.
  std::unique_ptr<Objective> make_batch_view() const override {
    return std::make_unique<SoftmaxModel>(X_, y_, K_, l2_);
  }
  void select_rows(const std::int32_t* rows, Index count) override {
    sel_ = RowSelection{rows, count};
    cache_.invalidate();
  }

 private:
  friend class SoftmaxLine<Matrix>;

  Index label(Index i) const { return static_cast<Index>(y_[i]); }

  // s_k = Σ_j x_ij w[j*K + k]
  void scores(Index i, const double* w, double* s) const {
    std::fill(s, s + K_, 0.0);
    for_row_entries(X_, i, [&](Index j, double xij) {
      const double* wj = w + j * K_;
      for (Index k = 0; k < K_; ++k) s[k] += xij * wj[k];
    });
  }
  // Scores of two parameter vectors in one read of the row.
  void scores2(Index i, const double* w, const double* v, double* s, double* t) const {
    std::fill(s, s + K_, 0.0);
    std::fill(t, t + K_, 0.0);
    for_row_entries(X_, i, [&](Index j, double xij) {
      const double* wj = w + j * K_;
      const double* vj = v + j * K_;
      for (Index k = 0; k < K_; ++k) {
        s[k] += xij * wj[k];
        t[k] += xij * vj[k];
      }
    });
  }
  // acc[j*K + k] += x_ij c_k
  void scatter(Index i, const double* c, double* acc) const {
    for_row_entries(X_, i, [&](Index j, double xij) {
      double* aj = acc + j * K_;
      for (Index k = 0; k < K_; ++k) aj[k] += xij * c[k];
    });
  }

  Matrix X_;
  const double* y_;
  Index K_;
  double l2_;
  Index work_per_row_ = 1;  // multiply-adds of one row pass (stored entries × K)
  PointCache cache_;
  RowSelection sel_;
  std::vector<double> z_;            // scores s_i at cache_.point(), m × K
  std::vector<double> row_scratch_;  // per-thread K-vectors
  std::vector<double> v_copy_;
  RowReducer reducer_;
};

// φ(t) = f(W + t·D) for softmax: reset computes Q = X·D (m × K scores of D) once, each trial is O(m·K):
//   φ(t) = (1/m) Σ_i [logsumexp(s_i + t q_i) − (s_{i,y} + t q_{i,y})] + (l2/2)‖W + tD‖²,
//   φ'(t) = (1/m) Σ_i Σ_k (p_ik(t) − [k = y_i]) q_ik + l2 (W·D + t‖D‖²).
template <class Matrix>
class SoftmaxLine final : public LineFunction {
 public:
  explicit SoftmaxLine(const SoftmaxModel<Matrix>& model) : model_(model) {}

  void reset(const double* x, const double* d) override {
    const auto& M = model_;
    const Index K = M.K_;
    sel_ = M.sel_;
    const Index m = sel_.count;
    double* z = grow(z_, m * K);
    double* q = grow(q_, m * K);
    const bool hit = M.cache_.holds(x);
    if (hit) std::copy(M.z_.data(), M.z_.data() + m * K, z);
    reducer_.run(m, threads_for(m * (hit ? 1 : 2) * M.work_per_row_), 0, nullptr, [&](Index b, Index e, int, double*) {
      for (Index r = b; r < e; ++r) {
        if (hit)
          M.scores(sel_[r], d, q + r * K);
        else
          M.scores2(sel_[r], x, d, z + r * K, q + r * K);
      }
      return PartialSums{};
    });
    l2_.reset(M.l2_, x, d, M.dim());
  }

  double value(double t) override {
    return trial(t, nullptr);
  }

  double value_and_slope(double t, double* slope) override { return trial(t, slope); }

 private:
  double trial(double t, double* slope) {
    const Index K = model_.K_;
    const Index m = sel_.count;
    const double* z = z_.data();
    const double* q = q_.data();
    const int threads = threads_for(m * K * kLossWork);
    double* scratch = grow(scratch_, 2 * threads * K);
    const PartialSums s = reducer_.run(m, threads, 0, nullptr, [&](Index b, Index e, int tid, double*) {
      PartialSums part;
      double* u = scratch + 2 * tid * K;
      double* p = u + K;
      for (Index r = b; r < e; ++r) {
        const Index y = model_.label(sel_[r]);
        const double* zr = z + r * K;
        const double* qr = q + r * K;
        for (Index k = 0; k < K; ++k) u[k] = zr[k] + t * qr[k];
        if (slope == nullptr) {
          part.first.add(log_sum_exp(u, K) - u[y]);
        } else {
          part.first.add(softmax_and_lse(u, K, p) - u[y]);
          double sl = -qr[y];
          for (Index k = 0; k < K; ++k) sl += p[k] * qr[k];
          part.second.add(sl);
        }
      }
      return part;
    });
    if (slope != nullptr) *slope = s.second.mean(m) + l2_.slope(t);
    return s.first.mean(m) + l2_.value(t);
  }

  const SoftmaxModel<Matrix>& model_;
  RowSelection sel_;
  std::vector<double> z_, q_;  // m × K
  std::vector<double> scratch_;
  LineL2 l2_;
  RowReducer reducer_;
};

// Instantiated once, in softmax.cpp.
extern template class SoftmaxModel<DenseView>;
extern template class SoftmaxModel<CsrView>;

}  // namespace stepsearch::core
