// JS value → C++ pointer conversions for the binding, each validating its input and throwing a JS
// TypeError (wrong type) or RangeError (wrong length, value or range) whose message names the argument
// (design.md §4 "Errors": validate in TS and again here). Typed arrays are used zero-copy: Data() already
// applies the view's byteOffset, and callers keep a reference to every array whose pointer they retain.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data_matrix.hpp"

namespace stepsearch::binding {

[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

inline std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline Napi::Float64Array ToFloat64Array(Napi::Value v, const std::string& name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    ThrowType(v.Env(), name + " must be a Float64Array");
  return v.As<Napi::Float64Array>();
}

inline Napi::Int32Array ToInt32Array(Napi::Value v, const std::string& name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    ThrowType(v.Env(), name + " must be an Int32Array");
  return v.As<Napi::Int32Array>();
}

inline void CheckLength(Napi::Env env, std::size_t actual, std::size_t expected, const std::string& name) {
  if (actual != expected)
    ThrowRange(env, name + " must have length " + std::to_string(expected) + " (got " + std::to_string(actual) + ")");
}

inline void CheckFinite(Napi::Env env, const double* p, std::size_t n, const std::string& name) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i]))
      ThrowRange(env, name + " must contain only finite numbers (" + name + "[" + std::to_string(i) +
                          "] is " + FormatNumber(p[i]) + ")");
}

// A Float64Array of exactly `length` elements, optionally all finite (the inputs x, v, d of every method).
inline Napi::Float64Array ToVector(Napi::Value v, const std::string& name, std::size_t length, bool finite) {
  Napi::Float64Array a = ToFloat64Array(v, name);
  CheckLength(v.Env(), a.ElementLength(), length, name);
  if (finite) CheckFinite(v.Env(), a.Data(), a.ElementLength(), name);
  return a;
}

inline double ToFiniteNumber(Napi::Value v, const std::string& name) {
  if (!v.IsNumber()) ThrowType(v.Env(), name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) ThrowRange(v.Env(), name + " must be a finite number (got " + FormatNumber(d) + ")");
  return d;
}

// An integer-valued number in [lo, hi].
inline std::int64_t ToInteger(Napi::Value v, const std::string& name, std::int64_t lo, std::int64_t hi) {
  if (!v.IsNumber()) ThrowType(v.Env(), name + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi) && std::floor(d) == d))
    ThrowRange(v.Env(), name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                            "] (got " + FormatNumber(d) + ")");
  return static_cast<std::int64_t>(d);
}

// A typed array whose memory native code keeps using after the call that passed it, with the data pointer
// and element count seen when it was validated. JS can still invalidate that memory later: detaching the
// buffer (structuredClone/postMessage with `transfer`) hands it to another owner that may free it, and
// shrinking a resizable ArrayBuffer decommits it. IsIntact() re-reads both in O(1), so every later entry
// from JS can refuse to run on such an array instead of reading freed memory (SECURITY.md "Buffers").
struct HeldArray {
  Napi::Object array;
  const void* data = nullptr;
  std::size_t length = 0;
};

inline HeldArray Hold(const Napi::TypedArray& a) {
  napi_typedarray_type type;
  std::size_t length = 0;
  void* data = nullptr;
  napi_value buffer;
  std::size_t offset = 0;
  NAPI_THROW_IF_FAILED(a.Env(), napi_get_typedarray_info(a.Env(), a, &type, &length, &data, &buffer, &offset),
                       HeldArray{});
  return HeldArray{a, data, length};
}

// True when `array` still has the data pointer and length recorded by Hold().
inline bool IsIntact(Napi::Env env, napi_value array, const void* data, std::size_t length) {
  napi_typedarray_type type;
  std::size_t now_length = 0;
  void* now_data = nullptr;
  napi_value buffer;
  std::size_t offset = 0;
  if (napi_get_typedarray_info(env, array, &type, &now_length, &now_data, &buffer, &offset) != napi_ok) return false;
  return now_data == data && now_length == length;
}

// Runs `f` (a call into the core that may allocate scratch) and turns an allocation failure (std::bad_alloc,
// or std::length_error for a size beyond what a vector can hold) into a JS RangeError naming what was being
// done, instead of a bare "std::bad_alloc" Error or an internal library message (SECURITY.md "Resources").
template <class F>
auto GuardAllocation(Napi::Env env, const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    ThrowRange(env, std::string(what) + ": out of memory (the problem is too large for this machine)");
  } catch (const std::length_error&) {
    ThrowRange(env, std::string(what) + ": out of memory (the problem is too large for this machine)");
  }
}

// GuardAllocation for a whole driver run (the data's sizes were validated when the objective was built, so
// a size beyond any vector comes from the method's settings). In addition, a std::invalid_argument thrown
// by a method factory for a setting it rejects (its message names the setting: "memory: expected ...")
// becomes a RangeError, the error kind the TypeScript side throws for it.
template <class F>
auto GuardRun(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    ThrowRange(env, "X: out of memory (the problem is too large for this machine)");
  } catch (const std::length_error&) {
    ThrowRange(env, "options: a size set by the method's settings is too large to allocate");
  } catch (const std::invalid_argument& e) {
    ThrowRange(env, e.what());
  }
}

