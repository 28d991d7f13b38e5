// Per-method settings as named numbers and strings. The TypeScript side validates options and fills every
// default before a native run, so the core reads explicit values; the fallbacks here are the same defaults
// (documented in each method's Options) for C++ users of the core.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace stepsearch::core {

class Settings {
 public:
  void set_number(const std::string& key, double v) { numbers_[key] = v; }
  void set_text(const std::string& key, const std::string& v) { texts_[key] = v; }
  void set_vector(const std::string& key, std::vector<double> v) { vectors_[key] = std::move(v); }

  double number(const std::string& key, double fallback) const {
    auto it = numbers_.find(key);
    return it == numbers_.end() ? fallback : it->second;
  }
  // An integer setting in [lo, hi]; throws std::invalid_argument naming the key otherwise (never an
  // undefined float-to-int cast on an out-of-range value).
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t lo, std::int64_t hi) const {
    const double v = number(key, static_cast<double>(fallback));
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || std::floor(v) != v)
      throw std::invalid_argument(key + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<std::int64_t>(v);
  }
  bool flag(const std::string& key, bool fallback) const {
    auto it = numbers_.find(key);
    return it == numbers_.end() ? fallback : it->second != 0.0;
  }
  std::string text(const std::string& key, const std::string& fallback) const {
    auto it = texts_.find(key);
    return it == texts_.end() ? fallback : it->second;
  }
  // nullptr when absent.
  const std::vector<double>* vector(const std::string& key) const {
    auto it = vectors_.find(key);
    return it == vectors_.end() ? nullptr : &it->second;
  }
  bool has(const std::string& key) const { return numbers_.count(key) || texts_.count(key) || vectors_.count(key); }

 private:
  std::map<std::string, double> numbers_;
  std::map<std::string, std::string> texts_;
  std::map<std::string, std::vector<double>> vectors_;
};

}  // namespace stepsearch::core
