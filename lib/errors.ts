/**
 * Argument validation shared by the whole library (design.md §4 "Errors").
 *
 * Every helper throws a `TypeError` (wrong kind of value) or a `RangeError` (right kind, wrong size or value)
 * whose message starts with the argument's name, e.g. `x: expected a Float64Array of length 31, got length 30`.
 * Callers pass the name the user knows (`"x"`, `"options.l2"`, `"rows"`), so a message points at the argument
 * to fix. Helpers return the validated value (narrowed) so they can be used inline.
 */

/** A short description of a value's type for error messages: `string`, `Array`, `Float32Array`, `null`. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isFinite(value) ? `number ${value}` : `${value}`;
  }
  if (typeof value !== 'object' && typeof value !== 'function') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  if (ctor && typeof ctor.name === 'string' && ctor.name !== '') return ctor.name;
  return typeof value;
}

/** Formats a number for messages: `NaN`, `Infinity`, `-0`, or the shortest round-trip decimal. */
export function formatNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * Checks that `value` is a Float64Array (of exactly `length` elements when given).
 * @throws TypeError if it is not a Float64Array; RangeError on a length mismatch.
 */
export function checkFloat64Array(name: string, value: unknown, length?: number): Float64Array {
  if (!(value instanceof Float64Array)) {
    const len = length === undefined ? '' : ` of length ${length}`;
    throw new TypeError(`${name}: expected a Float64Array${len}, got ${describeType(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name}: expected a Float64Array of length ${length}, got length ${value.length}`);
  }
  return value;
}

/**
 * Checks that `value` is an Int32Array (of exactly `length` elements when given).
 * @throws TypeError if it is not an Int32Array; RangeError on a length mismatch.
 */
export function checkInt32Array(name: string, value: unknown, length?: number): Int32Array {
  if (!(value instanceof Int32Array)) {
    const len = length === undefined ? '' : ` of length ${length}`;
    throw new TypeError(`${name}: expected an Int32Array${len}, got ${describeType(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name}: expected an Int32Array of length ${length}, got length ${value.length}`);
  }
  return value;
}

/**
 * Checks that every element of `arr` is finite; the message names the first offending index and value.
 * @throws RangeError on the first NaN or ±Infinity.
 */
export function checkFinite(name: string, arr: ArrayLike<number>): void {
  const n = arr.length;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    // v - v is 0 for finite v and NaN for NaN/±Infinity: one comparison per element in the common case.
    if (v - v !== 0) {
      throw new RangeError(`${name}: element ${i} is ${formatNumber(v)}; expected finite values`);
    }
  }
}

/** True when every element of `arr` is finite (no NaN, no ±Infinity). Does not throw. */
export function isAllFinite(arr: ArrayLike<number>): boolean {
  const n = arr.length;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (v - v !== 0) return false;
  }
  return true;
}

/**
 * Accepts a Float64Array or an array of numbers and returns a Float64Array (the same object when it already is
 * one, a copy otherwise). Every element must be finite. `length`, when given, must match.
 * @throws TypeError for other types or non-number elements; RangeError on length mismatch or non-finite values.
 */
export function toFiniteFloat64Array(name: string, value: unknown, length?: number): Float64Array {
  let out: Float64Array;
  if (value instanceof Float64Array) {
    out = value;
  } else if (Array.isArray(value)) {
    out = new Float64Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'number') {
        throw new TypeError(`${name}: element ${i} is ${describeType(v)}; expected a number`);
      }
      out[i] = v;
    }
  } else {
    throw new TypeError(`${name}: expected a Float64Array or an array of numbers, got ${describeType(value)}`);
  }
  if (length !== undefined && out.length !== length) {
    throw new RangeError(`${name}: expected length ${length}, got length ${out.length}`);
  }
  checkFinite(name, out);
  return out;
}

/**
 * Checks that `v` is a number.
 * @throws TypeError otherwise.
 */
export function checkNumber(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name}: expected a number, got ${describeType(v)}`);
  return v;
}

/**
 * Checks that `v` is a finite number.
 * @throws TypeError if not a number; RangeError if NaN or ±Infinity.
 */
export function checkFiniteNumber(name: string, v: unknown): number {
  checkNumber(name, v);
  const x = v as number;
  if (!Number.isFinite(x)) throw new RangeError(`${name}: expected a finite number, got ${formatNumber(x)}`);
  return x;
}

/**
 * Checks that `v` is an integer in [min, max] (inclusive).
 * @throws TypeError if not a number; RangeError if not an integer or out of range.
 */
export function checkInteger(name: string, v: unknown, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  checkNumber(name, v);
  const x = v as number;
  if (!Number.isInteger(x)) throw new RangeError(`${name}: expected an integer, got ${formatNumber(x)}`);
  if (x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name}: expected an integer ${range}, got ${x}`);
  }
  return x;
}

/**
 * Checks that `v` is a finite number > 0.
 * @throws TypeError if not a number; RangeError otherwise.
 */
export function checkPositive(name: string, v: unknown): number {
  const x = checkFiniteNumber(name, v);
  if (!(x > 0)) throw new RangeError(`${name}: expected a positive number, got ${formatNumber(x)}`);
  return x;
}

/**
 * Checks that `v` is a finite number ≥ 0.
 * @throws TypeError if not a number; RangeError otherwise.
 */
