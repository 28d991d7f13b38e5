// The native half of minimizeAsync and minimizeStochasticAsync: a driver run on a libuv worker thread
// (design.md §4 "Async").
//
// startMinimize(handle, x0, options, progressEvery, onProgress, onDone) → { abort(), stop() }
// startMinimizeStochastic(handle, x0, options, progressEvery, onProgress, onDone) → { abort(), stop() }
// - The run works on a private clone of the objective (shared data, own caches), so main-thread calls and
//   other runs on the same objective are safe; the objective's JS wrapper is held by a persistent reference
//   for the whole run, so its data stays alive even if the caller drops every reference.
// - Progress: every progressEvery-th record (iterations; epochs for the stochastic driver) is queued to the
//   main thread, delivered in order.
// - abort() sets an atomic flag the drivers poll every iteration / batch and methods poll inside long inner
//   loops; the run settles with status 'aborted' and the partial result. stop() is the async form of a
//   callback returning 'stop' (status callback-stop).
// - An exception thrown by onProgress is kept, the run is cancelled, and onDone receives the original error.
#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "binding/minimize_binding.hpp"
#include "binding/objective_wrap.hpp"
#include "binding/stochastic_binding.hpp"
#include "core/driver.hpp"
#include "core/stochastic_driver.hpp"

namespace stepsearch::binding {

namespace {

struct RunFlags {
  std::atomic<bool> cancel{false};
  std::atomic<bool> stop{false};
};

// What differs between the deterministic and the stochastic driver: how to run it and how to convert its
// records and result. Record::iter / epoch numbers select which records are sent as progress.
template <class Record, class Res>
struct DriverAdapter {
  // Runs the driver with the flags and the per-record hook installed.
  std::function<Res(core::Objective&, const RunFlags&, std::function<bool(const Record&)>)> run;
  std::function<std::int64_t(const Record&)> sequence;  // 1, 2, 3, … per record
  Napi::Object (*record_to_js)(Napi::Env, const Record&);
  std::function<Napi::Object(Napi::Env, const Res&)> result_to_js;
};

template <class Record, class Res>
class DriverWorker : public Napi::AsyncProgressQueueWorker<Record> {
 public:
  DriverWorker(Napi::Function on_done, Napi::Function on_progress, Napi::Object objective_js, core::Objective* objective,
               DriverAdapter<Record, Res> adapter, std::shared_ptr<RunFlags> flags, std::int64_t progress_every)
      : Napi::AsyncProgressQueueWorker<Record>(on_done, "stepsearch.minimize"),
        objective_js_(Napi::Persistent(objective_js)),
        own_copy_(objective->clone()),
        objective_(own_copy_ ? own_copy_.get() : objective),
        adapter_(std::move(adapter)),
        flags_(std::move(flags)),
        progress_every_(progress_every) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
    data_owner_ = UnwrapLinearObjective(objective_js);
  }

 protected:
  void Execute(const typename Napi::AsyncProgressQueueWorker<Record>::ExecutionProgress& progress) override {
    std::function<bool(const Record&)> hook;
    if (!on_progress_.IsEmpty()) {
      hook = [this, &progress](const Record& r) {
        if (adapter_.sequence(r) % progress_every_ == 0) progress.Send(&r, 1);
        return false;
      };
    }
    try {
      result_ = adapter_.run(*objective_, *flags_, hook);
    } catch (const std::bad_alloc&) {
      range_error_ = true;  // settles as a RangeError (SECURITY.md "Resources"), not a bare "std::bad_alloc"
      this->SetError("X: out of memory (the problem is too large for this machine)");
    } catch (const std::length_error&) {
      range_error_ = true;  // as GuardRun (convert.hpp)
      this->SetError("options: a size set by the method's settings is too large to allocate");
    } catch (const std::invalid_argument& e) {
      range_error_ = true;  // a setting a method factory rejected; the message names it (as GuardRun does)
      this->SetError(e.what());
    } catch (const std::exception& e) {
      this->SetError(e.what());
    }
  }

  void OnProgress(const Record* data, size_t count) override {
    if (on_progress_.IsEmpty() || !callback_error_.IsEmpty()) return;
    Napi::Env env = this->Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; ++i) {
      try {
        Napi::Value answer = on_progress_.Call({adapter_.record_to_js(env, data[i])});
        if (answer.IsString() && answer.As<Napi::String>().Utf8Value() == "stop") flags_->stop = true;
        // A callback that detached or shrank the data cancels the run with that error at once; this narrows,
        // but cannot close, the window in which the worker still reads it (SECURITY.md "Buffers").
        data_owner_->CheckData(env);
      } catch (const Napi::Error& e) {
        callback_error_ = Napi::Persistent(static_cast<Napi::Value>(e.Value()));
        flags_->cancel = true;
        return;
      }
    }
  }

  void OnOK() override {
    Napi::Env env = this->Env();
    Napi::HandleScope scope(env);
    if (!callback_error_.IsEmpty()) {
      this->Callback().Call({callback_error_.Value()});
      return;
    }
    this->Callback().Call({env.Null(), adapter_.result_to_js(env, result_)});
  }

  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(this->Env());
    if (range_error_) {
      this->Callback().Call({Napi::RangeError::New(this->Env(), e.Message()).Value()});
      return;
    }
    this->Callback().Call({e.Value()});
  }

 private:
  Napi::ObjectReference objective_js_;  // keeps the objective and its data alive during the run
  std::unique_ptr<core::Objective> own_copy_;
  core::Objective* objective_;
  DriverAdapter<Record, Res> adapter_;
  std::shared_ptr<RunFlags> flags_;
  std::int64_t progress_every_;
  Napi::FunctionReference on_progress_;
  Napi::Reference<Napi::Value> callback_error_;
  Res result_;
  const LinearObjectiveWrap* data_owner_;  // for CheckData after callbacks; alive through objective_js_
  bool range_error_ = false;  // settle with a RangeError carrying the message (see Execute)
};

