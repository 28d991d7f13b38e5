// The elementary functions of the built-in losses, written once on GCC/Clang vector types (spec §3.2):
// e^x for x ≤ 0, log(1 + e) for e ∈ [0, 1], the log core they share, and the logistic loss/slope of a vector
// of margins. Instantiated on 4-double vectors (AVX2), 2-double vectors (x86-64 baseline) by the row kernels
// of logistic_kernel.cpp, and on 1-double vectors by the scalar functions of scalar_math.hpp.
//
// No FMA, and every lane evaluates the same operations in the same order, so every instantiation rounds
// identically: results do not depend on the CPU or on the vector width. The TypeScript backend repeats these
// operations in the same order (lib/objectives/loss_math.ts), so both backends produce the same bits.
#pragma once
#include <cstdint>
#include <cstring>

// Every vector helper is always inlined into its caller, so the ABI note GCC gives for 32-byte vector
// arguments outside an AVX function does not apply (the pragma reaches every file including this header).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace stepsearch::core::simd {

// Lanes per vector: 4 (one ymm register) in the AVX2 loop, 2 (one xmm) in the baseline, 1 for the scalar
// functions (GCC/Clang vector extension). Comparisons give all-ones/zero int64 masks (Mask<V>), used with the
// vector ?: (a blend).
typedef double V8 __attribute__((vector_size(64)));
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

// −|x| lane by lane (the sign bit set).
template <class V>
STEPSEARCH_INLINE V neg_abs(V x) {
  return (V)((Mask<V>)x | (Mask<V>{} + (std::int64_t{1} << 63)));
}

// e^x for x ≤ 0 (NaN propagates). Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, with ln2 split so that
// hi = x − k·ln2_hi is exact (ln2_hi has 32 significant bits, |k| ≤ 1077); e^r ≈ 1 + r + r²P(r) with P of
// degree 9 fitted at Chebyshev nodes of [−ln2/2, ln2/2] (relative error 8.5e-18 = 0.08 ulp; the Taylor series
// needed degree 11 for the same, two vector multiply-adds more per call), summed as 1 + (hi − (lo − r²P(r)))
// so that the only roundings of size are the last two (< 0.82 ulp against 40-digit references). 2^k is
// built in the exponent field; when e^x is subnormal (k < −1000) it is applied as 2^{k+600}·2^{−600} so that
// exactly one rounding happens, in the last multiply, as in std::exp. Below −746 e^x rounds to 0: x is
// clamped there.
// ln2 = kLn2Hi + kLn2Lo (fdlibm's split, shared by exp and log): kLn2Hi has 32 significant bits, so k·kLn2Hi
// is exact for the |k| ≤ 1077 of both.
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;

template <class V>
STEPSEARCH_INLINE V exp_nonpositive(V x) {
  constexpr double kInvLn2 = 0x1.71547652b82fep0;
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
  // P(r) = Σ_{j=0..9} c_j r^j by Estrin's scheme: a much shorter dependency chain than Horner's (the exp
  // alone ran 15% faster), same accuracy here since every term is < r·(previous term). c_j ≈ 1/(j+2)!.
  const V r2 = r * r;
  const V r4 = r2 * r2;
  const V a0 = 0.5000000000000006 + r * 0.1666666666666667;
  const V a1 = 0.041666666666573066 + r * 0.008333333333326136;
  const V a2 = 0.001388888893251478 + r * 0.00019841269874820627;
  const V a3 = 2.480150431378554e-05 + r * 2.7557255400206422e-06;
  const V a4 = 2.7626371065696354e-07 + r * 2.5105217004720745e-08;
  const V p = (a0 + r2 * a1) + r4 * ((a2 + r2 * a3) + r4 * a4);
  const V y = 1.0 + (hi - (lo - r2 * p));
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if constexpr (sizeof(V) == 64) {
    // 8 lanes: only the AVX-512 build instantiates this width. VSCALEFPD forms y·2^k with one rounding (also
    // into the subnormal range), the same correctly rounded value as the two multiplies below, in one
    // instruction instead of seven. (Inline assembly: the intrinsic needs its target on this function.)
    V out;
    __asm__("vscalefpd %2, %1, %0" : "=v"(out) : "v"(y), "v"(kd));
    (void)k;
    return out;
  }
#endif
  const Mask<V> tiny = kd < -1000.0;
  k += tiny & 600;
  const V scale = (V)((k + 1023) << 52);
  const V extra = tiny ? splat<V>(0x1p-600) : splat<V>(1.0);
  return y * scale * extra;
}

// log(1 + f) + k·ln2, the core of fdlibm's log and log1p (< 1 ulp): with 1 + f ∈ [√2/2, √2),
// log(1 + f) = f − f²/2 + s(f²/2 + R(s²)), s = f/(2 + f), R split into even and odd parts (shorter dependency
// chain). k·ln2 comes in two parts: khi = k·ln2_hi (exact) and klo = k·ln2_lo plus a correction term c (what
// rounding lost when f was formed), added where fdlibm adds them.
template <class V>
STEPSEARCH_INLINE V log_reduced(V f, V khi, V klo) {
  constexpr double kLp1 = 6.666666666666735130e-01, kLp2 = 3.999999999940941908e-01,
                   kLp3 = 2.857142874366239149e-01, kLp4 = 2.222219843214978396e-01,
                   kLp5 = 1.818357216161805012e-01, kLp6 = 1.531383769920937332e-01,
                   kLp7 = 1.479819860511658591e-01;
  const V hfsq = 0.5 * f * f;
  const V s = f / (2.0 + f);
  const V z = s * s;
  const V w = z * z;
  const V R = w * (kLp2 + w * (kLp4 + w * kLp6)) + z * (kLp1 + w * (kLp3 + w * (kLp5 + w * kLp7)));
  return khi - ((hfsq - (s * (hfsq + R) + klo)) - f);
}

