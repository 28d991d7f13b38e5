#include "core/newton.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/line_search.hpp"
#include "core/newton_cg.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

using Matrix = Eigen::MatrixXd;

// Line for line with Newton in lib/optimizers/newton.ts. The factorization is Eigen's LLT (pivot-free
// Cholesky; it fails when a pivot is ≤ 0, the test of choleskyInPlace in TS).
class Newton final : public Method {
 public:
  Newton(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        h_(x0.size(), x0.size()),
        shifted_(x0.size(), x0.size()),
        llt_(x0.size()),
        col_(x0.size()),
        unit_(Vector::Zero(x0.size())),
        s_dir_(x0.size()),
        line_(oracle.make_line()) {
    ls_.max_trials = static_cast<int>(s.integer("maxLineSearchSteps", kDefaultMaxLineSearchSteps, 1, 1000));
  }

  StepOutcome step() override {
    const Index n = x_.size();
    // H, one column per product, then symmetrized.
    for (Index j = 0; j < n; ++j) {
      if (oracle_.cancelled()) return StepOutcome::stopped(Status::kAborted, "aborted");
      unit_[j] = 1;
      oracle_.hess_vec(x_.data(), unit_.data(), col_.data());
      unit_[j] = 0;
      h_.col(j) = col_;
    }
    for (Index i = 0; i < n; ++i) {
      for (Index j = 0; j < i; ++j) {
        const double v = 0.5 * (h_(i, j) + h_(j, i));
        h_(i, j) = v;
        h_(j, i) = v;
      }
    }
    double scale = 0;
    for (Index k = 0; k < n * n; ++k) {
      const double v = h_.data()[k];
      if (!std::isfinite(v)) return StepOutcome::stopped(Status::kNonFinite, "newton: the Hessian is not finite");
      scale = std::max(scale, std::abs(v));
    }
    if (!factor_shifted(scale)) {
      if (oracle_.cancelled()) return StepOutcome::stopped(Status::kAborted, "aborted");
      return StepOutcome::stopped(Status::kNonFinite, "newton: no positive definite H + tau*I in " +
                                                          std::to_string(kMaxFactorizations) + " factorizations");
    }
    for (Index i = 0; i < n; ++i) s_dir_[i] = -grad_[i];
    llt_.solveInPlace(s_dir_);
    return search_and_move("newton", oracle_, line_, ls_, x_, fun_, grad_, s_dir_);
  }

 private:
  // Factors H + τI for τ = 0, τ₀, 10τ₀, …, then 2τ* once some τ* works (see newton.ts); at most
  // kMaxFactorizations; true on success (llt_ holds the factor).
  bool factor_shifted(double scale) {
    const Index n = x_.size();
    double tau = 0;
    bool margin = false;  // whether τ already carries the factor 2
    for (int attempt = 0; attempt < kMaxFactorizations; ++attempt) {
      if (oracle_.cancelled()) return false;
      shifted_ = h_;
      for (Index i = 0; i < n; ++i) shifted_(i, i) += tau;
      llt_.compute(shifted_);
      if (llt_.info() == Eigen::Success) {
        if (tau == 0 || margin) return true;
        tau = 2 * tau;
        margin = true;
      } else {
        tau = tau == 0 ? kShiftStart * (scale > 0 ? scale : 1) : kShiftGrowth * tau;
      }
    }
    return false;
  }

  Matrix h_;
  Matrix shifted_;
  Eigen::LLT<Matrix> llt_;
  Vector col_;
  Vector unit_;
  Vector s_dir_;
  CountedLine line_;
  BacktrackingParams ls_;
};

}  // namespace

std::unique_ptr<Method> make_newton(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                    const Settings& settings) {
  const double max_dim = settings.number("maxDim", 5000);
  if (static_cast<double>(x0.size()) > max_dim)
    throw std::invalid_argument("maxDim: method 'newton' forms the dense Hessian; dim = " + std::to_string(x0.size()) +
                                " exceeds maxDim");
  return std::make_unique<Newton>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
