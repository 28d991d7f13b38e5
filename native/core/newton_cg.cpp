#include "core/newton_cg.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/line_search.hpp"
#include "core/pcg.hpp"
#include "core/vector_ops.hpp"

namespace stepsearch::core {

StepOutcome search_and_move(const std::string& name, CountedObjective& oracle, CountedLine& line,
                            const BacktrackingParams& ls, Vector& x, double& fun, Vector& grad, Vector& dir) {
  double gTs = dot_serial(grad, dir);
  if (!(gTs < 0)) {
    for (Index i = 0; i < dir.size(); ++i) dir[i] = -grad[i];
    gTs = dot_serial(grad, dir);
  }
  line.reset(x.data(), dir.data());
  CountedLineView view(line);
  const BacktrackingResult search = backtracking_armijo(view, fun, gTs, ls);
  if (!search.ok)
    return StepOutcome::stopped(Status::kLineSearchFailed, name + ": no sufficient decrease in " +
                                                               std::to_string(search.trials) +
                                                               " trials halving from t = 1 (maxLineSearchSteps)");
  for (Index i = 0; i < x.size(); ++i) x[i] = x[i] + search.step * dir[i];
  fun = oracle.value_and_gradient(x.data(), grad.data());
  StepOutcome o;
  o.accepted = true;
  o.step_size = search.step;
  if (!all_finite(grad)) {
    o.stop = Status::kNonFinite;
    o.message = name + ": the gradient is not finite at the accepted point";
  }
  return o;
}

namespace {

// Line for line with NewtonCg in lib/optimizers/newton_cg.ts.
class NewtonCg final : public Method {
 public:
  NewtonCg(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0, const Settings& s)
      : Method(oracle, x0, f0, g0),
        s_dir_(x0.size()),
        m_(x0.size()),
        work_(x0.size()),
        line_(oracle.make_line()),
        cg_tol_(s.number("cgTol", 0.1)),
        precondition_(s.text("preconditioner", "diagonal") == "diagonal") {
    ls_.max_trials = static_cast<int>(s.integer("maxLineSearchSteps", kDefaultMaxLineSearchSteps, 1, 1000));
    // κ of cgScale (lib/optimizers/newton_cg.ts): 0 = the objective's sample count.
    const double scale = s.number("cgScale", 0);
    scale_ = scale > 0 ? scale : static_cast<double>(std::max<Index>(1, oracle.raw().num_samples()));
    const double max_cg = s.number("maxCgIterations", 0);
    max_cg_ = max_cg == 0 ? static_cast<long long>(x0.size()) : static_cast<long long>(max_cg);
  }

  StepOutcome step() override {
    const Index n = x_.size();
    const Vector* M = nullptr;
    if (precondition_) {
      oracle_.hess_diag(x_.data(), m_.data());
      const double mix = kPreconditionerMix * scale_;
      for (Index i = 0; i < n; ++i) m_[i] = 1 - kPreconditionerMix + mix * std::max(m_[i], 0.0);
      if (!all_finite(m_)) return StepOutcome::stopped(Status::kNonFinite, "newton-cg: the Hessian diagonal is not finite");
      M = &m_;
    }
    const auto hess_vec = [this](const Vector& v, Vector& out) { oracle_.hess_vec(x_.data(), v.data(), out.data()); };
    PcgParams params;
    params.cg_tol = cg_tol_;
    params.max_iterations = max_cg_;
    params.norm_scale = scale_;
    const PcgResult cg = pcg(hess_vec, grad_, M, s_dir_, work_, params, oracle_);
    if (cg.stop == PcgStop::kAborted) return StepOutcome::stopped(Status::kAborted, "aborted");
    return search_and_move("newton-cg", oracle_, line_, ls_, x_, fun_, grad_, s_dir_);
  }

 private:
  Vector s_dir_;
  Vector m_;
  PcgWorkspace work_;
  CountedLine line_;
  BacktrackingParams ls_;
  const double cg_tol_;
  const bool precondition_;
  long long max_cg_ = 0;
  double scale_ = 1;
};

}  // namespace

std::unique_ptr<Method> make_newton_cg(CountedObjective& oracle, const Vector& x0, double f0, const Vector& g0,
                                       const Settings& settings) {
  return std::make_unique<NewtonCg>(oracle, x0, f0, g0, settings);
}

}  // namespace stepsearch::core
