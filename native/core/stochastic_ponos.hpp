// PoNoS: Polyak-initialized non-monotone (Zhang–Hager) stochastic line search (spec §4.3), optionally
// preconditioned (PoNoS_prec, spec §4.5); mirrors lib/stochastic/ponos.ts.
#pragma once
#include <memory>

#include "core/stochastic_method.hpp"

namespace stepsearch::core {

std::unique_ptr<StochasticMethod> make_ponos(const Eigen::VectorXd& x0, const Settings& settings);

}  // namespace stepsearch::core
