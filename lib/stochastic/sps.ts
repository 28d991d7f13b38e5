/**
 * SPS: stochastic Polyak step (Loizou, Vaswani, Laradji, Lacoste-Julien 2021; spec §4.2). Mirrors
 * native/core/stochastic_sps.{hpp,cpp}. No line search: 1 forward + 1 backward per iteration.
 *
 *   γ_raw = (f_B(x) − f*)₊ / (c·‖∇f_B(x)‖² + ε)                  (SPS₊ positive part, optax#1178)
 *   `'max'`:    γ = min(γ_raw, maxStep)                          (SPS_max; reference adapt_flag "constant")
 *   `'smooth'`: γ = min(γ_raw, γ_{k−1}·γ_s^{1/n_b}, maxStep)     (reference default "smooth_iter"; γ₀ = initialStep)
 *   x ← x − γ·∇f_B(x).
 * Skipped iterations (no step): ‖∇f_B‖ < 1e-8, or (f_B − f*)₊ = 0. They KEEP the previous γ (spec §6.11:
 * the reference stores γ = 0 there, which freezes `'smooth'` forever).
 * When it is justified: f* = 0 is exact only for interpolating non-negative losses; with L2 (or any f_B* > 0)
 * the steps are too long and nothing corrects them (spec §6.5) — pass a better `fStar` or a `maxStep`.
 * Defaults: the class's (c 0.5, γ_s 2, γ₀ 1, ε 1e-8); the paper's experiments use c = 0.2 and ε = 0.
 */
import type { Objective } from '../objectives/objective';
import type { CountedObjective } from '../optimizers/oracle';
import { readChoice, readNumber, rejectUnknown } from '../options';
import { GRAD_SKIP } from './line_search';
import { StochasticOptimizer, type BaseSettings, type StepOutcome, type StochasticMethodDescriptor } from './optimizer';
import { readBatchesPerEpoch } from './settings';

/** Options of `sps` (all optional; defaults in brackets). */
export interface SpsOptions {
  /** `'smooth'` [default] or `'max'`. */
  variant?: 'max' | 'smooth';
  /** f* of the numerator [0]. */
  fStar?: number;
  /** c in the denominator [0.5, the class default; the paper's experiments use 0.2]. */
  c?: number;
  /** Cap on γ [Infinity; 10 is a sensible cap for 'max']. */
  maxStep?: number;
  /** ε in the denominator [1e-8]. */
  eps?: number;
  /** γ_s of the smoothing cap [2]. */
  increaseFactor?: number;
  /** γ₀ [1]. */
  initialStep?: number;
  /** n_b in γ_s^{1/n_b} [500; minimizeStochastic sets ⌈n/batchSize⌉]. */
  batchesPerEpoch?: number;
}

/** Resolved `sps` settings. */
export interface SpsSettings extends BaseSettings {
  variant: 'max' | 'smooth';
  fStar: number;
  c: number;
  maxStep: number;
  eps: number;
  increaseFactor: number;
  initialStep: number;
  /** Derived: increaseFactor^(1/batchesPerEpoch). */
  stepGrowth: number;
}

/** Option names of `sps`. */
export const SPS_OPTION_NAMES = ['variant', 'fStar', 'c', 'maxStep', 'eps', 'increaseFactor', 'initialStep', 'batchesPerEpoch'] as const;

/** Validates `sps` options (presets applied, unknown names rejected) and fills every default. */
export function resolveSps(options: Record<string, unknown>): SpsSettings {
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  rejectUnknown(options, SPS_OPTION_NAMES, "method 'sps'");
  const batchesPerEpoch = readBatchesPerEpoch(options);
  const increaseFactor = readNumber(options, 'increaseFactor', 2, { min: 1 });
  return {
    batchesPerEpoch,
    variant: readChoice(options, 'variant', 'smooth', ['max', 'smooth'] as const),
    fStar: readNumber(options, 'fStar', 0),
    c: readNumber(options, 'c', 0.5, { above: 0 }),
    maxStep: readNumber(options, 'maxStep', Infinity, { above: 0, allowInfinity: true }),
    eps: readNumber(options, 'eps', 1e-8, { min: 0 }),
    increaseFactor,
    initialStep: readNumber(options, 'initialStep', 1, { above: 0 }),
    stepGrowth: Math.pow(increaseFactor, 1 / batchesPerEpoch),
  };
}

/** SPS with explicit steps. The record's `stepSize` is γ (0 on a skipped iteration). */
export class Sps extends StochasticOptimizer<SpsSettings> {
  /** γ_{k−1}, the last applied Polyak step (initialStep before the first). */
  storedStep: number;

  constructor(objective: Objective, x0: Float64Array | readonly number[], options: SpsOptions | Record<string, unknown> = {}) {
    super(objective, x0, resolveSps(options as Record<string, unknown>));
    this.storedStep = this.settings.initialStep;
  }

  protected update(batch: CountedObjective): StepOutcome {
    const { loss, gradSq, gradNorm, bad } = this.evaluate(batch);
    if (bad) return bad;
    const st = this.settings;
    const numerator = Math.max(loss - st.fStar, 0);
    const base = { loss, gradNorm, backtracks: 0, exhausted: false };
    if (gradNorm < GRAD_SKIP || numerator === 0) return { ...base, stepSize: 0, moved: false, skipped: true };
    let gamma = numerator / (st.c * gradSq + st.eps);
    if (st.variant === 'smooth') gamma = Math.min(gamma, this.storedStep * st.stepGrowth);
    gamma = Math.min(gamma, st.maxStep);
    this.storedStep = gamma;
    const g = this.grad;
    for (let i = 0; i < this.x.length; i++) this.x[i] = this.x[i] - gamma * g[i];
    return { ...base, stepSize: gamma, moved: true, skipped: false };
  }
}

/** The `sps` entry of the stochastic method table. */
export const spsMethod: StochasticMethodDescriptor<SpsSettings> = {
  name: 'sps',
  summary: 'stochastic Polyak step (Loizou et al. 2021), smoothed or capped',
  optionNames: SPS_OPTION_NAMES,
  resolve: resolveSps,
  create: (objective, x0, options) => new Sps(objective, x0, options),
  independent: () => false,
  native: true,
};
