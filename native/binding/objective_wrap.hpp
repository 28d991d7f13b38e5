// N-API classes over the core linear objectives (thin: validate, convert, forward; no maths here).
//
// JS surface (typed in lib/objectives/native_objective.ts):
//   new LinearObjective(loss, matrix, y, l2, classes)   loss: 'logistic' | 'least-squares' | 'softmax'
//     dim, numSamples, value(x), valueAndGradient(x, gradOut), gradient(x, out), hessVec(x, v, out),
//     hessDiag(x, out), along(x, d) → Line, batch(rows: Int32Array) → LinearObjective (a mini-batch view)
//   Line: value(t), valueAndSlope(t, out2) (φ'(t) written to out2[0])
//   setThreads(n), getThreads()
//
// Lifetime: the data arrays are used zero-copy; every LinearObjective holds references to them (a view
// holds a reference to the objective it was made from), and a Line to its objective, so the memory stays
// valid as long as any of them is reachable, including during an async run that holds the wrapper.
// Exceptions to zero-copy, for memory safety (SECURITY.md): the CSR structure (indptr, indices) and softmax
// labels are copied at construction, because the kernels index arrays with them. Every call from JS first
// checks in O(1) per array that no data array was detached or shrunk since construction (CheckData).
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/objective.hpp"

namespace stepsearch::binding {

class LinearObjectiveWrap : public Napi::ObjectWrap<LinearObjectiveWrap> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit LinearObjectiveWrap(const Napi::CallbackInfo& info);

  // The core objective. It keeps per-call caches: a run on another thread should use objective()->clone()
  // (same data, own caches) and hold a reference to this wrapper's JS object (Napi::ObjectReference, or
  // Ref()/Unref()) for as long as the clone is used, so that the data stays alive.
  core::Objective* objective() { return objective_.get(); }

  // Throws a TypeError naming X (or y) when a zero-copy data array of the full objective was detached or
  // resized since construction: its memory may be gone. O(1) per array; called before every use from JS.
  void CheckData(Napi::Env env) const;

 private:
  struct ViewInit;
  friend class LineWrap;

  void InitFromArguments(const Napi::CallbackInfo& info);
  void InitAsView(const Napi::CallbackInfo& info, ViewInit* init);
  Napi::Float64Array Point(const Napi::CallbackInfo& info, std::size_t index, const char* name) const;
  Napi::Float64Array Output(const Napi::CallbackInfo& info, std::size_t index, const char* name) const;

  Napi::Value Dim(const Napi::CallbackInfo& info);
  Napi::Value NumSamples(const Napi::CallbackInfo& info);
  Napi::Value Value(const Napi::CallbackInfo& info);
  Napi::Value ValueAndGradient(const Napi::CallbackInfo& info);
  Napi::Value Gradient(const Napi::CallbackInfo& info);
  Napi::Value HessVec(const Napi::CallbackInfo& info);
  Napi::Value HessDiag(const Napi::CallbackInfo& info);
  Napi::Value Along(const Napi::CallbackInfo& info);
  Napi::Value Batch(const Napi::CallbackInfo& info);

  std::unique_ptr<core::Objective> objective_;
  std::size_t dim_ = 0;
  std::int64_t full_rows_ = 0;                   // rows of the full data (range of batch row indices)
  struct HeldReference {
    Napi::ObjectReference ref;
    const void* data;
    std::size_t length;
    const char* name;  // for the error message
  };
  std::vector<HeldReference> arrays_;            // zero-copy data arrays the core reads (full objective)
  std::vector<std::int32_t> csr_indptr_;         // owned CSR structure (the core's CsrView points here)
  std::vector<std::int32_t> csr_indices_;
  std::vector<double> labels_;                   // softmax: owned copy of the labels (used as indices)
  Napi::ObjectReference root_;                   // for a view: the full objective (owns arrays_)
  LinearObjectiveWrap* root_wrap_ = nullptr;     // this, or the full objective of a view
  std::vector<std::int32_t> rows_;               // for a view: its rows (select_rows keeps the pointer)
};

// A native LinearObjective's core objective, or nullptr when v is anything else (checked with a napi type
// tag: RTTI is off). For optimizers that run natively on a JS-provided objective.
core::Objective* UnwrapNativeObjective(Napi::Value v);
// The wrapper itself (for Ref/Unref), or nullptr when v is not a LinearObjective.
LinearObjectiveWrap* UnwrapLinearObjective(Napi::Value v);

// Adds LinearObjective, Line, setThreads and getThreads to exports.
void RegisterObjectives(Napi::Env env, Napi::Object exports);

}  // namespace stepsearch::binding
