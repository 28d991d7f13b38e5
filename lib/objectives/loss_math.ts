/**
 * The elementary functions of the built-in losses (spec §3.2): e^x for x ≤ 0, log(1 + e) for e ∈ [0, 1],
 * log a for a ≥ 1, the logistic loss, its slope and its Hessian weight. Computed with the same operations, in
 * the same order, as the native code (native/core/simd_math.hpp: exp_nonpositive, log_reduced, log1p_unit,
 * logistic_terms; scalar_math.hpp: log_at_least_one). Math.exp, Math.log and Math.log1p are not used: V8's
 * and glibc's differ from each other and from the native polynomials in the last bit, and on badly scaled
 * data such last-bit differences grow along an optimizer run (plain PoNoS on raw breast-cancer amplified
 * 1e-16 to 3e-3 in three epochs). With these functions every loss term of the TypeScript objectives rounds
 * exactly as the native one.
 *
 * Both sides use IEEE binary64 with round-to-nearest and no fused multiply-add (V8 never contracts; the native
 * build has no FMA in any dispatch target), so equal operation sequences give equal bits.
 */

// e^x (native exp_nonpositive): Cody–Waite reduction with ln2 split in two, 1 + r + r²P(r) with P of degree 9
// (fitted at Chebyshev nodes) by Estrin's scheme, 2^k applied last (as 2^{k+600}·2^{−600} when e^x is
// subnormal, k < −1000; the native AVX-512 build's VSCALEFPD rounds the same product once, to the same bits).
// Decimal literals that round to exactly the native hex constants (written as Number.prototype.toString gives
// them for those doubles, so they parse back to the same bits).
const INV_LN2 = 1.4426950408889634; // 0x1.71547652b82fep0
const LN2_HI = 0.6931471803691238; // 0x1.62e42fee00000p-1 (32 significant bits: k·LN2_HI is exact)
const LN2_LO = 1.9082149292705877e-10; // 0x1.a39ef35793c76p-33
const SHIFT = 6755399441055744; // 0x1.8p52: adding it rounds to an integer
const TWO_M600 = 2.409919865102884e-181; // 2^−600
// e^r ≈ 1 + r + r²·Σ_j P_j r^j on [−ln2/2, ln2/2] (native exp_nonpositive: fitted at Chebyshev nodes, P_j ≈ 1/(j+2)!).
const P0 = 0.5000000000000006, P1 = 0.1666666666666667, P2 = 0.041666666666573066, P3 = 0.008333333333326136;
const P4 = 0.001388888893251478, P5 = 0.00019841269874820627, P6 = 2.480150431378554e-05;
const P7 = 2.7557255400206422e-06, P8 = 2.7626371065696354e-07, P9 = 2.5105217004720745e-08;

/** POW2[j] = 2^{−j} for j = 0..1022 (exact: halving a power of two is exact down to 2^−1022). */
const POW2 = (() => {
  const t = new Float64Array(1023);
  let p = 1;
  for (let j = 0; j < 1023; j++, p *= 0.5) t[j] = p;
  return t;
})();

/** e^x for x ≤ 0 (NaN propagates): native exp_nonpositive, operation for operation. */
export function expNonpositive(x: number): number {
  if (x !== x) return NaN;
  if (x < -746) x = -746; // e^x rounds to 0 below
  let kd = x * INV_LN2 + SHIFT;
  kd = kd - SHIFT; // the integer k, exactly
  const hi = x - kd * LN2_HI;
  const lo = kd * LN2_LO;
  const r = hi - lo;
  const r2 = r * r;
  const r4 = r2 * r2;
  const a0 = P0 + r * P1, a1 = P2 + r * P3;
  const a2 = P4 + r * P5, a3 = P6 + r * P7;
  const a4 = P8 + r * P9;
  const p = a0 + r2 * a1 + r4 * (a2 + r2 * a3 + r4 * a4);
  const y = 1 + (hi - (lo - r2 * p));
  // 2^k built exactly (the native code writes k + 1023 into the exponent field).
  return kd < -1000 ? y * POW2[-(kd + 600)] * TWO_M600 : y * POW2[-kd];
}

// log(1 + e) for e ∈ [0, 1] (native log1p_unit: fdlibm's log1p without branches).
const LP1 = 6.666666666666735130e-1, LP2 = 3.999999999940941908e-1, LP3 = 2.857142874366239149e-1;
const LP4 = 2.222219843214978396e-1, LP5 = 1.818357216161805012e-1, LP6 = 1.531383769920937332e-1;
const LP7 = 1.479819860511658591e-1;
const SQRT2_M1 = 0.41421356237309503;

