#include "binding/objective_wrap.hpp"

#include <cmath>
#include <string>

#include "binding/addon_data.hpp"
#include "binding/convert.hpp"
#include "core/linear_objectives.hpp"

namespace stepsearch::binding {

namespace {

// Identifies LinearObjective instances across the addon boundary (napi_type_tag_object; no RTTI).
constexpr napi_type_tag kLinearObjectiveTag = {0x5f1b3c6a2d8e4f70ULL, 0x9a4c1e7b3d5f2a86ULL};

constexpr std::int64_t kMaxDim = 2147483647;
// Softmax classes, as lib/objectives/factories.ts MAX_CLASSES: more is never a practical dense softmax, and
// refusing it keeps an absurd option from becoming a many-GiB allocation (SECURITY.md "Resource use").
constexpr std::int64_t kMaxClasses = std::int64_t{1} << 24;

core::LossKind ToLoss(Napi::Value v) {
  const std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (s == "logistic") return core::LossKind::kLogistic;
  if (s == "least-squares") return core::LossKind::kLeastSquares;
  if (s == "softmax") return core::LossKind::kSoftmax;
  ThrowType(v.Env(), "loss must be 'logistic', 'least-squares' or 'softmax'");
}

// Labels valid for the loss: b ∈ {0, 1} for logistic (TS maps ±1 first), finite targets for least squares,
// integers 0..classes−1 for softmax.
void CheckLabels(Napi::Env env, core::LossKind loss, const double* y, std::size_t n, std::int64_t classes) {
  const double K = static_cast<double>(classes);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = y[i];
    const bool ok = loss == core::LossKind::kLogistic       ? (v == 0.0 || v == 1.0)
                    : loss == core::LossKind::kLeastSquares ? std::isfinite(v)
                                                            : (v >= 0.0 && v < K && std::floor(v) == v);
    if (ok) continue;
    const std::string at = " (y[" + std::to_string(i) + "] = " + FormatNumber(v) + ")";
    if (loss == core::LossKind::kLogistic) ThrowRange(env, "y must hold 0/1 labels for the logistic loss" + at);
    if (loss == core::LossKind::kLeastSquares) ThrowRange(env, "y must contain only finite numbers" + at);
    ThrowRange(env, "y must hold class indices 0.." + std::to_string(classes - 1) + " for softmax" + at);
  }
}

}  // namespace

// Construction data for a mini-batch view (passed through the constructor as an External: JS code cannot
// create one, so `new LinearObjective(...)` from JS always takes the validating path).
struct LinearObjectiveWrap::ViewInit {
  LinearObjectiveWrap* root;
  Napi::Object root_object;
  std::vector<std::int32_t> rows;
};

// ---------------------------------------------------------------------------------------------------------
// Line

class LineWrap : public Napi::ObjectWrap<LineWrap> {
 public:
  struct Init {
    std::unique_ptr<core::LineFunction> line;
    Napi::Object objective;
    const LinearObjectiveWrap* data_owner;  // the full objective whose arrays the line reads
  };

  static Napi::Function DefineClass(Napi::Env env) {
    return ObjectWrap<LineWrap>::DefineClass(env, "Line",
                                             {InstanceMethod<&LineWrap::Value>("value"),
                                              InstanceMethod<&LineWrap::ValueAndSlope>("valueAndSlope")});
  }

  explicit LineWrap(const Napi::CallbackInfo& info) : ObjectWrap<LineWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal())
      ThrowType(info.Env(), "Line cannot be constructed directly; use LinearObjective.along(x, d)");
    Init* init = info[0].As<Napi::External<Init>>().Data();
    line_ = std::move(init->line);
    objective_ = Napi::Persistent(init->objective);
    data_owner_ = init->data_owner;
  }

 private:
  Napi::Value Value(const Napi::CallbackInfo& info) {
    const double t = ToFiniteNumber(info[0], "t");
    data_owner_->CheckData(info.Env());
    return Napi::Number::New(info.Env(), GuardAllocation(info.Env(), "X", [&] { return line_->value(t); }));
  }

  Napi::Value ValueAndSlope(const Napi::CallbackInfo& info) {
    const double t = ToFiniteNumber(info[0], "t");
    Napi::Float64Array out = ToFloat64Array(info[1], "out");
    if (out.ElementLength() < 1) ThrowRange(info.Env(), "out must have length ≥ 1 (the slope is written to out[0])");
    data_owner_->CheckData(info.Env());
    double slope = 0.0;
    const double value = GuardAllocation(info.Env(), "X", [&] { return line_->value_and_slope(t, &slope); });
    out.Data()[0] = slope;
    return Napi::Number::New(info.Env(), value);
  }

  std::unique_ptr<core::LineFunction> line_;
  Napi::ObjectReference objective_;  // keeps the objective (and through it the data) alive
  const LinearObjectiveWrap* data_owner_ = nullptr;  // kept alive through objective_
};

// ---------------------------------------------------------------------------------------------------------
// LinearObjective

