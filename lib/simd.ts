/**
 * Which SIMD build of the native kernels this process runs (native/core/simd_level.cpp): the vectorized
 * exp/log1p of the logistic loss (native/core/logistic_kernel.cpp) exist as AVX-512 (8 doubles), AVX2 (4)
 * and SSE2 (2) builds, the dense row kernels (native/core/dense_kernels.cpp) as AVX-512 (8) and 2-double
 * builds, picked once per process from the CPU. Every build performs the same operations lane by lane
 * without FMA, so results are the same bits on every CPU and as the TypeScript backend; only the speed
 * differs.
 */
import { loadNative } from './native';

/** A SIMD build of the native loss kernels. */
export type SimdLevel = 'avx512' | 'avx2' | 'sse2';

/**
 * The SIMD build the native kernels run: the widest the CPU supports, capped by the environment variable
 * `STEPSEARCH_SIMD` (`avx2` or `sse2`, read once when the addon loads). A diagnostic for benchmark reports.
 * @throws the loader's error if the native addon cannot be loaded.
 */
export function simdLevel(): SimdLevel {
  return loadNative().simdLevel() as SimdLevel;
}