/**
 * khi + log(1 + f) + klo, fdlibm's log core (native log_reduced): khi = k·ln2_hi, klo = k·ln2_lo plus the
 * correction term c.
 */
function logReduced(f: number, khi: number, klo: number): number {
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const R = w * (LP2 + w * (LP4 + w * LP6)) + z * (LP1 + w * (LP3 + w * (LP5 + w * LP7)));
  return khi - (hfsq - (s * (hfsq + R) + klo) - f);
}

/** log(1 + e) given u = 1 + e (native log1p_unit: no tiny-e shortcut; 1/u in c is the line 1.1982 − 0.35355·u). */
function log1pUnit(e: number, u: number): number {
  if (e > SQRT2_M1) return logReduced(u * 0.5 - 1, LN2_HI, LN2_LO + (e - (u - 1)) * (1.1982 - 0.35355 * u)); // u ≥ √2: halve it (exact)
  return logReduced(e, 0, 0);
}

/**
 * log a for 1 ≤ a < 2^1022 (native log_at_least_one; a log-sum-exp's sum is at least 1 and at most K):
 * a = 2^k·y with y ∈ [√2/2, √2), f = y − 1 exact. The exponent is found with exact power-of-two scalings
 * (frexp's result: a = m·2^e, m ∈ [0.5, 1)).
 */
export function logAtLeastOne(a: number): number {
  if (!(a < Infinity)) return a === Infinity ? Infinity : NaN;
  let e = Math.floor(Math.log2(a)) + 1; // an estimate, corrected below
  while (a * POW2[e] >= 1) e++;
  while (a * POW2[e] < 0.5) e--;
  const m = a * POW2[e];
  const low = m < 0.70710678118654757;
  const k = low ? e - 1 : e;
  return logReduced((low ? 2 * m : m) - 1, k * LN2_HI, k * LN2_LO);
}

/** Second result of {@link logisticLossAndSlope}, in slot 0 (a typed array: no allocation per row, and a
 * cheaper store than an exported `let`). */
export const slopeOut = new Float64Array(1);

/**
 * The logistic loss ℓ(t, b) = (max(t, 0) − b·t) + log(1 + e^{−|t|}) for b ∈ {0, 1}, and (in `slopeOut[0]`) its
 * derivative σ(t) − b from the same e^{−|t|} (native logistic_loss_and_slope / logistic_terms).
 */
export function logisticLossAndSlope(t: number, b: number): number {
  const e = expNonpositive(-Math.abs(t));
  const u = 1 + e;
  const nb = 1 - b;
  slopeOut[0] = (t < 0 ? nb * e - b : nb - b * e) / u;
  return (t < 0 ? 0 : t) - b * t + log1pUnit(e, u);
}

/** The logistic loss alone (native logistic_loss: the same rounding as logisticLossAndSlope). */
export function logisticLoss(t: number, b: number): number {
  const e = expNonpositive(-Math.abs(t));
  const u = 1 + e;
  return (t < 0 ? 0 : t) - b * t + log1pUnit(e, u);
}

/**
 * The logistic loss of a signed margin s = y·t, y = 2b − 1 = ±1 (a line folds the label's sign into its
 * margins: native logistic_line_margins): log(1 + e^{−|s|}) − min(s, 0), and (in `slopeOut[0]`) the slope
 * factor (σ(t) − b)·y = −1/(1 + e) if s < 0, else −e/(1 + e). The same bits as logisticLossAndSlope(t, b)
 * (and its slope times y), except that a zero slope may be −0 where that one is +0, which sums starting at
 * +0 cannot see: native signed_logistic_terms_given_exp.
 */
export function signedLogisticLossAndSlope(s: number): number {
  const e = expNonpositive(-Math.abs(s));
  const u = 1 + e;
  slopeOut[0] = (s < 0 ? -1 : -e) / u;
  return log1pUnit(e, u) - (s < 0 ? s : 0);
}

/** The signed logistic loss alone (the same rounding as signedLogisticLossAndSlope). */
export function signedLogisticLoss(s: number): number {
  const e = expNonpositive(-Math.abs(s));
  return log1pUnit(e, 1 + e) - (s < 0 ? s : 0);
}

/** σ(t)(1 − σ(t)) = e/(1 + e)² with e = e^{−|t|} (native sigmoid_curvature). */
export function sigmoidCurvature(t: number): number {
  const e = expNonpositive(-Math.abs(t));
  const s = 1 + e;
  return e / (s * s);
}
