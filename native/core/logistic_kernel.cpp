#include "core/logistic_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

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

// Every vector helper is always inlined into the exported loops, so the ABI note GCC gives for 32-byte
// vector arguments outside an AVX function does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace stepsearch::core {

namespace {

// Rows per vector: 4 (one ymm register) in the AVX2 loop, 2 (one xmm) in the baseline (GCC/Clang vector
// extension). Comparisons give all-ones/zero int64 masks (Mask<V>), used with the vector ?: (a blend).
typedef double V4 __attribute__((vector_size(32)));
typedef double V2 __attribute__((vector_size(16)));
typedef double V1 __attribute__((vector_size(8)));  // one lane: the scalar functions, same operations
template <class V>
using Mask = decltype(V{} < V{});

#define STEPSEARCH_INLINE inline __attribute__((always_inline))

template <class V>
STEPSEARCH_INLINE V splat(double v) {
  return V{} + v;
}
template <class V>
STEPSEARCH_INLINE V load(const double* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
constexpr int lanes_of = sizeof(V) / sizeof(double);

// e^x for x ≤ 0 (NaN propagates). Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, with ln2 split so that
// hi = x − k·ln2_hi is exact (ln2_hi has 32 significant bits, |k| ≤ 1077); e^r by its Taylor series to r¹³
// (truncation < 0.02 ulp for |r| ≤ 0.35), summed as 1 + (hi − (lo − r²P(r))) so that the only roundings of
// size are the last two (< 0.8 ulp). 2^k is built in the exponent field; when e^x is subnormal (k < −1000)
// it is applied as 2^{k+600}·2^{−600} so that exactly one rounding happens, in the last multiply, as in
// std::exp. Below −746 e^x rounds to 0: x is clamped there.
template <class V>
STEPSEARCH_INLINE V exp_nonpositive(V x) {
  constexpr double kInvLn2 = 0x1.71547652b82fep0;
  constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
  constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
  constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
  std::int64_t shift_bits;
  std::memcpy(&shift_bits, &kShift, sizeof shift_bits);

  x = x < -746.0 ? splat<V>(-746.0) : x;
  V kd = x * kInvLn2 + kShift;
  Mask<V> k = (Mask<V>)kd - shift_bits;
  kd = kd - kShift;
  const V hi = x - kd * kLn2Hi;
  const V lo = kd * kLn2Lo;
  const V r = hi - lo;
  // P(r) = Σ_{j=2..13} r^{j−2}/j! by Estrin's scheme: a much shorter dependency chain than Horner's (the exp
  // alone ran 15% faster), same accuracy here since every term is < r·(previous term).
  const V r2 = r * r;
  const V r4 = r2 * r2;
  const V a0 = 0.5 + r * (1.0 / 6.0), a1 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const V a2 = 1.0 / 720.0 + r * (1.0 / 5040.0), a3 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const V a4 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0), a5 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const V p = (a0 + r2 * a1) + r4 * ((a2 + r2 * a3) + r4 * (a4 + r2 * a5));
  const V y = 1.0 + (hi - (lo - r2 * p));
  const Mask<V> tiny = kd < -1000.0;
  k += tiny & 600;
  const V scale = (V)((k + 1023) << 52);
  const V extra = tiny ? splat<V>(0x1p-600) : splat<V>(1.0);
  return y * scale * extra;
}

// log(1 + e) for e ∈ [0, 1]: fdlibm's log1p (< 1 ulp) without branches. u = 1 + e = 2^k(1 + f) with
// 1 + f ∈ [√2/2, √2) (k ∈ {0, 1}); c = (e − (u − 1))/u restores what rounding u lost; log(1 + f) =
// f − f²/2 + s(f²/2 + R(s²)), s = f/(2 + f). `inv` = 1/u (the caller needs it for the slope). Below 1e-8 the
// series e(1 − e/2) (the next term, e³/3, is below rounding), which also covers subnormal e.
template <class V>
STEPSEARCH_INLINE V log1p_unit(V e, V u, V inv) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kLp1 = 6.666666666666735130e-01, kLp2 = 3.999999999940941908e-01,
                   kLp3 = 2.857142874366239149e-01, kLp4 = 2.222219843214978396e-01,
                   kLp5 = 1.818357216161805012e-01, kLp6 = 1.531383769920937332e-01,
                   kLp7 = 1.479819860511658591e-01;
  const Mask<V> big = e > 0.41421356237309503;  // √2 − 1: u ≥ √2, halve it (exact) and take k = 1
  const V f = big ? u * 0.5 - 1.0 : e;     // exact: Sterbenz
  const V c = big ? (e - (u - 1.0)) * inv : splat<V>(0.0);
  const V kf = big ? splat<V>(1.0) : splat<V>(0.0);
  const V hfsq = 0.5 * f * f;
  const V s = f / (2.0 + f);
  const V z = s * s;
  const V w = z * z;  // R split into even and odd parts as in fdlibm's log (shorter dependency chain)
  const V R = w * (kLp2 + w * (kLp4 + w * kLp6)) + z * (kLp1 + w * (kLp3 + w * (kLp5 + w * kLp7)));
  const V l = kf * kLn2Hi - ((hfsq - (s * (hfsq + R) + (kf * kLn2Lo + c))) - f);
  return e < 1e-8 ? e * (1.0 - 0.5 * e) : l;
}

// Losses (and slope terms (σ − b)·q when kSlope) of one vector of margins tt with labels b, stored to
// loss[0..lanes_of<V>) (term[0..lanes_of<V>)): ℓ = (max(t, 0) − b·t) + log1p(e), σ − b = num/(1 + e).
template <bool kSlope, class V>
STEPSEARCH_INLINE void group_terms(V tt, V b, V q, double* loss, double* term) {
  const Mask<V> sign = Mask<V>{} + (std::int64_t{1} << 63);
  const V e = exp_nonpositive((V)((Mask<V>)tt | sign));  // e^{−|t|}
  const V u = 1.0 + e;
  const V inv = 1.0 / u;
  const V l = ((tt < 0.0 ? splat<V>(0.0) : tt) - b * tt) + log1p_unit(e, u, inv);
  std::memcpy(loss, &l, sizeof l);
  if constexpr (kSlope) {
    const V nb = 1.0 - b;
    const V num = tt < 0.0 ? nb * e - b : nb - b * e;
    const V s = (num / u) * q;
    std::memcpy(term, &s, sizeof s);
  }
}

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
        group_terms<kSlope, V>(load<V>(z + r) + t * qv, bv, qv, loss + j, term + j);
      } else {
        group_terms<kSlope, V>(load<V>(z + r), bv, one, loss + j, term + j);
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
      group_terms<kSlope, V>(kLine ? load<V>(zs) + t * qv : load<V>(zs), load<V>(bs), qv, ls, ts);
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

// The two builds of each loop (see STEPSEARCH_DISPATCH above).
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

double logistic_loss(double t, double b) {
  double loss;
  group_terms<false, V1>(V1{t}, V1{b}, V1{1.0}, &loss, nullptr);
  return loss;
}

double logistic_loss_and_slope(double t, double b, double* slope) {
  double loss;
  group_terms<true, V1>(V1{t}, V1{b}, V1{1.0}, &loss, slope);
  return loss;
}

double sigmoid_curvature(double t) {
  const V1 e = exp_nonpositive(V1{-std::fabs(t)});
  const V1 s = 1.0 + e;
  return (e / (s * s))[0];
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
