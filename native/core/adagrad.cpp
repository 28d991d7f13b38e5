#include "core/adagrad.hpp"

#include <cmath>

#include "core/backtracking.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

namespace {

// Spec §2.8; line for line with Adagrad in lib/optimizers/adagrad.ts.
class Adagrad final : public Method {
 public:
  Adagrad(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s, bool diagonal)
      : Method(oracle, x0, f0, g0),
        diagonal_(diagonal),
        eta_(s.number("learningRate", 1e-2)),
        acc_(Vector::Zero(diagonal ? x0.size() : 0)),
        y_(x0.size()),
        gy_(x0.size()) {}

  StepOutcome step() override {
    const Index d = x_.size();
    double step_size;
    if (diagonal_) {
      double move_sq = 0;
      for (Index i = 0; i < d; ++i) {
        acc_[i] = acc_[i] + grad_[i] * grad_[i];
        const double move = acc_[i] > 0 ? (eta_ / std::sqrt(acc_[i])) * grad_[i] : 0;  // ours: 0/√0 = 0
        y_[i] = x_[i] - move;
        move_sq += move * move;
      }
      step_size = std::sqrt(move_sq);
    } else {
      acc_norm_ = acc_norm_ + dot_serial(grad_, grad_);
      step_size = acc_norm_ > 0 ? eta_ / std::sqrt(acc_norm_) : 0;  // ours: 0/√0 = 0
      for (Index i = 0; i < d; ++i) y_[i] = x_[i] - step_size * grad_[i];
    }
    const double fy = oracle_.value_and_gradient(y_.data(), gy_.data());
    if (!std::isfinite(fy) || !all_finite(gy_)) return non_finite_step(diagonal_ ? "adagrad" : "adagrad-norm", step_size);
    x_ = y_;
    fun_ = fy;
    grad_ = gy_;
    return step_outcome(true, step_size);
  }

 private:
  const bool diagonal_;
  const double eta_;
  Vector acc_;  // per-coordinate accumulator (diagonal form)
  double acc_norm_ = 0;  // scalar accumulator (norm form)
  Vector y_;
  Vector gy_;
};

}  // namespace

std::unique_ptr<Method> make_adagrad(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                     const Settings& settings) {
  return std::make_unique<Adagrad>(oracle, x0, f0, g0, settings, true);
}

std::unique_ptr<Method> make_adagrad_norm(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                          const Settings& settings) {
  return std::make_unique<Adagrad>(oracle, x0, f0, g0, settings, false);
}

}  // namespace stepsearch::core
