#include "core/stochastic_line_search.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace stepsearch::core {

LineSearchSettings LineSearchSettings::read(const Settings& s, const LineSearchSettings& defaults) {
  LineSearchSettings ls = defaults;
  ls.batches_per_epoch = s.number("batchesPerEpoch", defaults.batches_per_epoch);
  ls.c = s.number("c", defaults.c);
  ls.decrease_factor = s.number("decreaseFactor", defaults.decrease_factor);
  ls.max_trials = s.integer("maxTrials", defaults.max_trials, 1, 1000000);
  ls.min_step = s.number("minStep", defaults.min_step);
  ls.max_step = s.number("maxStep", defaults.max_step);
  const std::string batch = s.text("lineSearchBatch", "same");
  if (batch != "same" && batch != "independent")
    throw std::invalid_argument("lineSearchBatch: unknown value '" + batch + "'");
  ls.independent = batch == "independent";
  const std::string failure = s.text("onFailure", "tinyStep");
  if (failure == "tinyStep") ls.on_failure = FailurePolicy::kTinyStep;
  else if (failure == "skip") ls.on_failure = FailurePolicy::kSkip;
  else if (failure == "stop") ls.on_failure = FailurePolicy::kStop;
  else throw std::invalid_argument("onFailure: unknown value '" + failure + "'");
  if (ls.max_trials < 1) throw std::invalid_argument("maxTrials: must be >= 1");
  ls.precond = PrecondSettings::read(s);
  return ls;
}

BacktrackResult backtrack(CountedObjective& search, const double* x, const double* p, double s, double eta0,
                          double reference, double c, double decrease, std::int64_t max_trials, double* trial) {
  const Index d = search.dim();
  double eta = eta0;
  for (std::int64_t e = 0; e < max_trials; ++e) {
    for (Index i = 0; i < d; ++i) trial[i] = x[i] - eta * p[i];
    const double value = search.value(trial);
    if (value <= reference - c * eta * s) return BacktrackResult{eta, true, e, value};
    eta *= decrease;
  }
  return BacktrackResult{eta, false, max_trials, std::nan("")};
}

BacktrackResult goldstein(CountedObjective& search, const double* x, const double* p, double s, double eta0,
                          double reference, double c, double decrease, double forward, double eta_max,
                          std::int64_t max_trials, double* trial) {
  const Index d = search.dim();
  double eta = eta0;
  for (std::int64_t e = 0; e < max_trials; ++e) {
    for (Index i = 0; i < d; ++i) trial[i] = x[i] - eta * p[i];
    const double value = search.value(trial);
    const bool armijo = value <= reference - c * eta * s;
    if (armijo && (value >= reference - (1 - c) * eta * s || eta >= eta_max)) return BacktrackResult{eta, true, e, value};
    eta = armijo ? std::min(eta * forward, eta_max) : std::max(eta * decrease, kGoldsteinMinStep);
  }
  return BacktrackResult{eta, false, max_trials, std::nan("")};
}

BacktrackResult LineSearchMethod::search_step(CountedObjective& search, double s, double eta0, double reference) {
  return backtrack(search, x_.data(), directions_.search_dir(), s, eta0, reference, ls_.c, ls_.decrease_factor,
                   ls_.max_trials, trial_.data());
}

StochasticOutcome LineSearchMethod::step(CountedObjective& batch, CountedObjective& search) {
  StochasticOutcome out;
  double grad_sq;
  if (!evaluate(batch, out, &grad_sq)) return out;
  directions_.update(grad_.data());
  const double s = directions_.s();
  note_loss(out.loss);
  const double eta0 = first_trial(out.loss, s);
  if (out.grad_norm < kGradSkip || (skips_zero_loss() && out.loss == 0)) {
    after_search(eta0, nullptr);
    out.skipped = true;
    return out;
  }
  const double search_loss = &search == &batch ? out.loss : search.value(x_.data());
  if (!std::isfinite(search_loss)) {
    out.stop = Status::kNonFinite;
    out.message = "the line-search batch loss is not finite at the current point";
    return out;
  }
  const BacktrackResult result = search_step(search, s, eta0, reference(search_loss));
  after_search(eta0, &result);
  out.backtracks = result.rejected;
  if (result.accepted) {
    move(result.eta);
    out.loss_after = result.value;
    out.step_size = result.eta;
    out.moved = true;
    return out;
  }
  out.exhausted = true;
  if (ls_.on_failure == FailurePolicy::kTinyStep) {
    move(kTinyStep);
    out.step_size = kTinyStep;
    out.moved = true;
  } else if (ls_.on_failure == FailurePolicy::kSkip) {
    out.skipped = true;
  } else {
    out.stop = Status::kLineSearchFailed;
    out.message = "all " + std::to_string(ls_.max_trials) + " Armijo trials failed (onFailure: 'stop')";
  }
  return out;
}

void LineSearchMethod::move(double eta) {
  const double* step = directions_.step_dir();
  double* x = x_.data();
  for (Index i = 0; i < x_.size(); ++i) x[i] = x[i] - eta * step[i];
}

}  // namespace stepsearch::core