// log(1 + e) for e ∈ [0, 1]: fdlibm's log1p (< 1 ulp) without branches. u = 1 + e = 2^k(1 + f) with
// 1 + f ∈ [√2/2, √2) (k ∈ {0, 1}); c = (e − (u − 1))/u restores what rounding u lost. fdlibm's shortcut for
// tiny e (e < 2⁻²⁹: log1p(e) ≈ e) is not taken: the core alone is as accurate there (s ≈ e/2, and f²/2
// underflows harmlessly to 0 for subnormal e, leaving e), and the shortcut's test and blend cost 5% of a trial.
// c is a correction of at most 2⁻⁵³/√2, so 1/u is needed to two digits only: it is taken from the line
// 1.1982 − 0.35355·u (|error| < 0.009 on [√2, 2], so c is off by < 1e-18, 0.02 ulp of a result ≥ 0.34)
// instead of a division, which cost ~15% of a line-search trial.
template <class V>
STEPSEARCH_INLINE V log1p_unit(V e, V u) {
  const Mask<V> big = e > 0.41421356237309503;  // √2 − 1: u ≥ √2, halve it (exact) and take k = 1
  const V f = big ? u * 0.5 - 1.0 : e;     // exact: Sterbenz
  const V khi = big ? splat<V>(kLn2Hi) : splat<V>(0.0);
  const V klo = big ? kLn2Lo + (e - (u - 1.0)) * (1.1982 - 0.35355 * u) : splat<V>(0.0);
  return log_reduced(f, khi, klo);
}

// σ(t)(1 − σ(t)) = e/(1 + e)², e = e^{−|t|}, lane by lane: the logistic Hessian weight.
template <class V>
STEPSEARCH_INLINE V logistic_curvature(V t) {
  const V e = exp_nonpositive(neg_abs(t));
  const V s = 1.0 + e;
  return e / (s * s);
}

// Losses (and slopes σ − b when kSlope) of one vector of margins tt with labels b, given e = e^{−|tt|},
// stored to loss[0..lanes_of<V>) (term[0..lanes_of<V>)): ℓ = (max(t, 0) − b·t) + log1p(e), σ − b = num/(1 + e).
template <bool kSlope, class V>
STEPSEARCH_INLINE void logistic_terms_given_exp(V tt, V e, V b, double* loss, double* term) {
  const V u = 1.0 + e;
  const V l = ((tt < 0.0 ? splat<V>(0.0) : tt) - b * tt) + log1p_unit(e, u);
  std::memcpy(loss, &l, sizeof l);
  if constexpr (kSlope) {
    const V nb = 1.0 - b;
    const V num = tt < 0.0 ? nb * e - b : nb - b * e;
    const V s = num / u;
    std::memcpy(term, &s, sizeof s);
  }
}

// The same for a signed margin tt = y·t with y = 2b − 1 = ±1 (a line folds the labels into its margins once,
// at reset, so that a trial reads no labels): ℓ = log1p(e) − min(tt, 0), (σ(t) − b)·q = (num/(1 + e))·(y·q)
// with num = −1 if tt < 0, else −e. These are the bits of logistic_terms_given_exp for (t, b), its slope
// times q: negation is exact and round-to-nearest is symmetric, so y·(z + s·q) = y·z + s·(y·q) exactly;
// (max(t, 0) − b·t) is exactly −min(tt, 0) for both labels (±0 included), and at tt = ±0, e = 1 makes −e
// and −1 agree. The one difference is the sign of a zero slope term (e underflowed, b = 1: −0 here, +0
// there), which no sum can see: LaneSum starts at +0, and +0 + −0 = +0 (test/loss-math.test.ts checks all
// of this).
template <bool kSlope, class V>
STEPSEARCH_INLINE void signed_logistic_terms_given_exp(V tt, V e, V yq, double* loss, double* term) {
  const V u = 1.0 + e;
  const V l = log1p_unit(e, u) - (tt < 0.0 ? tt : splat<V>(0.0));
  std::memcpy(loss, &l, sizeof l);
  if constexpr (kSlope) {
    const V num = tt < 0.0 ? splat<V>(-1.0) : -e;
    const V s = (num / u) * yq;
    std::memcpy(term, &s, sizeof s);
  }
}

// The same from the margins alone (e computed here).
template <bool kSlope, class V>
STEPSEARCH_INLINE void logistic_terms(V tt, V b, double* loss, double* term) {
  logistic_terms_given_exp<kSlope, V>(tt, exp_nonpositive(neg_abs(tt)), b, loss, term);
}

}  // namespace stepsearch::core::simd
