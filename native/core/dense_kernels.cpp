#include "core/dense_kernels.hpp"

#include <cstring>

#include "core/simd_level.hpp"

// Three builds of the row kernels, picked once per process (simd_level.hpp): 8-double vectors (one zmm
// register) in an AVX-512 build, and 2-double vectors in an AVX2 clone and the x86-64 baseline (GCC function
// multiversioning through an ifunc resolver; only where GCC supports it, elsewhere the plain functions are
// built). Lane k of a dot product accumulates the elements i ≡ k mod 8 in every build and the lanes are
// combined in one fixed order; the axpy kernels are elementwise. No FMA in any build, so all three round
// every operation identically: results do not depend on the CPU.
#if STEPSEARCH_DISPATCH
#define STEPSEARCH_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define STEPSEARCH_CLONES
#endif

namespace stepsearch::core {

namespace {

// Eight accumulator lanes held as four 2-double vectors (GCC/Clang vector extension; SSE2 registers in the
// baseline, VEX-encoded in the AVX2 clone). Lane k accumulates the elements i ≡ k mod 8. Written with
// explicit vectors because GCC's auto-vectorizer handles two interleaved reductions badly (dense_dot2
// spilled its lanes to the stack), and 2-wide rather than 4-wide vectors because the baseline clone has no
// 32-byte registers (4-wide vectors were kept in memory there: 2x slower). Measured on this machine (AMD EPYC,
// 80 MB dense logistic pass, best of 15): streaming kernels are memory-bound and gain nothing from AVX2;
// rows resident in L2 run ~15% faster in the AVX2 clone (2.63 vs 3.10 ms), so the clones are kept.
typedef double V2 __attribute__((vector_size(16)));

inline V2 load(const double* p) {
  V2 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Fixed combination of the eight lanes: ((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7)).
inline double combine(V2 l01, V2 l23, V2 l45, V2 l67) {
  const V2 a = l01 + l45, b = l23 + l67;  // (l0+l4, l1+l5), (l2+l6, l3+l7)
  return (a[0] + b[0]) + (a[1] + b[1]);
}

// Prefetch of the line of `ahead` at offset i (one per 8 doubles read), or nothing.
template <bool kAhead>
inline void prefetch_at(const double* ahead, std::int64_t i) {
  if constexpr (kAhead) __builtin_prefetch(ahead + i, 0, 3);
}

// The scalar tail of dense_dot2 (elements i..n−1 after the vector lanes), the same in every build.
inline double dot2_tail(const double* a, const double* b, const double* c, std::int64_t i, std::int64_t n,
                        double sb, double sc, double* ac) {
  for (; i < n; ++i) {
    sb += a[i] * b[i];
    sc += a[i] * c[i];
  }
  *ac = sc;
  return sb;
}

// y[j] += Σ_k alpha[k]·x_k[j] in k order for j = i..n−1: dense_axpy4 elementwise, the same in every build.
inline void axpy4_tail(const double* alpha, const double* x0, const double* x1, const double* x2, const double* x3,
                       double* y, std::int64_t i, std::int64_t n) {
  const double a0 = alpha[0], a1 = alpha[1], a2 = alpha[2], a3 = alpha[3];
  for (; i < n; ++i) y[i] = (((y[i] + a0 * x0[i]) + a1 * x1[i]) + a2 * x2[i]) + a3 * x3[i];
}

template <bool kAhead>
STEPSEARCH_CLONES double dot_v2(const double* __restrict a, const double* __restrict b, std::int64_t n,
                                const double* ahead) {
  V2 a0 = {0, 0}, a1 = {0, 0}, a2 = {0, 0}, a3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_at<kAhead>(ahead, i);
    a0 += load(a + i) * load(b + i);
    a1 += load(a + i + 2) * load(b + i + 2);
    a2 += load(a + i + 4) * load(b + i + 4);
    a3 += load(a + i + 6) * load(b + i + 6);
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

template <bool kAhead>
STEPSEARCH_CLONES double dot2_v2(const double* __restrict a, const double* __restrict b, const double* __restrict c,
                                 std::int64_t n, double* ac, const double* ahead) {
  V2 b0 = {0, 0}, b1 = {0, 0}, b2 = {0, 0}, b3 = {0, 0}, c0 = {0, 0}, c1 = {0, 0}, c2 = {0, 0}, c3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_at<kAhead>(ahead, i);
    const V2 x0 = load(a + i), x1 = load(a + i + 2), x2 = load(a + i + 4), x3 = load(a + i + 6);
    b0 += x0 * load(b + i);
    b1 += x1 * load(b + i + 2);
    b2 += x2 * load(b + i + 4);
    b3 += x3 * load(b + i + 6);
    c0 += x0 * load(c + i);
    c1 += x1 * load(c + i + 2);
    c2 += x2 * load(c + i + 4);
    c3 += x3 * load(c + i + 6);
  }
  double sb = combine(b0, b1, b2, b3), sc = combine(c0, c1, c2, c3);
  return dot2_tail(a, b, c, i, n, sb, sc, ac);
}

template <bool kAhead>
STEPSEARCH_CLONES void axpy_v2(double alpha, const double* __restrict x, double* __restrict y, std::int64_t n,
                               const double* ahead) {
  std::int64_t i = 0;
  if constexpr (kAhead)
    for (; i + 8 <= n; i += 8) {
      prefetch_at<kAhead>(ahead, i);
      for (int k = 0; k < 8; ++k) y[i + k] += alpha * x[i + k];
    }
  for (; i < n; ++i) y[i] += alpha * x[i];
}

STEPSEARCH_CLONES
void axpy4_v2(const double* __restrict alpha, const double* __restrict x0, const double* __restrict x1,
              const double* __restrict x2, const double* __restrict x3, double* __restrict y, std::int64_t n) {
  axpy4_tail(alpha, x0, x1, x2, x3, y, 0, n);
}

// The AVX-512 builds: the same lanes on one 8-double vector (lane k = elements i ≡ k mod 8, as the four
// 2-double accumulators of the 2-wide builds), a quarter of the instructions. Dense logistic value+gradient
// on 2e5×200, one thread: 8–17% faster than the 2-wide build in alternating-process runs on a noisy host
// (medians 19.6 → 18.1 and 20.1 → 16.6 ms); at two threads the pass is memory-bound and the builds did not
// differ measurably.
typedef double V8 __attribute__((vector_size(64)));

STEPSEARCH_AVX512 inline V8 load8(const double* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
STEPSEARCH_AVX512 inline void store8(double* p, V8 v) { std::memcpy(p, &v, sizeof v); }

// combine() on the lanes of one 8-double accumulator.
STEPSEARCH_AVX512 inline double combine8(V8 l) {
  return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

template <bool kAhead>
STEPSEARCH_AVX512 double dot_v8(const double* __restrict a, const double* __restrict b, std::int64_t n,
                                const double* ahead) {
  V8 acc = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_at<kAhead>(ahead, i);
    acc += load8(a + i) * load8(b + i);
  }
  double s = combine8(acc);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

template <bool kAhead>
STEPSEARCH_AVX512 double dot2_v8(const double* __restrict a, const double* __restrict b, const double* __restrict c,
                                 std::int64_t n, double* ac, const double* ahead) {
  V8 ab = {}, acc = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_at<kAhead>(ahead, i);
    const V8 x = load8(a + i);
    ab += x * load8(b + i);
    acc += x * load8(c + i);
  }
  double sb = combine8(ab), sc = combine8(acc);
  return dot2_tail(a, b, c, i, n, sb, sc, ac);
}

template <bool kAhead>
STEPSEARCH_AVX512 void axpy_v8(double alpha, const double* __restrict x, double* __restrict y, std::int64_t n,
                               const double* ahead) {
  const V8 a = V8{} + alpha;
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    prefetch_at<kAhead>(ahead, i);
    store8(y + i, load8(y + i) + a * load8(x + i));
  }
  for (; i < n; ++i) y[i] += alpha * x[i];
}

STEPSEARCH_AVX512
void axpy4_v8(const double* __restrict alpha, const double* __restrict x0, const double* __restrict x1,
              const double* __restrict x2, const double* __restrict x3, double* __restrict y, std::int64_t n) {
  const V8 a0 = V8{} + alpha[0], a1 = V8{} + alpha[1], a2 = V8{} + alpha[2], a3 = V8{} + alpha[3];
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    store8(y + i, (((load8(y + i) + a0 * load8(x0 + i)) + a1 * load8(x1 + i)) + a2 * load8(x2 + i)) +
                      a3 * load8(x3 + i));
  axpy4_tail(alpha, x0, x1, x2, x3, y, i, n);
}

// The build of each kernel for this process, resolved once when the addon loads (an indirect call, as the
// ifunc of the clones is).
const auto dot_build = by_level(&dot_v8<false>, &dot_v2<false>, &dot_v2<false>);
const auto dot_ahead_build = by_level(&dot_v8<true>, &dot_v2<true>, &dot_v2<true>);
const auto dot2_build = by_level(&dot2_v8<false>, &dot2_v2<false>, &dot2_v2<false>);
const auto dot2_ahead_build = by_level(&dot2_v8<true>, &dot2_v2<true>, &dot2_v2<true>);
const auto axpy_build = by_level(&axpy_v8<false>, &axpy_v2<false>, &axpy_v2<false>);
const auto axpy_ahead_build = by_level(&axpy_v8<true>, &axpy_v2<true>, &axpy_v2<true>);
const auto axpy4_build = by_level(&axpy4_v8, &axpy4_v2, &axpy4_v2);

}  // namespace

double dense_dot(const double* a, const double* b, std::int64_t n, const double* ahead) {
  return ahead ? dot_ahead_build(a, b, n, ahead) : dot_build(a, b, n, ahead);
}
double dense_dot2(const double* a, const double* b, const double* c, std::int64_t n, double* ac, const double* ahead) {
  return ahead ? dot2_ahead_build(a, b, c, n, ac, ahead) : dot2_build(a, b, c, n, ac, ahead);
}
void dense_axpy(double alpha, const double* x, double* y, std::int64_t n, const double* ahead) {
  ahead ? axpy_ahead_build(alpha, x, y, n, ahead) : axpy_build(alpha, x, y, n, ahead);
}
void dense_axpy4(const double* alpha, const double* x0, const double* x1, const double* x2, const double* x3,
                 double* y, std::int64_t n) {
  axpy4_build(alpha, x0, x1, x2, x3, y, n);
}

STEPSEARCH_CLONES
void dense_sq_axpy(double alpha, const double* __restrict x, double* __restrict y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += alpha * (x[i] * x[i]);
}

STEPSEARCH_CLONES
double dense_sum(const double* __restrict x, std::int64_t n) {
  // Prefetching 4 KB ahead, as the row kernels do (dense_kernels.hpp): the floor is the fastest read of x we
  // have, so a kernel is never credited for beating a read that let the hardware prefetchers fall behind.
  constexpr std::int64_t kAhead = 512;
  V2 a0 = {0, 0}, a1 = {0, 0}, a2 = {0, 0}, a3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (i + kAhead < n) __builtin_prefetch(x + i + kAhead, 0, 3);
    a0 += load(x + i);
    a1 += load(x + i + 2);
    a2 += load(x + i + 4);
    a3 += load(x + i + 6);
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += x[i];
  return s;
}

}  // namespace stepsearch::core
