#include "core/sparse_kernels.hpp"

#include <cstddef>

#include "core/simd_level.hpp"

#if STEPSEARCH_DISPATCH
#include <immintrin.h>
#endif

namespace stepsearch::core {

namespace {

// The fixed combination of eight lanes, in every build.
inline double combine_lanes(const double* l) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

// Prefetch of the lines of the ahead row at entry offset p (one call per 8 entries read: a line of values,
// half a line of indices), or nothing. The address is formed as an integer: the ahead row may be shorter
// than the row being read, and a prefetch never faults.
template <bool kAhead>
inline void prefetch_at(const SparseAhead& ahead, std::int64_t p) {
  if constexpr (kAhead) {
    const auto at = [p](const void* base, std::size_t size) {
      return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(base) + static_cast<std::uintptr_t>(p) * size);
    };
    __builtin_prefetch(at(ahead.values, sizeof(double)), 0, 3);
    __builtin_prefetch(at(ahead.indices, sizeof(std::int32_t)), 0, 3);
  }
}

// Eight lanes in scalar code (the baseline and AVX2 levels): lane k takes the entries p ≡ k (mod 8).
struct Lanes8 {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  double combine() const { return combine_lanes(l); }
};

template <bool kAhead>
double dot_scalar(const double* v, const std::int32_t* j, std::int64_t n, const double* w, SparseAhead ahead) {
  Lanes8 s;
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    prefetch_at<kAhead>(ahead, p);
    for (int k = 0; k < 8; ++k) s.l[k] += v[p + k] * w[j[p + k]];
  }
  prefetch_at<kAhead>(ahead, p);
  // The tail with constant lane indices (a loop over a run-time count kept the lanes in memory).
  const std::int64_t left = n - p;
  for (int k = 0; k < 7; ++k)
    if (k < left) s.l[k] += v[p + k] * w[j[p + k]];
  return s.combine();
}

template <bool kAhead>
double dot2_scalar(const double* v, const std::int32_t* j, std::int64_t n, const double* a, const double* c,
                   double* xc, SparseAhead ahead) {
  Lanes8 sa, sc;
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    prefetch_at<kAhead>(ahead, p);
    for (int k = 0; k < 8; ++k) {
      sa.l[k] += v[p + k] * a[j[p + k]];
      sc.l[k] += v[p + k] * c[j[p + k]];
    }
  }
  prefetch_at<kAhead>(ahead, p);
  const std::int64_t left = n - p;
  for (int k = 0; k < 7; ++k)
    if (k < left) {
      sa.l[k] += v[p + k] * a[j[p + k]];
      sc.l[k] += v[p + k] * c[j[p + k]];
    }
  *xc = sc.combine();
  return sa.combine();
}

template <bool kAhead>
void axpy_scalar(double alpha, const double* v, const std::int32_t* j, std::int64_t n, double* g, SparseAhead ahead) {
  for (std::int64_t p = 0; p < n; ++p) {
    if (p % 8 == 0) prefetch_at<kAhead>(ahead, p);
    g[j[p]] += alpha * v[p];
  }
}

#if STEPSEARCH_DISPATCH
// The lanes of one 8-double register; the tail (fewer than 8 entries) is added under a mask, so lanes without
// an entry keep their value (an added 0 would turn a −0 lane into +0).
STEPSEARCH_AVX512 inline double combine8(__m512d acc) {
  alignas(64) double l[8];
  _mm512_store_pd(l, acc);
  return combine_lanes(l);
}

// The entries of w at ix in the lanes of mask m, zero elsewhere (always the masked form: the unmasked
// intrinsic leaves its source undefined, which GCC 12 reports as possibly uninitialized).
STEPSEARCH_AVX512 inline __m512d gather8(__m256i ix, const double* w, __mmask8 m = 0xFF) {
  return _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, ix, w, 8);
}

STEPSEARCH_AVX512 inline __mmask8 tail_mask(std::int64_t left) {
  return static_cast<__mmask8>((1u << left) - 1u);
}

