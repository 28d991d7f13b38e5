#include "core/simd_level.hpp"

#include <cstdlib>
#include <cstring>

namespace stepsearch::core {

SimdLevel simd_level() {
#if STEPSEARCH_DISPATCH
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    SimdLevel l = SimdLevel::kBase;
    if (__builtin_cpu_supports("avx2")) l = SimdLevel::kAvx2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
      l = SimdLevel::kAvx512;
    const char* cap = std::getenv("STEPSEARCH_SIMD");
    if (cap && std::strcmp(cap, "sse2") == 0) l = SimdLevel::kBase;
    if (cap && std::strcmp(cap, "avx2") == 0 && l == SimdLevel::kAvx512) l = SimdLevel::kAvx2;
    return l;
  }();
  return level;
#else
  return SimdLevel::kBase;
#endif
}

}  // namespace stepsearch::core
