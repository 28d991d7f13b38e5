#include "core/logistic_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "core/scalar_math.hpp"
#include "core/simd_math.hpp"

// Runtime dispatch (GCC on x86-64 Linux, as for dense_kernels.cpp): the loops are built as an AVX2 function
// on 4-double vectors and a baseline function on 2-double vectors (SSE2), picked once per process with
// __builtin_cpu_supports. Both evaluate the same operations lane by lane, without FMA, so they round every
// operation identically: results do not depend on the CPU. (One source compiled twice by target_clones would
// leave the baseline with 4-wide vectors that GCC keeps in memory: 3x slower than the scalar path.)
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define STEPSEARCH_DISPATCH 1
#define STEPSEARCH_AVX2 __attribute__((target("avx2")))
#else
#define STEPSEARCH_DISPATCH 0
#define STEPSEARCH_AVX2
#endif

namespace stepsearch::core {

namespace {

using simd::lanes_of;
using simd::load;
using simd::logistic_terms;
using simd::splat;
using simd::V2;
using simd::V4;

// Rows are handled in chunks of kChunk: first the terms of the whole chunk (independent vector work, which
// out-of-order execution overlaps freely), then their double-double sums (LaneSum: four chains in row order).
// Measured slower on this machine (AMD EPYC, Zen 4): adding each row group right after computing it
// (1.2x), a software pipeline adding the previous chunk during the current one (1.1x), two vectors
// interleaved per step or 8-double vectors (1.6x and 2.3x: register spills, scalarized blends).
constexpr std::int64_t kChunk = 256;

// The margins are z_r + t·q_r when kLine (a line trial), else z_r. The slope terms (when kSlope) are
// (σ − b)·q_r summed into *slope when kLine, else σ − b stored to slopes[r − begin].
template <bool kLine, bool kSlope, class V>
STEPSEARCH_INLINE void loss_sums(const double* z, const double* q, const double* b, const std::int32_t* rows,
                                 std::int64_t begin, std::int64_t end, double t, CompensatedSum* value,
                                 CompensatedSum* slope, double* slopes) {
  LaneSum v, s;
  alignas(32) double loss[kChunk], term_buf[kChunk];
  const V one = splat<V>(1.0);
  for (std::int64_t c = begin; c < end; c += kChunk) {
    const std::int64_t n = std::min(kChunk, end - c);
    double* term = kLine || !kSlope ? term_buf : slopes + (c - begin);
    std::int64_t j = 0;
    for (; j + lanes_of<V> <= n; j += lanes_of<V>) {
      const std::int64_t r = c + j;
      V bv;
      if (rows) {
        for (int k = 0; k < lanes_of<V>; ++k) bv[k] = b[rows[r + k]];
      } else {
        bv = load<V>(b + r);
      }
      if constexpr (kLine) {
        const V qv = load<V>(q + r);
        logistic_terms<kSlope, V>(load<V>(z + r) + t * qv, bv, qv, loss + j, term + j);
      } else {
        logistic_terms<kSlope, V>(load<V>(z + r), bv, one, loss + j, term + j);
      }
    }
    if (j < n) {  // the last rows, padded with zeros (the padding lanes are neither added nor stored)
      double zs[lanes_of<V>] = {}, qs[lanes_of<V>] = {}, bs[lanes_of<V>] = {};
      double ls[lanes_of<V>], ts[lanes_of<V>];
      for (std::int64_t k = 0; k < n - j; ++k) {
        const std::int64_t r = c + j + k;
        zs[k] = z[r];
        qs[k] = kLine ? q[r] : 1.0;
        bs[k] = b[rows ? rows[r] : r];
      }
      const V qv = load<V>(qs);
      logistic_terms<kSlope, V>(kLine ? load<V>(zs) + t * qv : load<V>(zs), load<V>(bs), qv, ls, ts);
      for (std::int64_t k = 0; k < n - j; ++k) {
        loss[j + k] = ls[k];
        if (kSlope) term[j + k] = ts[k];
      }
    }
    v.add_run(loss, n);
    if (kLine && kSlope) s.add_run(term, n);
  }
  v.merge_into(value);
  if (kLine && kSlope) s.merge_into(slope);
}

// out[r] = σ(z_r)(1 − σ(z_r)) = e/(1 + e)², e = e^{−|z_r|}, for r ∈ [0, count): the lanes of sigmoid_curvature.
template <class V>
STEPSEARCH_INLINE void curvature_run(const double* z, std::int64_t count, double* out) {
  std::int64_t r = 0;
  for (; r + lanes_of<V> <= count; r += lanes_of<V>) {
    const V c = simd::logistic_curvature(load<V>(z + r));
    std::memcpy(out + r, &c, sizeof c);
  }
  for (; r < count; ++r) out[r] = sigmoid_curvature(z[r]);
}

// The two builds of each loop (see STEPSEARCH_DISPATCH above).
STEPSEARCH_AVX2 void curvatures_avx2(const double* z, std::int64_t count, double* out) {
  curvature_run<V4>(z, count, out);
}
void curvatures_base(const double* z, std::int64_t count, double* out) { curvature_run<V2>(z, count, out); }

template <bool kLine, bool kSlope>
STEPSEARCH_AVX2 void sums_avx2(const double* z, const double* q, const double* b, const std::int32_t* rows,
                               std::int64_t begin, std::int64_t end, double t, CompensatedSum* value,
                               CompensatedSum* slope, double* slopes) {
  loss_sums<kLine, kSlope, V4>(z, q, b, rows, begin, end, t, value, slope, slopes);
}
template <bool kLine, bool kSlope>
void sums_base(const double* z, const double* q, const double* b, const std::int32_t* rows, std::int64_t begin,
               std::int64_t end, double t, CompensatedSum* value, CompensatedSum* slope, double* slopes) {
  loss_sums<kLine, kSlope, V2>(z, q, b, rows, begin, end, t, value, slope, slopes);
}

bool use_avx2() {
#if STEPSEARCH_DISPATCH
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return avx2;
#else
  return false;
#endif
}

template <bool kLine, bool kSlope>
void sums(const double* z, const double* q, const double* b, const std::int32_t* rows, std::int64_t begin,
          std::int64_t end, double t, CompensatedSum* value, CompensatedSum* slope, double* slopes) {
  if (use_avx2())
    sums_avx2<kLine, kSlope>(z, q, b, rows, begin, end, t, value, slope, slopes);
  else
    sums_base<kLine, kSlope>(z, q, b, rows, begin, end, t, value, slope, slopes);
}

}  // namespace

void logistic_curvatures(const double* z, std::int64_t count, double* out) {
  if (use_avx2())
    curvatures_avx2(z, count, out);
  else
    curvatures_base(z, count, out);
}

void logistic_line_value(const double* z, const double* q, const double* b, const std::int32_t* rows,
                         std::int64_t begin, std::int64_t end, double t, CompensatedSum* value) {
  sums<true, false>(z, q, b, rows, begin, end, t, value, nullptr, nullptr);
}

void logistic_line_value_and_slope(const double* z, const double* q, const double* b, const std::int32_t* rows,
                                   std::int64_t begin, std::int64_t end, double t, CompensatedSum* value,
                                   CompensatedSum* slope) {
  sums<true, true>(z, q, b, rows, begin, end, t, value, slope, nullptr);
}

void logistic_value(const double* z, const double* b, const std::int32_t* rows, std::int64_t begin,
                    std::int64_t end, CompensatedSum* value) {
  sums<false, false>(z, nullptr, b, rows, begin, end, 0.0, value, nullptr, nullptr);
}

void logistic_value_and_slopes(const double* z, const double* b, const std::int32_t* rows, std::int64_t begin,
                               std::int64_t end, CompensatedSum* value, double* slopes) {
  sums<false, true>(z, nullptr, b, rows, begin, end, 0.0, value, nullptr, slopes);
}

}  // namespace stepsearch::core
