// The table of native deterministic methods: one line per method (mirrors lib/optimizers/all.ts).
#include <functional>
#include <map>
#include <stdexcept>

#include "core/method.hpp"
#include "core/mdb.hpp"
#include "core/adagrad.hpp"
#include "core/adagrad_ls.hpp"
#include "core/diag_hessian.hpp"
#include "core/diagonal_bb.hpp"
#include "core/gd.hpp"
#include "core/hypergd.hpp"
#include "core/rmsprop.hpp"
#include "core/rprop.hpp"
#include "core/lbfgs.hpp"
#include "core/newton.hpp"
#include "core/newton_cg.hpp"

namespace stepsearch::core {

namespace {

using Factory = std::function<std::unique_ptr<Method>(CountedObjective&, const Vector&, double, const Vector&,
                                                      const Settings&)>;

const std::map<std::string, Factory>& table() {
  static const std::map<std::string, Factory> methods = {
      // {"name", make_xxx},  — one entry per method, factories declared in the method's header.
      {"mdb-box", make_mdb_box},
      {"mdb-ellipsoid", make_mdb_ellipsoid},
      {"mdb-simplex", make_mdb_simplex},
      {"gd", make_gd},
      {"diag-hessian", make_diag_hessian},
      {"rprop", make_rprop},
      {"hypergd-add", make_hypergd_add},
      {"hypergd-mult", make_hypergd_mult},
      {"rmsprop", make_rmsprop},
      {"adagrad", make_adagrad},
      {"adagrad-norm", make_adagrad_norm},
      {"adagrad-ls", make_adagrad_ls},
      {"diagonal-bb", make_diagonal_bb},
      {"lbfgs", make_lbfgs},
      {"newton-cg", make_newton_cg},
      {"newton", make_newton},
  };
  return methods;
}

}  // namespace

bool native_method_exists(const std::string& name) { return table().count(name) != 0; }

std::unique_ptr<Method> make_method(const std::string& name, CountedObjective& oracle, const Vector& x0, double f0,
                                    const Vector& g0, const Settings& settings) {
  auto it = table().find(name);
  if (it == table().end()) throw std::invalid_argument("method: unknown native method '" + name + "'");
  return it->second(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
