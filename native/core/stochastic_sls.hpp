// SLS: SGD with a stochastic Armijo line search (spec §4.1), optionally preconditioned (spec §4.5); mirrors
// lib/stochastic/sls.ts (reset options 0/1/2/11, stored step floored at minStep).
#pragma once
#include <memory>

#include "core/stochastic_method.hpp"

namespace stepsearch::core {

std::unique_ptr<StochasticMethod> make_sls(const Eigen::VectorXd& x0, const Settings& settings);

}  // namespace stepsearch::core
