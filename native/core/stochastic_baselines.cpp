#include "core/stochastic_baselines.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace stepsearch::core {

namespace {

void mark_moved(StochasticOutcome& out, double step) {
  out.step_size = step;
  out.moved = true;
}

double required(const Settings& s, const char* name) {
  if (!s.has(name)) throw std::invalid_argument(std::string(name) + ": required");
  return s.number(name, 0);
}

class Sgd final : public StochasticMethod {
 public:
  Sgd(const Eigen::VectorXd& x0, const Settings& s)
      : StochasticMethod(x0),
        lr_(required(s, "learningRate")),
        momentum_(s.number("momentum", 0)),
        batches_per_epoch_(s.number("batchesPerEpoch", 500)),
        buffer_(x0.size(), 0.0) {
    const std::string decay = s.text("decay", "none");
    if (decay == "none") decay_ = 0;
    else if (decay == "inverse-sqrt") decay_ = 1;
    else if (decay == "inverse") decay_ = 2;
    else throw std::invalid_argument("decay: expected 'none', 'inverse-sqrt' or 'inverse'");
  }

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective&) override {
    StochasticOutcome out;
    double grad_sq;
    if (!evaluate(batch, out, &grad_sq)) return out;
    double lr = lr_;
    if (decay_ != 0) {
      const double epochs = 1 + static_cast<double>(iterations()) / batches_per_epoch_;
      lr = decay_ == 2 ? lr_ / epochs : lr_ / std::sqrt(epochs);
    }
    const double* g = grad_.data();
    double* x = x_.data();
    double* b = buffer_.data();
    for (Index i = 0; i < x_.size(); ++i) {
      b[i] = momentum_ * b[i] + g[i];
      x[i] = x[i] - lr * b[i];
    }
    mark_moved(out, lr);
    return out;
  }

 private:
  double lr_, momentum_, batches_per_epoch_;
  int decay_ = 0;
  std::vector<double> buffer_;
};

class Adam final : public StochasticMethod {
 public:
  Adam(const Eigen::VectorXd& x0, const Settings& s)
      : StochasticMethod(x0),
        lr_(s.number("learningRate", 1e-3)),
        beta1_(s.number("beta1", 0.9)),
        beta2_(s.number("beta2", 0.999)),
        eps_(s.number("eps", 1e-8)),
        amsgrad_(s.flag("amsgrad", false)),
        m_(x0.size(), 0.0),
        v_(x0.size(), 0.0),
        vmax_(x0.size(), 0.0) {}

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective&) override {
    StochasticOutcome out;
    double grad_sq;
    if (!evaluate(batch, out, &grad_sq)) return out;
    beta1_power_ *= beta1_;
    beta2_power_ *= beta2_;
    const double step_size = lr_ / (1 - beta1_power_);
    const double correction2_sqrt = std::sqrt(1 - beta2_power_);
    const double one_minus_beta1 = 1 - beta1_;
    const double one_minus_beta2 = 1 - beta2_;
    const double* g = grad_.data();
    double* x = x_.data();
    for (Index i = 0; i < x_.size(); ++i) {
      m_[i] = m_[i] + one_minus_beta1 * (g[i] - m_[i]);  // torch's lerp
      v_[i] = beta2_ * v_[i] + one_minus_beta2 * (g[i] * g[i]);
      double v_hat = v_[i];
      if (amsgrad_) {
        if (v_[i] > vmax_[i]) vmax_[i] = v_[i];
        v_hat = vmax_[i];
      }
      const double denom = std::sqrt(v_hat) / correction2_sqrt + eps_;
      x[i] = x[i] - step_size * (m_[i] / denom);
    }
    mark_moved(out, lr_);
    return out;
  }

 private:
  double lr_, beta1_, beta2_, eps_;
  bool amsgrad_;
  std::vector<double> m_, v_, vmax_;
  double beta1_power_ = 1, beta2_power_ = 1;
};

class Adagrad final : public StochasticMethod {
 public:
  Adagrad(const Eigen::VectorXd& x0, const Settings& s)
      : StochasticMethod(x0), lr_(s.number("learningRate", 1e-2)), eps_(s.number("eps", 1e-10)), sum_(x0.size(), 0.0) {}

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective&) override {
    StochasticOutcome out;
    double grad_sq;
    if (!evaluate(batch, out, &grad_sq)) return out;
    const double* g = grad_.data();
    double* x = x_.data();
    for (Index i = 0; i < x_.size(); ++i) {
      sum_[i] = sum_[i] + g[i] * g[i];
      x[i] = x[i] - lr_ * (g[i] / (std::sqrt(sum_[i]) + eps_));
    }
    mark_moved(out, lr_);
    return out;
  }

 private:
  double lr_, eps_;
  std::vector<double> sum_;
};

class Lion final : public StochasticMethod {
 public:
  Lion(const Eigen::VectorXd& x0, const Settings& s)
      : StochasticMethod(x0),
        lr_(required(s, "learningRate")),
        beta1_(s.number("beta1", 0.9)),
        beta2_(s.number("beta2", 0.99)),
        m_(x0.size(), 0.0) {}

 protected:
  StochasticOutcome step(CountedObjective& batch, CountedObjective&) override {
    StochasticOutcome out;
    double grad_sq;
    if (!evaluate(batch, out, &grad_sq)) return out;
    const double one_minus_beta1 = 1 - beta1_;
    const double one_minus_beta2 = 1 - beta2_;
    const double* g = grad_.data();
    double* x = x_.data();
    for (Index i = 0; i < x_.size(); ++i) {
      const double c = beta1_ * m_[i] + one_minus_beta1 * g[i];
      const double u = c > 0 ? 1.0 : (c < 0 ? -1.0 : 0.0);
      x[i] = x[i] - lr_ * u;
      m_[i] = beta2_ * m_[i] + one_minus_beta2 * g[i];
    }
    mark_moved(out, lr_);
    return out;
  }

 private:
  double lr_, beta1_, beta2_;
  std::vector<double> m_;
};

}  // namespace

std::unique_ptr<StochasticMethod> make_sgd(const Eigen::VectorXd& x0, const Settings& s) {
  return std::make_unique<Sgd>(x0, s);
}
std::unique_ptr<StochasticMethod> make_adam(const Eigen::VectorXd& x0, const Settings& s) {
  return std::make_unique<Adam>(x0, s);
}
std::unique_ptr<StochasticMethod> make_adagrad(const Eigen::VectorXd& x0, const Settings& s) {
  return std::make_unique<Adagrad>(x0, s);
}
std::unique_ptr<StochasticMethod> make_lion(const Eigen::VectorXd& x0, const Settings& s) {
  return std::make_unique<Lion>(x0, s);
}

}  // namespace stepsearch::core
