#include "core/dense_kernels.hpp"

#include <cstring>

// Runtime dispatch between an AVX2 clone and the x86-64 baseline (GCC function multiversioning through an
// ifunc resolver). Only where GCC supports it; elsewhere the plain functions are built. The AVX2 target has
// no FMA, so both clones round every operation identically: results do not depend on the CPU.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
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

}  // namespace

STEPSEARCH_CLONES
double dense_dot(const double* __restrict a, const double* __restrict b, std::int64_t n) {
  V2 a0 = {0, 0}, a1 = {0, 0}, a2 = {0, 0}, a3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    a0 += load(a + i) * load(b + i);
    a1 += load(a + i + 2) * load(b + i + 2);
    a2 += load(a + i + 4) * load(b + i + 4);
    a3 += load(a + i + 6) * load(b + i + 6);
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

STEPSEARCH_CLONES
double dense_dot2(const double* __restrict a, const double* __restrict b, const double* __restrict c,
                  std::int64_t n, double* ac) {
  V2 b0 = {0, 0}, b1 = {0, 0}, b2 = {0, 0}, b3 = {0, 0}, c0 = {0, 0}, c1 = {0, 0}, c2 = {0, 0}, c3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
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
  for (; i < n; ++i) {
    sb += a[i] * b[i];
    sc += a[i] * c[i];
  }
  *ac = sc;
  return sb;
}

STEPSEARCH_CLONES
void dense_axpy(double alpha, const double* __restrict x, double* __restrict y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

STEPSEARCH_CLONES
void dense_axpy4(const double* __restrict alpha, const double* __restrict x0, const double* __restrict x1,
                 const double* __restrict x2, const double* __restrict x3, double* __restrict y, std::int64_t n) {
  const double a0 = alpha[0], a1 = alpha[1], a2 = alpha[2], a3 = alpha[3];
  for (std::int64_t i = 0; i < n; ++i) y[i] = (((y[i] + a0 * x0[i]) + a1 * x1[i]) + a2 * x2[i]) + a3 * x3[i];
}

STEPSEARCH_CLONES
void dense_sq_axpy(double alpha, const double* __restrict x, double* __restrict y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += alpha * (x[i] * x[i]);
}

STEPSEARCH_CLONES
double dense_sum(const double* __restrict x, std::int64_t n) {
  V2 a0 = {0, 0}, a1 = {0, 0}, a2 = {0, 0}, a3 = {0, 0};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
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