Napi::Function LinearObjectiveWrap::DefineClass(Napi::Env env) {
  return ObjectWrap<LinearObjectiveWrap>::DefineClass(
      env, "LinearObjective",
      {InstanceAccessor<&LinearObjectiveWrap::Dim>("dim"),
       InstanceAccessor<&LinearObjectiveWrap::NumSamples>("numSamples"),
       InstanceMethod<&LinearObjectiveWrap::Value>("value"),
       InstanceMethod<&LinearObjectiveWrap::ValueAndGradient>("valueAndGradient"),
       InstanceMethod<&LinearObjectiveWrap::Gradient>("gradient"),
       InstanceMethod<&LinearObjectiveWrap::HessVec>("hessVec"),
       InstanceMethod<&LinearObjectiveWrap::HessDiag>("hessDiag"),
       InstanceMethod<&LinearObjectiveWrap::Along>("along"),
       InstanceMethod<&LinearObjectiveWrap::Batch>("batch")});
}

LinearObjectiveWrap::LinearObjectiveWrap(const Napi::CallbackInfo& info) : ObjectWrap<LinearObjectiveWrap>(info) {
  if (info.Length() == 1 && info[0].IsExternal())
    InitAsView(info, info[0].As<Napi::External<ViewInit>>().Data());
  else
    InitFromArguments(info);
  info.This().As<Napi::Object>().TypeTag(&kLinearObjectiveTag);
}

void LinearObjectiveWrap::InitFromArguments(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const core::LossKind loss = ToLoss(info[0]);
  MatrixArg X = ToMatrix(info[1], "matrix");
  Napi::Float64Array y = ToFloat64Array(info[2], "y");
  CheckLength(env, y.ElementLength(), static_cast<std::size_t>(X.rows()), "y");
  const double l2 = ToFiniteNumber(info[3], "l2");
  if (l2 < 0.0) ThrowRange(env, "l2 must be ≥ 0 (got " + FormatNumber(l2) + ")");
  std::int64_t classes = 1;
  if (loss == core::LossKind::kSoftmax) {
    classes = ToInteger(info[4], "classes", 2, kMaxClasses);
    if (static_cast<double>(classes) * static_cast<double>(X.cols()) > static_cast<double>(kMaxDim))
      ThrowRange(env, "classes × matrix.cols must be at most " + std::to_string(kMaxDim) + " parameters");
    // The scores of every row (rows × classes doubles, plus as many again for a line) are cached; refuse a
    // size that cannot be a real allocation before the first call tries it (SECURITY.md "Resources").
    if (static_cast<double>(classes) * static_cast<double>(X.rows()) > static_cast<double>(kMaxDim))
      ThrowRange(env, "classes: X.rows × classes = " +
                          FormatNumber(static_cast<double>(classes) * static_cast<double>(X.rows())) +
                          " cached scores is too many (at most " + std::to_string(kMaxDim) + ")");
  }
  const double* labels = y.Data();
  if (loss == core::LossKind::kSoftmax) {
    // Softmax labels index the score arrays: own a copy (validated below) so that no later change to the
    // caller's array can turn into an out-of-bounds access.
    labels_.assign(y.Data(), y.Data() + y.ElementLength());
    labels = labels_.data();
  }
  CheckLabels(env, loss, labels, y.ElementLength(), classes);

  objective_ = X.dense ? core::make_linear_objective(loss, X.dense_view, labels, l2, classes)
                       : core::make_linear_objective(loss, X.csr_view, labels, l2, classes);
  dim_ = static_cast<std::size_t>(objective_->dim());
  full_rows_ = X.rows();
  // The core's CsrView points into X's structure copies; moving the vectors keeps their buffers.
  csr_indptr_ = std::move(X.csr_indptr);
  csr_indices_ = std::move(X.csr_indices);
  for (HeldArray& a : X.arrays) arrays_.push_back({Napi::Persistent(a.array), a.data, a.length, "X"});
  if (labels_.empty()) {
    HeldArray h = Hold(y);
    arrays_.push_back({Napi::Persistent(h.array), h.data, h.length, "y"});
  }
  root_wrap_ = this;
}

void LinearObjectiveWrap::CheckData(Napi::Env env) const {
  for (const HeldReference& a : root_wrap_->arrays_) {
    if (!IsIntact(env, a.ref.Value(), a.data, a.length))
      ThrowType(env, std::string(a.name) + ": a data array of this objective was detached or resized after the " +
                         "objective was created; X and y must stay unchanged while an objective uses them");
  }
}

void LinearObjectiveWrap::InitAsView(const Napi::CallbackInfo& info, ViewInit* init) {
  objective_ = GuardAllocation(info.Env(), "rows", [&] { return init->root->objective_->make_batch_view(); });
  rows_ = std::move(init->rows);
  objective_->select_rows(rows_.data(), static_cast<core::Index>(rows_.size()));
  dim_ = init->root->dim_;
  full_rows_ = init->root->full_rows_;
  root_ = Napi::Persistent(init->root_object);
  root_wrap_ = init->root;
}

