#include "core/pcg.hpp"

#include <algorithm>
#include <cmath>

#include "core/vector_ops.hpp"

namespace stepsearch::core {

// Line for line with pcg in lib/optimizers/pcg.ts (LIBLINEAR newton.cpp NEWTON::pcg).
PcgResult pcg(const std::function<void(const Vector&, Vector&)>& hess_vec, const Vector& g, const Vector* m, Vector& s,
              PcgWorkspace& w, const PcgParams& p, const CountedObjective& oracle) {
  const Index n = g.size();
  Vector& r = w.r;
  Vector& z = w.z;
  Vector& d = w.d;
  Vector& hd = w.hd;
  for (Index i = 0; i < n; ++i) {
    s[i] = 0;
    r[i] = -g[i];
    z[i] = m ? r[i] / (*m)[i] : r[i];
    d[i] = z[i];
  }
  double zTr = dot_serial(z, r);
  const double g_minv_norm = std::sqrt(zTr);
  const double cgtol = std::min(p.cg_tol, std::sqrt(p.norm_scale * g_minv_norm));
  double Q = 0;
  PcgResult res;
  while (res.iterations < p.max_iterations) {
    if (oracle.cancelled()) {
      res.stop = PcgStop::kAborted;
      break;
    }
    ++res.iterations;
    hess_vec(d, hd);
    const double dHd = dot_serial(d, hd);
    if (!(dHd > kCgCurvatureFloor * dot_serial(d, d))) {
      // Nocedal & Wright Alg. 7.1: −M⁻¹g at the first iteration, else the iterate so far.
      if (res.iterations == 1)
        for (Index i = 0; i < n; ++i) s[i] = d[i];
      res.stop = PcgStop::kNonPositiveCurvature;
      break;
    }
    const double alpha = zTr / dHd;
    for (Index i = 0; i < n; ++i) {
      s[i] += alpha * d[i];
      r[i] -= alpha * hd[i];
    }
    const double newQ = -0.5 * (dot_serial(s, r) - dot_serial(s, g));
    const double Qdiff = newQ - Q;
    if (newQ <= 0 && Qdiff <= 0) {
      if (static_cast<double>(res.iterations) * Qdiff >= cgtol * newQ) {
        res.stop = PcgStop::kQuadraticModel;
        break;
      }
    } else {
      res.stop = PcgStop::kModelIncrease;
      break;
    }
    Q = newQ;
    for (Index i = 0; i < n; ++i) z[i] = m ? r[i] / (*m)[i] : r[i];
    const double znewTrnew = dot_serial(z, r);
    const double beta = znewTrnew / zTr;
    for (Index i = 0; i < n; ++i) d[i] = beta * d[i] + z[i];
    zTr = znewTrnew;
  }
  return res;
}

}  // namespace stepsearch::core
