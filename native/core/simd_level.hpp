// Which SIMD build of the vectorized kernels this process runs (logistic_kernel.cpp, dense_kernels.cpp):
// the CPU's widest of AVX-512, AVX2 and the x86-64 baseline (SSE2), read once with __builtin_cpu_supports
// and capped by the environment variable STEPSEARCH_SIMD=sse2|avx2, so that tests can compare the builds.
// Every build evaluates the same operations lane by lane without FMA (-ffp-contract=off), so all give the
// same bits: the level changes speed, never results.
#pragma once

// Runtime dispatch needs GCC's target attributes and __builtin_cpu_supports (x86-64 Linux); elsewhere only the
// baseline build exists.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define STEPSEARCH_DISPATCH 1
#define STEPSEARCH_AVX2 __attribute__((target("avx2")))
#define STEPSEARCH_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
#else
#define STEPSEARCH_DISPATCH 0
#define STEPSEARCH_AVX2
#define STEPSEARCH_AVX512
#endif

namespace stepsearch::core {

enum class SimdLevel { kBase, kAvx2, kAvx512 };

// The widest build this CPU runs, capped by STEPSEARCH_SIMD (sse2 or avx2; anything else: no cap).
SimdLevel simd_level();

// The one of three alternatives (a build of a loop, or its name) that belongs to this process's level.
template <class T>
T by_level(T avx512, T avx2, T base) {
  switch (simd_level()) {
    case SimdLevel::kAvx512:
      return avx512;
    case SimdLevel::kAvx2:
      return avx2;
    case SimdLevel::kBase:
      break;
  }
  return base;
}

}  // namespace stepsearch::core