Napi::Float64Array LinearObjectiveWrap::Point(const Napi::CallbackInfo& info, std::size_t index,
                                              const char* name) const {
  return ToVector(info[index], name, dim_, true);
}

Napi::Float64Array LinearObjectiveWrap::Output(const Napi::CallbackInfo& info, std::size_t index,
                                               const char* name) const {
  return ToVector(info[index], name, dim_, false);
}

Napi::Value LinearObjectiveWrap::Dim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(dim_));
}

Napi::Value LinearObjectiveWrap::NumSamples(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(objective_->num_samples()));
}

// Outputs may alias inputs (the core copies x, and v when it aliases out, before writing).
Napi::Value LinearObjectiveWrap::Value(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  CheckData(info.Env());
  return Napi::Number::New(info.Env(), GuardAllocation(info.Env(), "X", [&] { return objective_->value(x.Data()); }));
}

Napi::Value LinearObjectiveWrap::ValueAndGradient(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  Napi::Float64Array g = Output(info, 1, "gradOut");
  CheckData(info.Env());
  return Napi::Number::New(info.Env(), GuardAllocation(info.Env(), "X", [&] {
    return objective_->value_and_gradient(x.Data(), g.Data());
  }));
}

Napi::Value LinearObjectiveWrap::Gradient(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  Napi::Float64Array out = Output(info, 1, "out");
  CheckData(info.Env());
  GuardAllocation(info.Env(), "X", [&] { objective_->gradient(x.Data(), out.Data()); });
  return out;
}

Napi::Value LinearObjectiveWrap::HessVec(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  Napi::Float64Array v = Point(info, 1, "v");
  Napi::Float64Array out = Output(info, 2, "out");
  CheckData(info.Env());
  GuardAllocation(info.Env(), "X", [&] { objective_->hess_vec(x.Data(), v.Data(), out.Data()); });
  return out;
}

Napi::Value LinearObjectiveWrap::HessDiag(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  Napi::Float64Array out = Output(info, 1, "out");
  CheckData(info.Env());
  GuardAllocation(info.Env(), "X", [&] { objective_->hess_diag(x.Data(), out.Data()); });
  return out;
}

Napi::Value LinearObjectiveWrap::Along(const Napi::CallbackInfo& info) {
  Napi::Float64Array x = Point(info, 0, "x");
  Napi::Float64Array d = Point(info, 1, "d");
  CheckData(info.Env());
  LineWrap::Init init{GuardAllocation(info.Env(), "X", [&] { return objective_->make_line(); }),
                      info.This().As<Napi::Object>(), root_wrap_};
  GuardAllocation(info.Env(), "X", [&] { init.line->reset(x.Data(), d.Data()); });
  return GetAddonData(info.Env()).line.New({Napi::External<LineWrap::Init>::New(info.Env(), &init)});
}

Napi::Value LinearObjectiveWrap::Batch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Int32Array rows = ToInt32Array(info[0], "rows");
  const std::size_t count = rows.ElementLength();
  if (count == 0) ThrowRange(env, "rows must not be empty");
  const std::int32_t* r = rows.Data();
  for (std::size_t k = 0; k < count; ++k)
    if (r[k] < 0 || r[k] >= full_rows_)
      ThrowRange(env, "rows[" + std::to_string(k) + "] = " + std::to_string(r[k]) + " is out of range [0, " +
                          std::to_string(full_rows_) + ")");
  CheckData(env);
  LinearObjectiveWrap* root = root_wrap_;
  ViewInit init{root, root == this ? info.This().As<Napi::Object>() : root_.Value(),
                GuardAllocation(env, "rows", [&] { return std::vector<std::int32_t>(r, r + count); })};
  return GetAddonData(env).linear_objective.New({Napi::External<ViewInit>::New(env, &init)});
}

// ---------------------------------------------------------------------------------------------------------

LinearObjectiveWrap* UnwrapLinearObjective(Napi::Value v) {
  if (v.IsEmpty() || !v.IsObject()) return nullptr;
  Napi::Object o = v.As<Napi::Object>();
  if (!o.CheckTypeTag(&kLinearObjectiveTag)) return nullptr;
  return LinearObjectiveWrap::Unwrap(o);
}

core::Objective* UnwrapNativeObjective(Napi::Value v) {
  LinearObjectiveWrap* w = UnwrapLinearObjective(v);
  return w ? w->objective() : nullptr;
}

void RegisterObjectives(Napi::Env env, Napi::Object exports) {
  AddonData& data = GetAddonData(env);
  Napi::Function objective = LinearObjectiveWrap::DefineClass(env);
  Napi::Function line = LineWrap::DefineClass(env);
  data.linear_objective = Napi::Persistent(objective);
  data.line = Napi::Persistent(line);
  exports.Set("LinearObjective", objective);
  exports.Set("Line", line);
}

}  // namespace stepsearch::binding
