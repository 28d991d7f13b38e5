/**
 * Every deterministic method by name. Each method file exports one descriptor; add it here.
 */
import type { MethodDescriptor } from './method';

const descriptors: MethodDescriptor[] = [];

export function registerMethod(d: MethodDescriptor): void {
  if (descriptors.some((m) => m.name === d.name)) throw new Error(`method ${d.name} registered twice`);
  descriptors.push(d);
}

export function findMethod(name: unknown): MethodDescriptor {
  const d = descriptors.find((m) => m.name === name);
  if (!d) {
    throw new RangeError(`method: unknown method ${JSON.stringify(name)}; accepted: ${methodNames().join(', ')}`);
  }
  return d;
}

export function methodNames(): string[] {
  return descriptors.map((m) => m.name);
}
