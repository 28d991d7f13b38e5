#include "core/logistic_kernel.hpp"

#include <algorithm>
#include <cstring>

#include "core/scalar_math.hpp"
#include "core/simd_level.hpp"
#include "core/simd_math.hpp"

// Runtime dispatch (simd_level.hpp): the loops are built as an AVX-512 function on 8-double vectors, an
// AVX2 function on 4-double vectors and a baseline function on 2-double vectors (SSE2). All evaluate the same
// operations lane by lane, without FMA (-ffp-contract=off; the AVX-512 target would otherwise contract), so
// they round every operation identically: results do not depend on the CPU. (One source compiled twice by
// target_clones would leave the baseline with 4-wide vectors that GCC keeps in memory: 3x slower than the
// scalar path.)

namespace stepsearch::core {

namespace {

using simd::lanes_of;
using simd::load;
using simd::logistic_terms_given_exp;
using simd::V2;
using simd::V4;

// Rows are handled in chunks of kChunk: first the terms of the whole chunk (independent vector work, which
// out-of-order execution overlaps freely), then their double-double sums (LaneSum: eight chains in row order).
// Measured slower on this machine (AMD EPYC, Zen 5): adding each row group right after computing it
// (1.2x), a software pipeline adding the previous chunk during the current one (1.1x), two vectors
// interleaved per step (1.6x: register spills); chunks of 512 or 1024 rows: no faster.
constexpr std::int64_t kChunk = 256;

// Losses (and slope terms) of `count` rows (a multiple of the vector width): margins z_k with labels b_k, or
// for a line trial (kLine) the signed margins z_k + t·q_k, labels folded in (b unused; 4% faster value
// trials, 7% with slopes). A slope term is (σ − b)·q_k on a line, else σ − b. The exponentials go in a pass
// of their own (to ex), before the logs: each pass's dependency chain is half as long as the whole loss's,
// so more vectors are in flight at once (line trials 1.3x faster with 4 lanes, 1.1x with 8).
template <bool kLine, bool kSlope, class V>
STEPSEARCH_INLINE void terms_block(const double* z, const double* q, const double* b, std::int64_t count, double t,
                                   double* ex, double* loss, double* term) {
  constexpr int L = lanes_of<V>;
  const auto margin = [&](std::int64_t j) { return kLine ? load<V>(z + j) + t * load<V>(q + j) : load<V>(z + j); };
  for (std::int64_t j = 0; j < count; j += L) {
    const V e = simd::exp_nonpositive(simd::neg_abs(margin(j)));
    std::memcpy(ex + j, &e, sizeof e);
  }
  for (std::int64_t j = 0; j < count; j += L) {
    if constexpr (kLine)
      simd::signed_logistic_terms_given_exp<kSlope, V>(margin(j), load<V>(ex + j), load<V>(q + j), loss + j,
                                                       term + j);
    else
      logistic_terms_given_exp<kSlope, V>(margin(j), load<V>(ex + j), load<V>(b + j), loss + j, term + j);
  }
}

// The margins are z_r + t·q_r, signed, when kLine (a line trial: b and rows unused), else z_r with labels
// b_i. The slope terms (when kSlope) are (σ − b)·q_r summed into *slope when kLine, else σ − b stored to
// slopes[r − begin].
template <bool kLine, bool kSlope, class V>
STEPSEARCH_INLINE void loss_sums(const double* z, const double* q, const double* b, const std::int32_t* rows,
                                 std::int64_t begin, std::int64_t end, double t, CompensatedSum* value,
                                 CompensatedSum* slope, double* slopes) {
  constexpr int L = lanes_of<V>;
  LaneSum v, s;
  alignas(64) double ex[kChunk], labels[kChunk], loss[kChunk], term_buf[kChunk];
  for (std::int64_t c = begin; c < end; c += kChunk) {
    const std::int64_t n = std::min(kChunk, end - c);
    const std::int64_t full = n / L * L;
    double* term = kLine || !kSlope ? term_buf : slopes + (c - begin);
    const double* bc = kLine ? nullptr : b + c;
    if (!kLine && rows) {  // a batch: its labels gathered first
      for (std::int64_t k = 0; k < n; ++k) labels[k] = b[rows[c + k]];
      bc = labels;
    }
    terms_block<kLine, kSlope, V>(z + c, kLine ? q + c : nullptr, bc, full, t, ex, loss, term);
    if (full < n) {  // the last rows, padded with zeros (the padding lanes are neither added nor stored)
      double zs[L] = {}, qs[L] = {}, bs[L] = {}, ls[L], ts[L];
      for (std::int64_t k = 0; k < n - full; ++k) {
        zs[k] = z[c + full + k];
        if (kLine) qs[k] = q[c + full + k];
        bs[k] = kLine ? 0.0 : bc[full + k];
      }
      terms_block<kLine, kSlope, V>(zs, qs, bs, L, t, ex, ls, ts);
      for (std::int64_t k = 0; k < n - full; ++k) {
        loss[full + k] = ls[k];
        if (kSlope) term[full + k] = ts[k];
      }
    }
    v.add_run<V>(loss, n);
    if (kLine && kSlope) s.add_run<V>(term, n);
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

// The three builds of each loop (simd_level.hpp picks one).
STEPSEARCH_AVX512 void curvatures_avx512(const double* z, std::int64_t count, double* out) {
  curvature_run<simd::V8>(z, count, out);
}
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
STEPSEARCH_AVX512 void sums_avx512(const double* z, const double* q, const double* b, const std::int32_t* rows,
                                   std::int64_t begin, std::int64_t end, double t, CompensatedSum* value,
                                   CompensatedSum* slope, double* slopes) {
  loss_sums<kLine, kSlope, simd::V8>(z, q, b, rows, begin, end, t, value, slope, slopes);
}
template <bool kLine, bool kSlope>
void sums_base(const double* z, const double* q, const double* b, const std::int32_t* rows, std::int64_t begin,
               std::int64_t end, double t, CompensatedSum* value, CompensatedSum* slope, double* slopes) {
  loss_sums<kLine, kSlope, V2>(z, q, b, rows, begin, end, t, value, slope, slopes);
}

template <bool kLine, bool kSlope>
void sums(const double* z, const double* q, const double* b, const std::int32_t* rows, std::int64_t begin,
          std::int64_t end, double t, CompensatedSum* value, CompensatedSum* slope, double* slopes) {
  by_level(&sums_avx512<kLine, kSlope>, &sums_avx2<kLine, kSlope>, &sums_base<kLine, kSlope>)(
      z, q, b, rows, begin, end, t, value, slope, slopes);
}

}  // namespace

const char* logistic_simd_level() { return by_level("avx512", "avx2", "sse2"); }

void logistic_curvatures(const double* z, std::int64_t count, double* out) {
  by_level(&curvatures_avx512, &curvatures_avx2, &curvatures_base)(z, count, out);
}

void logistic_line_value(const double* z, const double* q, std::int64_t begin, std::int64_t end, double t,
                         CompensatedSum* value) {
  sums<true, false>(z, q, nullptr, nullptr, begin, end, t, value, nullptr, nullptr);
}

void logistic_line_value_and_slope(const double* z, const double* q, std::int64_t begin, std::int64_t end,
                                   double t, CompensatedSum* value, CompensatedSum* slope) {
  sums<true, true>(z, q, nullptr, nullptr, begin, end, t, value, slope, nullptr);
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