struct CommonArgs {
  core::Objective* objective;
  Napi::Object objective_js;
  std::vector<double> x0;
  Napi::Object options;
  std::int64_t progress_every;
  Napi::Function on_progress;
  Napi::Function on_done;
};

CommonArgs ReadCommonArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CommonArgs a{};
  a.objective = info[0].IsObject() ? UnwrapNativeObjective(info[0]) : nullptr;
  if (a.objective == nullptr) throw Napi::TypeError::New(env, "objective: expected a native objective handle");
  a.objective_js = info[0].As<Napi::Object>();
  // The run reads X and y on a worker thread: refuse data detached or resized since construction.
  UnwrapLinearObjective(info[0])->CheckData(env);
  a.x0 = ReadStartPoint(info[1], a.objective->dim());
  if (!info[2].IsObject()) throw Napi::TypeError::New(env, "options: expected an object");
  a.options = info[2].As<Napi::Object>();
  if (!info[3].IsNumber()) throw Napi::TypeError::New(env, "progressEvery: expected a positive integer");
  const double every = info[3].As<Napi::Number>().DoubleValue();
  if (!(every >= 1 && every <= 9007199254740991.0) || every != static_cast<double>(static_cast<std::int64_t>(every)))
    throw Napi::RangeError::New(env, "progressEvery: expected a positive integer");
  a.progress_every = static_cast<std::int64_t>(every);
  if (info[4].IsFunction()) a.on_progress = info[4].As<Napi::Function>();
  if (!info[5].IsFunction()) throw Napi::TypeError::New(env, "onDone: expected a function");
  a.on_done = info[5].As<Napi::Function>();
  return a;
}

template <class Record, class Res>
Napi::Value Start(Napi::Env env, CommonArgs& a, DriverAdapter<Record, Res> adapter) {
  auto flags = std::make_shared<RunFlags>();
  auto* worker = new DriverWorker<Record, Res>(a.on_done, a.on_progress, a.objective_js, a.objective,
                                               std::move(adapter), flags, a.progress_every);
  worker->Queue();
  Napi::Object control = Napi::Object::New(env);
  control.Set("abort", Napi::Function::New(env, [flags](const Napi::CallbackInfo& i) {
                flags->cancel = true;
                return i.Env().Undefined();
              }, "abort"));
  control.Set("stop", Napi::Function::New(env, [flags](const Napi::CallbackInfo& i) {
                flags->stop = true;
                return i.Env().Undefined();
              }, "stop"));
  return control;
}

Napi::Value StartMinimize(const Napi::CallbackInfo& info) {
  CommonArgs a = ReadCommonArgs(info);
  core::DriverOptions driver = ReadDriverOptions(a.options);
  core::Settings settings = ReadSettings(a.options.Get("settings"));
  const bool trace = driver.trace;
  DriverAdapter<core::IterationRecord, core::Result> adapter;
  adapter.run = [driver, settings, x0 = a.x0](core::Objective& f, const RunFlags& flags,
                                              std::function<bool(const core::IterationRecord&)> hook) {
    core::DriverOptions o = driver;
    o.cancel = &flags.cancel;
    o.stop_request = &flags.stop;
    o.on_iteration = std::move(hook);
    return core::minimize(f, x0.data(), o, settings);
  };
  adapter.sequence = [](const core::IterationRecord& r) { return r.iter; };
  adapter.record_to_js = RecordToJs;
  adapter.result_to_js = [trace](Napi::Env env, const core::Result& r) { return ResultToJs(env, r, trace); };
  return Start(info.Env(), a, std::move(adapter));
}

Napi::Value StartMinimizeStochastic(const Napi::CallbackInfo& info) {
  CommonArgs a = ReadCommonArgs(info);
  CheckStochasticObjective(info.Env(), a.objective);
  core::StochasticOptions driver = ReadStochasticOptions(a.options);
  core::Settings settings = ReadSettings(a.options.Get("settings"));
  const bool trace = driver.trace;
  DriverAdapter<core::StochasticEpochRecord, core::StochasticResult> adapter;
  adapter.run = [driver, settings, x0 = a.x0](core::Objective& f, const RunFlags& flags,
                                              std::function<bool(const core::StochasticEpochRecord&)> hook) {
    core::StochasticOptions o = driver;
    o.cancel = &flags.cancel;
    o.stop_request = &flags.stop;
    o.on_epoch = std::move(hook);
    return core::minimize_stochastic(f, x0.data(), o, settings);
  };
  std::shared_ptr<std::int64_t> count = std::make_shared<std::int64_t>(0);
  adapter.sequence = [count](const core::StochasticEpochRecord&) { return ++*count; };
  adapter.record_to_js = EpochRecordToJs;
  adapter.result_to_js = [trace](Napi::Env env, const core::StochasticResult& r) {
    return StochasticResultToJs(env, r, trace);
  };
  return Start(info.Env(), a, std::move(adapter));
}

}  // namespace

void RegisterMinimizeAsync(Napi::Env env, Napi::Object exports) {
  exports.Set("startMinimize", Napi::Function::New(env, StartMinimize, "startMinimize"));
  exports.Set("startMinimizeStochastic", Napi::Function::New(env, StartMinimizeStochastic, "startMinimizeStochastic"));
}

}  // namespace stepsearch::binding
