// The table of native stochastic methods (mirrors lib/stochastic/methods.ts).
#include <functional>
#include <map>
#include <stdexcept>

#include "core/stochastic_baselines.hpp"
#include "core/stochastic_method.hpp"
#include "core/stochastic_ponos.hpp"
#include "core/stochastic_sls.hpp"
#include "core/stochastic_sps.hpp"

namespace stepsearch::core {

namespace {

using Factory = std::function<std::unique_ptr<StochasticMethod>(const Eigen::VectorXd&, const Settings&)>;

const std::map<std::string, Factory>& table() {
  static const std::map<std::string, Factory> methods = {
      {"sls", make_sls},   {"sps", make_sps},         {"ponos", make_ponos}, {"sgd", make_sgd},
      {"adam", make_adam}, {"adagrad", make_adagrad}, {"lion", make_lion},
  };
  return methods;
}

}  // namespace

bool stochastic_method_exists(const std::string& name) { return table().count(name) != 0; }

std::unique_ptr<StochasticMethod> make_stochastic_method(const std::string& name, const Eigen::VectorXd& x0,
                                                         const Settings& settings) {
  auto it = table().find(name);
  if (it == table().end()) throw std::invalid_argument("method: unknown stochastic method '" + name + "'");
  return it->second(x0, settings);
}

}  // namespace stepsearch::core
