/**
 * Every stochastic method by name (mirrors native/core/stochastic_methods.cpp).
 */
import { adagradMethod, adamMethod, lionMethod, sgdMethod } from './baselines';
import type { StochasticMethodDescriptor } from './optimizer';
import { ponosMethod } from './ponos';
import { slsMethod } from './sls';
import { spsMethod } from './sps';

/** Names accepted by `minimizeStochastic`'s `method`. */
export type StochasticMethodName = 'sgd' | 'sls' | 'sps' | 'ponos' | 'adam' | 'adagrad' | 'lion';

const METHODS: readonly StochasticMethodDescriptor[] = [
  slsMethod, spsMethod, ponosMethod, sgdMethod, adamMethod, adagradMethod, lionMethod,
] as unknown as readonly StochasticMethodDescriptor[];

/** The names of the stochastic methods. */
export function stochasticMethodNames(): string[] {
  return METHODS.map((m) => m.name);
}

/** The descriptor of `name`; RangeError listing the accepted names otherwise. */
export function findStochasticMethod(name: unknown): StochasticMethodDescriptor {
  const d = METHODS.find((m) => m.name === name);
  if (!d) {
    throw new RangeError(`method: unknown stochastic method ${JSON.stringify(name)}; accepted: ${stochasticMethodNames().join(', ')}`);
  }
  return d;
}
