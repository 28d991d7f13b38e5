/**
 * Option reading and validation shared by the driver and every method descriptor: one place that turns a
 * bad option into a RangeError/TypeError naming it (design.md §3: "Options validated up front").
 */

export interface NumberRule {
  /** Inclusive lower bound (default −∞). */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound (default +∞). */
  max?: number;
  integer?: boolean;
  /** Whether +Infinity is allowed (default false). */
  allowInfinity?: boolean;
}

function describe(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.integer) parts.push('an integer');
  else parts.push('a number');
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  if (rule.allowInfinity) parts.push('(Infinity allowed)');
  return parts.join(' ');
}

/** Reads `options[name]`, falling back to `fallback` when undefined; throws naming the option otherwise. */
export function readNumber(options: Record<string, unknown>, name: string, fallback: number, rule: NumberRule = {}): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number') throw new TypeError(`${name}: expected ${describe(rule)}, got ${typeof raw}`);
  const bad =
    Number.isNaN(raw) ||
    (!Number.isFinite(raw) && !(rule.allowInfinity && raw === Infinity)) ||
    (rule.integer && Number.isFinite(raw) && !Number.isInteger(raw)) ||
    (rule.min !== undefined && raw < rule.min) ||
    (rule.above !== undefined && !(raw > rule.above)) ||
    (rule.max !== undefined && raw > rule.max);
  if (bad) throw new RangeError(`${name}: expected ${describe(rule)}, got ${raw}`);
  return raw;
}

export function readBoolean(options: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') throw new TypeError(`${name}: expected a boolean, got ${typeof raw}`);
  return raw;
}

export function readChoice<T extends string>(options: Record<string, unknown>, name: string, fallback: T, choices: readonly T[]): T {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new RangeError(`${name}: expected one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** Throws a RangeError naming the first key of `options` not in `allowed`, listing the accepted names. */
export function rejectUnknown(options: Record<string, unknown>, allowed: readonly string[], context: string): void {
  for (const key of Object.keys(options)) {
    if (options[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new RangeError(`${key}: unknown option for ${context}; accepted: ${[...allowed].sort().join(', ')}`);
    }
  }
}
