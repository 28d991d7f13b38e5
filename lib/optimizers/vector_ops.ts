/**
 * Small serial vector helpers (written for the paper's baselines, spec §2; shared by other methods). The
 * summation order is plain left to right, and native/core/vector_ops.hpp uses exactly the same loops, so a
 * reduction that feeds a decision (an Armijo gap, a clamp bound) gives the same bits on both backends when
 * f and ∇f agree.
 */

/** ⟨a, b⟩, summed left to right. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖a‖₂ = √⟨a, a⟩ (same order as {@link dot}). */
export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** Whether every element is finite (no NaN, no ±Infinity). */
export function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
