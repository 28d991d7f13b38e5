/**
 * Option-reading helpers of the stochastic methods, on top of lib/options.ts: bounds the shared NumberRule
 * cannot express (open upper bounds), required options, enumerated integers and presets.
 */
import { readNumber, rejectUnknown } from '../options';

/** A number in [0, 1) (momentum and decay factors β). */
export function readUnitInterval(o: Record<string, unknown>, name: string, fallback: number): number {
  const v = readNumber(o, name, fallback, { min: 0 });
  if (!(v < 1)) throw new RangeError(`${name}: expected a number >= 0 and < 1, got ${v}`);
  return v;
}

/** A number in (0, 1) (Armijo constants, backtracking factors). */
export function readOpenUnit(o: Record<string, unknown>, name: string, fallback: number): number {
  const v = readNumber(o, name, fallback, { above: 0 });
  if (!(v < 1)) throw new RangeError(`${name}: expected a number > 0 and < 1, got ${v}`);
  return v;
}

/** A required positive finite number; the error names the option and the method that needs it. */
export function readRequiredPositive(o: Record<string, unknown>, name: string, method: string): number {
  if (o[name] === undefined) {
    throw new TypeError(`${name}: required for method '${method}' (no default: pick a step size, e.g. ${name}: 0.01)`);
  }
  return readNumber(o, name, NaN, { above: 0 });
}

/** An integer option restricted to a set of values. */
export function readIntegerChoice<T extends number>(o: Record<string, unknown>, name: string, fallback: T, choices: readonly T[]): T {
  const v = readNumber(o, name, fallback, { integer: true });
  if (!(choices as readonly number[]).includes(v)) {
    throw new RangeError(`${name}: expected one of ${choices.join(', ')}, got ${v}`);
  }
  return v as T;
}

/**
 * Applies a named preset: the preset's values, then the user's explicit options on top (an explicit option
 * always wins). Rejects unknown option names and unknown presets.
 */
export function applyPreset(
  options: Record<string, unknown>, optionNames: readonly string[], presets: Record<string, Record<string, unknown>>,
  context: string,
): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  rejectUnknown(options, optionNames, context);
  const name = options.preset;
  if (name === undefined) return options;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(presets, name)) {
    const known = Object.keys(presets).map((k) => `'${k}'`).join(', ');
    throw new RangeError(`preset: expected one of ${known} for ${context}, got ${JSON.stringify(name)}`);
  }
  const merged: Record<string, unknown> = { ...presets[name] };
  for (const [k, v] of Object.entries(options)) if (v !== undefined && k !== 'preset') merged[k] = v;
  return merged;
}

/** Reads `batchesPerEpoch` (n_b, default 500 as in the references; the driver sets ⌈n/batchSize⌉). */
export function readBatchesPerEpoch(o: Record<string, unknown>): number {
  return readNumber(o, 'batchesPerEpoch', 500, { above: 0 });
}
