#include "core/stochastic_driver.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "core/counted_objective.hpp"
#include "core/prng.hpp"
#include "core/stochastic_method.hpp"

namespace stepsearch::core {

namespace {

using Clock = std::chrono::steady_clock;

// Shortest round-trip text of a number (JS's String(number) for the values used in messages).
std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

class StochasticRun {
 public:
  StochasticRun(Objective& f, const double* x0, const StochasticOptions& o, const Settings& settings)
      : f_(f),
        opt_(o),
        start_(Clock::now()),
        method_(make_stochastic_method(o.method, Eigen::Map<const Eigen::VectorXd>(x0, f.dim()), settings)),
        independent_(method_->independent_search()),
        sampler_(f.num_samples(), o.batch_size, o.seed, independent_),
        batch_view_(f.make_batch_view()),
        batch_(*batch_view_, o.cancel),
        full_grad_(static_cast<std::size_t>(f.dim())) {
    if (independent_) {
      search_view_ = f.make_batch_view();
      search_ = std::make_unique<CountedObjective>(*search_view_, o.cancel);
    }
    fun_ = evaluate_full();
    result_.base.initial_fun = fun_;
    grad_norm_ = std::sqrt(squared_norm(full_grad_.data(), f.dim()));
    if (!std::isfinite(fun_) || !std::isfinite(grad_norm_)) stop(Status::kNonFinite, "f or the gradient is not finite at x0");
  }

  bool advance() {
    if (running_status() != Status::kRunning) return false;
    if (next_batch_ < 0) {
      if (static_cast<double>(epoch_) >= opt_.epochs) stop(Status::kMaxIterations, "completed epochs = " + num(opt_.epochs));
      else if (static_cast<double>(nit_) >= opt_.max_iterations)
        stop(Status::kMaxIterations, "reached maxIterations = " + num(opt_.max_iterations));
      if (running_status() != Status::kRunning) return false;
      sampler_.start_epoch();
      next_batch_ = 0;
    }
    if (static_cast<double>(nit_) >= opt_.max_iterations)
      stop(Status::kMaxIterations, "reached maxIterations = " + num(opt_.max_iterations));
    else if (elapsed_ms() >= opt_.time_limit_ms)
      stop(Status::kTimeLimit, "reached timeLimitMs = " + num(opt_.time_limit_ms));
    else if (opt_.cancel != nullptr && opt_.cancel->load(std::memory_order_relaxed))
      stop(Status::kAborted, "aborted");
    else if (stop_requested())
      stop(Status::kCallbackStop, "the callback returned 'stop'");
    if (running_status() != Status::kRunning) return false;

    const std::int64_t k = next_batch_;
    const std::int64_t count = sampler_.batch_count(k);
    batch_view_->select_rows(sampler_.batch(k), count);
    if (independent_) search_view_->select_rows(sampler_.search_batch(k), count);
    const StochasticOutcome rec = method_->iterate(batch_, independent_ ? *search_ : batch_);
    ++nit_;
    ++next_batch_;
    backtracks_ += rec.backtracks;
    if (rec.exhausted) ++exhausted_;
    if (rec.skipped) ++skipped_;
    step_sum_ += rec.step_size;
    ++step_count_;
    last_step_ = rec.step_size;
    last_moved_ = rec.moved;
    if (rec.stop != Status::kRunning) {
      stop(rec.stop, rec.message);
      return false;
    }
    if (next_batch_ == sampler_.batches_per_epoch()) {
      next_batch_ = -1;
      ++epoch_;
      if (epoch_ % opt_.check_every == 0 || static_cast<double>(epoch_) == opt_.epochs) checkpoint();
    }
    return running_status() == Status::kRunning;
  }

  StochasticResult finish() {
    if (evaluated_at_ != nit_) {
      fun_ = evaluate_full();
      grad_norm_ = std::sqrt(squared_norm(full_grad_.data(), f_.dim()));
    }
    Result& r = result_.base;
    const Eigen::VectorXd& x = method_->x();
    r.x.assign(x.data(), x.data() + x.size());
    r.fun = fun_;
    r.grad_norm = grad_norm_;
    r.nit = nit_;
    r.counts = counts();
    r.time_ms = elapsed_ms();
    result_.epochs = epoch_;
    result_.backtracks = backtracks_;
    result_.exhausted_searches = exhausted_;
    result_.skipped_steps = skipped_;
    return std::move(result_);
  }

