// SPS: stochastic Polyak step, 'max' or 'smooth' (spec §4.2), skipped iterations keep γ (spec §6.11);
// mirrors lib/stochastic/sps.ts.
#pragma once
#include <memory>

#include "core/stochastic_method.hpp"

namespace stepsearch::core {

std::unique_ptr<StochasticMethod> make_sps(const Eigen::VectorXd& x0, const Settings& settings);

}  // namespace stepsearch::core
