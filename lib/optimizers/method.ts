/**
 * The contract between the driver (lib/minimize.ts) and a deterministic method. A method owns its state and
 * the current accepted point (x, f, ∇f); the driver owns the loop, the counters and every stopping rule
 * except the method's own failures, which a step reports (design.md §1: "checks stopping rules in one place").
 *
 * Mirrors native/core/method.hpp line for line.
 */
import type { Status } from '../result';
import type { CountedObjective } from './oracle';

/** What one iteration did. */
export interface StepOutcome {
  /** Whether the point moved. */
  accepted: boolean;
  /** The method's scalar step (documented per method). */
  stepSize: number;
  /** Set when the method cannot continue (`line-search-failed`, `non-finite`, or `grad-tol` for an exact zero gradient). */
  stop?: { status: Status; message: string };
}

/** The state every method exposes to the driver. */
export abstract class Method {
  /** Current accepted point; methods replace the array's contents, never the reference held by the driver. */
  readonly x: Float64Array;
  /** f(x). */
  fun: number;
  /** ∇f(x). */
  readonly grad: Float64Array;

  /** x0, f0 and g0 are already evaluated (and counted) by the driver; the method copies them. */
  constructor(protected readonly oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array) {
    this.x = Float64Array.from(x0);
    this.fun = f0;
    this.grad = Float64Array.from(g0);
  }

  /** One iteration. Never loops without bound; every inner loop has a documented cap. */
  abstract step(): StepOutcome;
}

/** A method's settings: validated and defaulted by its descriptor. */
export type Settings = Record<string, unknown>;

/** How the driver finds, validates and builds a method. */
export interface MethodDescriptor<S extends Settings = Settings> {
  name: string;
  /** One line for error messages and docs. */
  summary: string;
  /** Option names this method accepts beyond the common ones, with defaults. */
  defaults: S;
  /** Validates the per-method options (already restricted to known names) and fills defaults. */
  resolve(options: Partial<S>, dim: number): S;
  /** Builds the method at an evaluated starting point. */
  create(oracle: CountedObjective, x0: Float64Array, f0: number, g0: Float64Array, settings: S): Method;
  /** Whether the native core implements it (then native objectives run the whole loop in C++). */
  native: boolean;
  /** Oracles the objective must provide beyond value and gradient. */
  needs?: ('hessVec' | 'hessDiag')[];
}