 private:
  Status running_status() const { return result_.base.status; }
  bool stop_requested() const { return opt_.stop_request != nullptr && opt_.stop_request->load(std::memory_order_relaxed); }

  void stop(Status s, std::string why) {
    result_.base.status = s;
    result_.base.message = std::move(why);
  }

  double elapsed_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - start_).count(); }

  Counts counts() const {
    Counts c = batch_.counts;
    if (search_) {
      c.nfev += search_->counts.nfev;
      c.ngev += search_->counts.ngev;
    }
    return c;
  }

  double evaluate_full() {
    const auto t = Clock::now();
    const double f = f_.value_and_gradient(method_->x().data(), full_grad_.data());
    result_.full_eval_ms += std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    ++result_.full_evaluations;
    evaluated_at_ = nit_;
    return f;
  }

  void checkpoint() {
    fun_ = evaluate_full();
    grad_norm_ = std::sqrt(squared_norm(full_grad_.data(), f_.dim()));
    StochasticEpochRecord rec;
    rec.base.iter = nit_;
    rec.base.fun = fun_;
    rec.base.grad_norm = grad_norm_;
    rec.base.step_size = last_step_;
    rec.base.accepted = last_moved_;
    rec.base.counts = counts();
    rec.base.elapsed_ms = elapsed_ms();
    rec.epoch = epoch_;
    rec.mean_step_size = step_count_ > 0 ? step_sum_ / static_cast<double>(step_count_) : 0;
    rec.full_evaluations = result_.full_evaluations;
    rec.backtracks = backtracks_;
    rec.exhausted_searches = exhausted_;
    rec.skipped_steps = skipped_;
    step_sum_ = 0;
    step_count_ = 0;
    if (opt_.trace) result_.trace.push_back(rec);
    const bool callback_stop = opt_.on_epoch ? opt_.on_epoch(rec) : false;
    if (!std::isfinite(fun_) || !std::isfinite(grad_norm_))
      stop(Status::kNonFinite, "the full-data f or gradient is not finite");
    else if (grad_norm_ <= opt_.grad_tol)
      stop(Status::kGradTol, "|grad| = " + sci(grad_norm_) + " <= gradTol = " + num(opt_.grad_tol));
    else if (callback_stop || stop_requested())
      stop(Status::kCallbackStop, "the callback returned 'stop'");
  }

  Objective& f_;
  const StochasticOptions& opt_;
  Clock::time_point start_;
  std::unique_ptr<StochasticMethod> method_;
  bool independent_;
  EpochSampler sampler_;
  std::unique_ptr<Objective> batch_view_;
  CountedObjective batch_;
  std::unique_ptr<Objective> search_view_;
  std::unique_ptr<CountedObjective> search_;
  std::vector<double> full_grad_;
  StochasticResult result_;
  double fun_ = 0;
  double grad_norm_ = 0;
  std::int64_t nit_ = 0;
  std::int64_t epoch_ = 0;
  std::int64_t next_batch_ = -1;
  std::int64_t evaluated_at_ = 0;
  std::int64_t backtracks_ = 0;
  std::int64_t exhausted_ = 0;
  std::int64_t skipped_ = 0;
  double step_sum_ = 0;
  std::int64_t step_count_ = 0;
  double last_step_ = 0;
  bool last_moved_ = false;
};

}  // namespace

StochasticResult minimize_stochastic(Objective& objective, const double* x0, const StochasticOptions& options,
                                     const Settings& settings) {
  if (!objective.supports_batches()) throw std::invalid_argument("objective: has no mini-batch views");
  if (objective.num_samples() < 1) throw std::invalid_argument("objective: needs at least one sample");
  if (options.batch_size < 1) throw std::invalid_argument("batchSize: must be an integer >= 1");
  if (options.check_every < 1) throw std::invalid_argument("checkEvery: must be an integer >= 1");
  if (!(options.epochs >= 0) || !(options.max_iterations >= 0) || !(options.time_limit_ms > 0) || !(options.grad_tol >= 0))
    throw std::invalid_argument("options: epochs, maxIterations, gradTol must be >= 0 and timeLimitMs > 0");
  StochasticRun run(objective, x0, options, settings);
  while (run.advance()) {
  }
  return run.finish();
}

}  // namespace stepsearch::core
