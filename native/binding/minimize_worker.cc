// minimizeAsync's native half: runs core::minimize on a libuv worker thread (design.md §4 "Async").
//
// startMinimize(handle, x0, options, progressEvery, onProgress, onDone) → { abort(), stop() }
// - The objective's JS wrapper is held by a persistent reference for the whole run, so the data it
//   references stays alive even if the caller drops every reference.
// - Progress: every progressEvery-th record (and none after the end) is queued to the main thread in order.
// - abort() sets an atomic flag the driver polls every iteration and methods poll inside long inner loops;
//   the run then settles with status 'aborted' and the partial result. stop() is the async form of a callback
//   returning 'stop'.
// - An exception thrown by onProgress is kept, the run is cancelled, and onDone receives the original error.
#include <napi.h>

#include <atomic>
#include <memory>
#include <vector>

#include "binding/minimize_binding.hpp"
#include "binding/objective_wrap.hpp"
#include "core/driver.hpp"

namespace stepsearch::binding {

namespace {

struct RunFlags {
  std::atomic<bool> cancel{false};
  std::atomic<bool> stop{false};
};

class MinimizeWorker : public Napi::AsyncProgressQueueWorker<core::IterationRecord> {
 public:
  MinimizeWorker(Napi::Function on_done, Napi::Function on_progress, Napi::Object objective_js,
                 core::Objective* objective, std::vector<double> x0, core::DriverOptions options,
                 core::Settings settings, std::shared_ptr<RunFlags> flags, std::int64_t progress_every)
      : Napi::AsyncProgressQueueWorker<core::IterationRecord>(on_done, "stepsearch.minimize"),
        objective_js_(Napi::Persistent(objective_js)),
        own_copy_(objective->clone()),
        objective_(own_copy_ ? own_copy_.get() : objective),
        x0_(std::move(x0)),
        options_(std::move(options)),
        settings_(std::move(settings)),
        flags_(std::move(flags)),
        progress_every_(progress_every) {
    if (!on_progress.IsEmpty()) on_progress_ = Napi::Persistent(on_progress);
    options_.cancel = &flags_->cancel;
    options_.stop_request = &flags_->stop;
  }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    if (!on_progress_.IsEmpty()) {
      options_.on_iteration = [this, &progress](const core::IterationRecord& r) {
        if (r.iter % progress_every_ == 0) progress.Send(&r, 1);
        return false;
      };
    }
    try {
      result_ = core::minimize(*objective_, x0_.data(), options_, settings_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnProgress(const core::IterationRecord* data, size_t count) override {
    if (on_progress_.IsEmpty() || !callback_error_.IsEmpty()) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; ++i) {
      try {
        Napi::Value answer = on_progress_.Call({RecordToJs(env, data[i])});
        if (answer.IsString() && answer.As<Napi::String>().Utf8Value() == "stop") flags_->stop = true;
      } catch (const Napi::Error& e) {
        callback_error_ = Napi::Persistent(static_cast<Napi::Value>(e.Value()));
        flags_->cancel = true;
        return;
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (!callback_error_.IsEmpty()) {
      Callback().Call({callback_error_.Value()});
      return;
    }
    Callback().Call({env.Null(), ResultToJs(env, result_, options_.trace)});
  }

  void OnError(const Napi::Error& e) override {
    Napi::HandleScope scope(Env());
    Callback().Call({e.Value()});
  }

 private:
  Napi::ObjectReference objective_js_;  // keeps the objective and its data alive during the run
  // The run's private clone (own caches), so several runs and main-thread calls can share one objective.
  std::unique_ptr<core::Objective> own_copy_;
  core::Objective* objective_;
  std::vector<double> x0_;
  core::DriverOptions options_;
  core::Settings settings_;
  std::shared_ptr<RunFlags> flags_;
  std::int64_t progress_every_;
  Napi::FunctionReference on_progress_;
  Napi::Reference<Napi::Value> callback_error_;
  core::Result result_;
};

Napi::Value StartMinimize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "objective: expected a native objective handle");
  core::Objective* objective = UnwrapNativeObjective(info[0]);
  if (objective == nullptr) throw Napi::TypeError::New(env, "objective: expected a native objective handle");
  std::vector<double> x0 = ReadStartPoint(info[1], objective->dim());
  if (!info[2].IsObject()) throw Napi::TypeError::New(env, "options: expected an object");
  Napi::Object options = info[2].As<Napi::Object>();
  core::DriverOptions driver = ReadDriverOptions(options);
  core::Settings settings = ReadSettings(options.Get("settings"));
  if (!info[3].IsNumber()) throw Napi::TypeError::New(env, "progressEvery: expected a positive integer");
  const double every = info[3].As<Napi::Number>().DoubleValue();
  if (!(every >= 1) || every != static_cast<double>(static_cast<std::int64_t>(every)))
    throw Napi::RangeError::New(env, "progressEvery: expected a positive integer");
  Napi::Function on_progress;
  if (info[4].IsFunction()) on_progress = info[4].As<Napi::Function>();
  if (!info[5].IsFunction()) throw Napi::TypeError::New(env, "onDone: expected a function");
  auto flags = std::make_shared<RunFlags>();
  auto* worker = new MinimizeWorker(info[5].As<Napi::Function>(), on_progress, info[0].As<Napi::Object>(), objective,
                                    std::move(x0), std::move(driver), std::move(settings), flags,
                                    static_cast<std::int64_t>(every));
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

}  // namespace

void RegisterMinimizeAsync(Napi::Env env, Napi::Object exports) {
  exports.Set("startMinimize", Napi::Function::New(env, StartMinimize, "startMinimize"));
}

}  // namespace stepsearch::binding