export function checkNonNegative(name: string, v: unknown): number {
  const x = checkFiniteNumber(name, v);
  if (!(x >= 0)) throw new RangeError(`${name}: expected a number ≥ 0, got ${formatNumber(x)}`);
  return x;
}

/**
 * Checks that `v` is a finite number in [min, max].
 * @throws TypeError if not a number; RangeError otherwise.
 */
export function checkInRange(name: string, v: unknown, min: number, max: number): number {
  const x = checkFiniteNumber(name, v);
  if (!(x >= min && x <= max)) throw new RangeError(`${name}: expected a number in [${min}, ${max}], got ${formatNumber(x)}`);
  return x;
}

/**
 * Checks that `v` is one of `allowed` (compared with ===).
 * @throws TypeError if it has the wrong primitive type; RangeError if it is not in the list.
 */
export function checkOneOf<T extends string | number | boolean>(name: string, v: unknown, allowed: readonly T[]): T {
  const list = allowed.map((a) => JSON.stringify(a)).join(', ');
  if (allowed.length > 0 && typeof v !== typeof allowed[0]) {
    throw new TypeError(`${name}: expected one of ${list}, got ${describeType(v)}`);
  }
  if (!allowed.includes(v as T)) throw new RangeError(`${name}: expected one of ${list}, got ${JSON.stringify(v)}`);
  return v as T;
}

/**
 * Checks that `v` is a boolean.
 * @throws TypeError otherwise.
 */
export function checkBoolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name}: expected a boolean, got ${describeType(v)}`);
  return v;
}

/**
 * Checks that `v` is a function.
 * @throws TypeError otherwise.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export function checkFunction(name: string, v: unknown): Function {
  if (typeof v !== 'function') throw new TypeError(`${name}: expected a function, got ${describeType(v)}`);
  return v;
}

/**
 * Validates an options bag: `undefined` becomes `{}`; anything but a plain object is a TypeError; keys not in
 * `known` are a RangeError (catches typos such as `lambda` for `l2`, which would otherwise be silently ignored).
 */
export function checkOptions<T extends object>(name: string, v: unknown, known: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new TypeError(`${name}: expected an options object, got ${describeType(v)}`);
  }
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) {
      throw new RangeError(`${name}: unknown option "${key}" (known: ${known.join(', ')})`);
    }
  }
  return v as Partial<T>;
}

/** Most row indices one mini-batch may list (they are copied into an Int32Array, and counted in int32). */
export const MAX_BATCH_ROWS = 0x7fffffff;

/**
 * Validates a list of row indices (Int32Array or array of integers) into data with `numRows` rows and returns
 * it as a fresh Int32Array (so later changes to the caller's array cannot affect a view). Repeats are
 * allowed; the list must not be empty (a mini-batch mean over no rows is undefined) nor longer than
 * {@link MAX_BATCH_ROWS}. Every element is checked before anything is allocated, so an absurd list (a sparse
 * `new Array(2 ** 32 - 1)`) fails at once instead of reserving gigabytes first.
 * @throws TypeError on a wrong type; RangeError on an empty or too long list, or an index outside [0, numRows).
 */
export function toRowIndices(name: string, rows: unknown, numRows: number): Int32Array {
  if (!(rows instanceof Int32Array) && !Array.isArray(rows)) {
    throw new TypeError(`${name}: expected an Int32Array or an array of row indices, got ${describeType(rows)}`);
  }
  const count = rows.length;
  if (count === 0) throw new RangeError(`${name}: expected at least one row index`);
  if (count > MAX_BATCH_ROWS) throw new RangeError(`${name}: at most ${MAX_BATCH_ROWS} row indices, got ${count}`);
  for (let k = 0; k < count; k++) {
    const r: unknown = rows[k];
    if (typeof r !== 'number') throw new TypeError(`${name}: element ${k} is ${describeType(r)}; expected an integer`);
    if (!Number.isInteger(r) || r < 0 || r >= numRows) {
      throw new RangeError(`${name}: element ${k} is ${formatNumber(r)}; expected an integer row index in [0, ${numRows})`);
    }
  }
  // Copy after validating. An Int32Array could still change between the check and the copy only from another
  // thread (SharedArrayBuffer); the copy is re-checked, so what is returned is always valid.
  const out = rows instanceof Int32Array ? rows.slice() : Int32Array.from(rows as number[]);
  if (rows instanceof Int32Array && typeof SharedArrayBuffer !== 'undefined' && rows.buffer instanceof SharedArrayBuffer) {
    for (let k = 0; k < count; k++) {
      const r = out[k];
      if (r < 0 || r >= numRows) throw new RangeError(`${name}: element ${k} is ${r}; expected a row index in [0, ${numRows})`);
    }
  }
  return out;
}

/**
 * Checks that two Float64Arrays do not share memory (an output written while an input is still being read
 * would corrupt the input).
 * @throws RangeError naming `outName` when they overlap.
 */
export function checkNoAlias(outName: string, out: Float64Array, inName: string, input: Float64Array): void {
  if (out.buffer !== input.buffer) return;
  const a0 = out.byteOffset;
  const a1 = a0 + out.byteLength;
  const b0 = input.byteOffset;
  const b1 = b0 + input.byteLength;
  if (a0 < b1 && b0 < a1) throw new RangeError(`${outName}: must not share memory with ${inName}`);
}
