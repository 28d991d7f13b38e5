#include "core/sparse_kernels.hpp"

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

// Eight lanes in scalar code (the baseline and AVX2 levels): lane k takes the entries p ≡ k (mod 8).
struct Lanes8 {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  double combine() const { return combine_lanes(l); }
};

double dot_scalar(const double* v, const std::int32_t* j, std::int64_t n, const double* w) {
  Lanes8 s;
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8)
    for (int k = 0; k < 8; ++k) s.l[k] += v[p + k] * w[j[p + k]];
  // The tail with constant lane indices (a loop over a run-time count kept the lanes in memory).
  const std::int64_t left = n - p;
  for (int k = 0; k < 7; ++k)
    if (k < left) s.l[k] += v[p + k] * w[j[p + k]];
  return s.combine();
}

double dot2_scalar(const double* v, const std::int32_t* j, std::int64_t n, const double* a, const double* c,
                   double* xc) {
  Lanes8 sa, sc;
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8)
    for (int k = 0; k < 8; ++k) {
      sa.l[k] += v[p + k] * a[j[p + k]];
      sc.l[k] += v[p + k] * c[j[p + k]];
    }
  const std::int64_t left = n - p;
  for (int k = 0; k < 7; ++k)
    if (k < left) {
      sa.l[k] += v[p + k] * a[j[p + k]];
      sc.l[k] += v[p + k] * c[j[p + k]];
    }
  *xc = sc.combine();
  return sa.combine();
}

void axpy_scalar(double alpha, const double* v, const std::int32_t* j, std::int64_t n, double* g) {
  for (std::int64_t p = 0; p < n; ++p) g[j[p]] += alpha * v[p];
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

STEPSEARCH_AVX512
double dot_v8(const double* v, const std::int32_t* j, std::int64_t n, const double* w) {
  __m512d acc = _mm512_setzero_pd();
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(j + p));
    acc = _mm512_add_pd(acc, _mm512_mul_pd(_mm512_loadu_pd(v + p), gather8(ix, w)));
  }
  if (p < n) {
    const __mmask8 m = tail_mask(n - p);
    const __m256i ix = _mm256_maskz_loadu_epi32(m, j + p);
    const __m512d wv = gather8(ix, w, m);
    acc = _mm512_mask_add_pd(acc, m, acc, _mm512_mul_pd(_mm512_maskz_loadu_pd(m, v + p), wv));
  }
  return combine8(acc);
}

STEPSEARCH_AVX512
double dot2_v8(const double* v, const std::int32_t* j, std::int64_t n, const double* a, const double* c,
               double* xc) {
  __m512d sa = _mm512_setzero_pd(), sc = _mm512_setzero_pd();
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(j + p));
    const __m512d x = _mm512_loadu_pd(v + p);
    sa = _mm512_add_pd(sa, _mm512_mul_pd(x, gather8(ix, a)));
    sc = _mm512_add_pd(sc, _mm512_mul_pd(x, gather8(ix, c)));
  }
  if (p < n) {
    const __mmask8 m = tail_mask(n - p);
    const __m256i ix = _mm256_maskz_loadu_epi32(m, j + p);
    const __m512d x = _mm512_maskz_loadu_pd(m, v + p);
    sa = _mm512_mask_add_pd(sa, m, sa, _mm512_mul_pd(x, gather8(ix, a, m)));
    sc = _mm512_mask_add_pd(sc, m, sc, _mm512_mul_pd(x, gather8(ix, c, m)));
  }
  *xc = combine8(sc);
  return combine8(sa);
}

STEPSEARCH_AVX512
void axpy_v8(double alpha, const double* v, const std::int32_t* j, std::int64_t n, double* g) {
  const __m512d a = _mm512_set1_pd(alpha);
  std::int64_t p = 0;
  for (; p + 8 <= n; p += 8) {
    const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(j + p));
    const __m512d gv = gather8(ix, g);
    _mm512_i32scatter_pd(g, ix, _mm512_add_pd(gv, _mm512_mul_pd(a, _mm512_loadu_pd(v + p))), 8);
  }
  for (; p < n; ++p) g[j[p]] += alpha * v[p];
}

const auto dot_build = by_level(&dot_v8, &dot_scalar, &dot_scalar);
const auto dot2_build = by_level(&dot2_v8, &dot2_scalar, &dot2_scalar);
const auto axpy_build = by_level(&axpy_v8, &axpy_scalar, &axpy_scalar);
#else
const auto dot_build = &dot_scalar;
const auto dot2_build = &dot2_scalar;
const auto axpy_build = &axpy_scalar;
#endif

}  // namespace

double sparse_dot(const double* values, const std::int32_t* indices, std::int64_t n, const double* w) {
  return dot_build(values, indices, n, w);
}
double sparse_dot2(const double* values, const std::int32_t* indices, std::int64_t n, const double* a,
                   const double* c, double* xc) {
  return dot2_build(values, indices, n, a, c, xc);
}
void sparse_axpy(double alpha, const double* values, const std::int32_t* indices, std::int64_t n, double* g) {
  axpy_build(alpha, values, indices, n, g);
}

}  // namespace stepsearch::core