// A data matrix given as a plain object {kind: 'dense', data, rows, cols} or
// {kind: 'csr', rows, cols, indptr, indices, values} (lib/data.ts), fully validated.
// - Dense data and CSR values are used zero-copy: the views point into the JS arrays listed in `arrays`,
//   which the caller must keep referenced (and may re-check with IsIntact).
// - The CSR structure (indptr, indices) is COPIED into csr_indptr / csr_indices and validated there, and
//   csr_view points into the copies. The kernels index arrays with it (w[indices[p]], g[indices[p]] +=), so a
//   later change to the caller's Int32Arrays (by mistake, or by another thread through a SharedArrayBuffer,
//   even during validation) could otherwise make them read and write out of bounds. The copy costs
//   4·(rows + 1 + nnz) bytes once, a third of the CSR data, and nothing per call; re-validating the structure
//   on every call would cost a pass over nnz each time. Values stay zero-copy: a changed value gives a wrong
//   number, never an out-of-bounds access (the buffer-mutation contract in SECURITY.md).
//   Moving a MatrixArg keeps csr_view valid (std::vector's move keeps its buffer).
struct MatrixArg {
  bool dense = true;
  core::DenseView dense_view;
  core::CsrView csr_view;
  std::vector<std::int32_t> csr_indptr;
  std::vector<std::int32_t> csr_indices;
  std::vector<HeldArray> arrays;
  core::Index rows() const { return dense ? dense_view.rows : csr_view.rows; }
  core::Index cols() const { return dense ? dense_view.cols : csr_view.cols; }
};

inline MatrixArg ToMatrix(Napi::Value v, const std::string& name) {
  Napi::Env env = v.Env();
  if (!v.IsObject()) ThrowType(env, name + " must be an object {kind: 'dense' | 'csr', ...}");
  Napi::Object o = v.As<Napi::Object>();
  Napi::Value kind = o.Get("kind");
  const std::string k = kind.IsString() ? kind.As<Napi::String>().Utf8Value() : "";
  if (k != "dense" && k != "csr") ThrowType(env, name + ".kind must be 'dense' or 'csr'");
  constexpr std::int64_t kMaxDim = 2147483647;  // row and column indices are int32
  MatrixArg m;
  const std::int64_t rows = ToInteger(o.Get("rows"), name + ".rows", 1, kMaxDim);
  const std::int64_t cols = ToInteger(o.Get("cols"), name + ".cols", 1, kMaxDim);
  if (k == "dense") {
    Napi::Float64Array data = ToFloat64Array(o.Get("data"), name + ".data");
    if (static_cast<double>(rows) * static_cast<double>(cols) != static_cast<double>(data.ElementLength()))
      ThrowRange(env, name + ".data must have length rows*cols = " + FormatNumber(double(rows) * double(cols)) +
                          " (got " + std::to_string(data.ElementLength()) + ")");
    CheckFinite(env, data.Data(), data.ElementLength(), name + ".data");
    m.dense = true;
    m.dense_view = core::DenseView{data.Data(), rows, cols};
    m.arrays.push_back(Hold(data));
    return m;
  }
  Napi::Int32Array indptr = ToInt32Array(o.Get("indptr"), name + ".indptr");
  Napi::Int32Array indices = ToInt32Array(o.Get("indices"), name + ".indices");
  Napi::Float64Array values = ToFloat64Array(o.Get("values"), name + ".values");
  CheckLength(env, indptr.ElementLength(), static_cast<std::size_t>(rows) + 1, name + ".indptr");
  const std::size_t nnz = indices.ElementLength();
  CheckLength(env, values.ElementLength(), nnz, name + ".values");
  // Copy first, then validate the copy: what is checked is exactly what the kernels will read.
  m.csr_indptr.assign(indptr.Data(), indptr.Data() + indptr.ElementLength());
  m.csr_indices.assign(indices.Data(), indices.Data() + nnz);
  const std::int32_t* ptr = m.csr_indptr.data();
  const std::int32_t* idx = m.csr_indices.data();
  if (ptr[0] != 0) ThrowRange(env, name + ".indptr[0] must be 0 (got " + std::to_string(ptr[0]) + ")");
  if (static_cast<std::size_t>(ptr[rows]) != nnz || ptr[rows] < 0)
    ThrowRange(env, name + ".indptr[rows] must equal the number of stored entries " + std::to_string(nnz) +
                        " (got " + std::to_string(ptr[rows]) + ")");
  for (std::int64_t i = 0; i < rows; ++i) {
    if (ptr[i + 1] < ptr[i])
      ThrowRange(env, name + ".indptr must be non-decreasing (indptr[" + std::to_string(i + 1) + "] = " +
                          std::to_string(ptr[i + 1]) + " < indptr[" + std::to_string(i) + "] = " +
                          std::to_string(ptr[i]) + ")");
  }
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int32_t p = ptr[i]; p < ptr[i + 1]; ++p) {
      if (idx[p] < 0 || idx[p] >= cols)
        ThrowRange(env, name + ".indices[" + std::to_string(p) + "] = " + std::to_string(idx[p]) +
                            " is out of range [0, cols = " + std::to_string(cols) + ")");
      if (p > ptr[i] && idx[p] <= idx[p - 1])
        ThrowRange(env, name + ".indices must be strictly increasing within each row (row " + std::to_string(i) +
                            ": indices[" + std::to_string(p) + "] = " + std::to_string(idx[p]) + " after " +
                            std::to_string(idx[p - 1]) + ")");
    }
  }
  CheckFinite(env, values.Data(), nnz, name + ".values");
  m.dense = false;
  m.csr_view = core::CsrView{ptr, idx, values.Data(), rows, cols};
  m.arrays.push_back(Hold(values));
  return m;
}

}  // namespace stepsearch::binding
