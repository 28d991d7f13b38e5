// Fixed-schedule stochastic baselines with torch defaults (spec §4.4): SGD (+momentum, decay), Adam/AMSGrad,
// AdaGrad, Lion; mirrors lib/stochastic/baselines.ts (see it for the update formulas).
#pragma once
#include <memory>

#include "core/stochastic_method.hpp"

namespace stepsearch::core {

std::unique_ptr<StochasticMethod> make_sgd(const Eigen::VectorXd& x0, const Settings& settings);
std::unique_ptr<StochasticMethod> make_adam(const Eigen::VectorXd& x0, const Settings& settings);
std::unique_ptr<StochasticMethod> make_adagrad(const Eigen::VectorXd& x0, const Settings& settings);
std::unique_ptr<StochasticMethod> make_lion(const Eigen::VectorXd& x0, const Settings& settings);

}  // namespace stepsearch::core