template <bool kAhead>
STEPSEARCH_AVX512 double dot_v8(const double* v, const std::int32_t* j, std::int64_t n, const double* w,
                                SparseAhead ahead) {
  __m512d acc = _mm512_setzero_pd();
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    prefetch_at<kAhead>(ahead, p);
    const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(j + p));
    acc = _mm512_add_pd(acc, _mm512_mul_pd(_mm512_loadu_pd(v + p), gather8(ix, w)));
  }
  if (p < n) {
    prefetch_at<kAhead>(ahead, p);
    const __mmask8 m = tail_mask(n - p);
    const __m256i ix = _mm256_maskz_loadu_epi32(m, j + p);
    const __m512d wv = gather8(ix, w, m);
    acc = _mm512_mask_add_pd(acc, m, acc, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, v + p), wv));
  }
  return combine8(acc);
}

template <bool kAhead>
STEPSEARCH_AVX512 double dot2_v8(const double* v, const std::int32_t* j, std::int64_t n, const double* a,
                                 const double* c, double* xc, SparseAhead ahead) {
  __m512d sa = _mm512_setzero_pd(), sc = _mm512_setzero_pd();
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    prefetch_at<kAhead>(ahead, p);
    const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(j + p));
    const __m512d x = _mm512_loadu_pd(v + p);
    sa = _mm512_add_pd(sa, _mm512_mul_pd(x, gather8(ix, a)));
    sc = _mm512_add_pd(sc, _mm512_mul_pd(x, gather8(ix, c)));
  }
  if (p < n) {
    prefetch_at<kAhead>(ahead, p);
    const __mmask8 m = tail_mask(n - p);
    const __m256i ix = _mm256_maskz_loadu_epi32(m, j + p);
    const __m512d x = _mm512_maskz_loadu_pd(m, v + p);
    sa = _mm512_mask_add_pd(sa, m, sa, _mm512_mul_pd(x, gather8(ix, a, m)));
    sc = _mm512_mask_add_pd(sc, m, sc, _mm512_mul_pd(x, gather8(ix, c, m)));
  }
  *xc = combine8(sc);
  return combine8(sa);
}

// One build per level and prefetch choice: the level is picked once, the prefetch per call.
const auto dot_plain = by_level(&dot_v8<false>, &dot_scalar<false>, &dot_scalar<false>);
const auto dot_ahead = by_level(&dot_v8<true>, &dot_scalar<true>, &dot_scalar<true>);
const auto dot2_plain = by_level(&dot2_v8<false>, &dot2_scalar<false>, &dot2_scalar<false>);
const auto dot2_ahead = by_level(&dot2_v8<true>, &dot2_scalar<true>, &dot2_scalar<true>);
#else
const auto dot_plain = &dot_scalar<false>;
const auto dot_ahead = &dot_scalar<true>;
const auto dot2_plain = &dot2_scalar<false>;
const auto dot2_ahead = &dot2_scalar<true>;
#endif
}  // namespace

double sparse_dot(const double* values, const std::int32_t* indices, std::int64_t n, const double* w,
                  SparseAhead ahead) {
  return ahead.values ? dot_ahead(values, indices, n, w, ahead) : dot_plain(values, indices, n, w, ahead);
}
double sparse_dot2(const double* values, const std::int32_t* indices, std::int64_t n, const double* a,
                   const double* c, double* xc, SparseAhead ahead) {
  return ahead.values ? dot2_ahead(values, indices, n, a, c, xc, ahead)
                      : dot2_plain(values, indices, n, a, c, xc, ahead);
}
void sparse_axpy(double alpha, const double* values, const std::int32_t* indices, std::int64_t n, double* g,
                 SparseAhead ahead) {
  // Scalar at every level: an AVX-512 gather + scatter update tied with it on Intel (Xeon) and was 1.2-1.4x
  // slower in value+gradient and 1.3x in Hessian·v on AMD Zen 5 (EPYC), where VSCATTERDPD is microcoded.
  // Each g[j] gets one rounding either way: no result depends on the choice.
  ahead.values ? axpy_scalar<true>(alpha, values, indices, n, g, ahead)
               : axpy_scalar<false>(alpha, values, indices, n, g, ahead);
}

}  // namespace stepsearch::core
