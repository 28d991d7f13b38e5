#include "core/stochastic_preconditioner.hpp"

#include <cmath>
#include <stdexcept>

#include "core/stochastic_method.hpp"

namespace stepsearch::core {

PrecondSettings PrecondSettings::read(const Settings& s) {
  PrecondSettings p;
  const std::string kind = s.text("precond", "none");
  if (kind == "none") p.precond = PrecondKind::kNone;
  else if (kind == "amsgrad") p.precond = PrecondKind::kAmsgrad;
  else if (kind == "adam") p.precond = PrecondKind::kAdam;
  else if (kind == "adagrad") p.precond = PrecondKind::kAdagrad;
  else throw std::invalid_argument("precond: unknown preconditioner '" + kind + "'");
  p.beta1 = s.number("beta1", p.beta1);
  p.beta2 = s.number("beta2", p.beta2);
  p.eps = s.number("eps", p.eps);
  const std::string dir = s.text("searchDirection", "gradient");
  if (dir != "gradient" && dir != "step") throw std::invalid_argument("searchDirection: unknown value '" + dir + "'");
  p.search_along_step = dir == "step";
  return p;
}

ScaledDirections::ScaledDirections(Index dim, const PrecondSettings& settings)
    : settings_(settings),
      dim_(dim),
      search_dir_(dim),
      step_dir_(dim),
      scaling_(dim, 1.0),
      v_(dim, 0.0),
      vmax_(dim, 0.0),
      m_(dim, 0.0) {}

void ScaledDirections::update(const double* g) {
  const PrecondSettings& st = settings_;
  double* D = scaling_.data();
  double* v = v_.data();
  if (st.precond == PrecondKind::kAdam || st.precond == PrecondKind::kAmsgrad) {
    const double one_minus_beta2 = 1 - st.beta2;
    beta2_power_ *= st.beta2;
    const double correction = 1 - beta2_power_;
    double* vbar = vmax_.data();
    const bool ams = st.precond == PrecondKind::kAmsgrad;
    for (Index i = 0; i < dim_; ++i) {
      v[i] = st.beta2 * v[i] + one_minus_beta2 * g[i] * g[i];
      double v_hat = v[i];
      if (ams) {
        if (v[i] > vbar[i]) vbar[i] = v[i];
        v_hat = vbar[i];
      }
      D[i] = 1 / (std::sqrt(v_hat / correction) + st.eps);
    }
  } else if (st.precond == PrecondKind::kAdagrad) {
    for (Index i = 0; i < dim_; ++i) {
      v[i] += g[i] * g[i];
      D[i] = 1 / (std::sqrt(v[i]) + st.eps);
    }
  }
  double* step = step_dir_.data();
  if (st.beta1 > 0) {
    double* m = m_.data();
    const double one_minus_beta1 = 1 - st.beta1;
    beta1_power_ *= st.beta1;
    const double correction = 1 - beta1_power_;
    for (Index i = 0; i < dim_; ++i) {
      m[i] = st.beta1 * m[i] + one_minus_beta1 * g[i];
      step[i] = D[i] * (m[i] / correction);
    }
  } else {
    for (Index i = 0; i < dim_; ++i) step[i] = D[i] * g[i];
  }
  double* p = search_dir_.data();
  if (st.search_along_step) {
    std::copy(step, step + dim_, p);
    s_ = dot(g, p, dim_);
    if (s_ > 0) return;
  }
  for (Index i = 0; i < dim_; ++i) p[i] = D[i] * g[i];
  s_ = dot(g, p, dim_);
}

}  // namespace stepsearch::core
