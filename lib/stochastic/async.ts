/**
 * `minimizeStochasticAsync`: {@link minimizeStochastic} without blocking the event loop. For a native
 * objective with a native method the epoch loop runs on a libuv worker (abort is checked before every
 * batch); otherwise the TypeScript loop yields between batches. Progress records are the per-epoch records
 * (every `progressEvery`-th, default every epoch). Abort semantics as minimizeAsync (lib/async_run.ts).
 */
import { runJsAsync, runNativeAsync, splitAsyncOptions, throwIfAborted, withProgress, type AsyncOptions } from '../async_run';
import { checkObjective, checkStart, nativeHandle } from '../minimize';
import { loadNative } from '../native';
import type { Objective } from '../objectives/objective';
import { finishResult } from '../result';
import {
  nativeStochasticOptions, resolveStochastic, StochasticRun,
  type StochasticEpochRecord, type StochasticOptions, type StochasticResult,
} from './driver';

export type MinimizeStochasticAsyncOptions = StochasticOptions & AsyncOptions<StochasticEpochRecord>;

/** Runs minimizeStochastic off the event loop; resolves with status 'aborted' and the partial result on abort. */
export async function minimizeStochasticAsync(
  objective: Objective, x0: Float64Array | readonly number[], options: MinimizeStochasticAsyncOptions,
): Promise<StochasticResult> {
  const obj = checkObjective(objective);
  const start = checkStart(x0, obj.dim);
  const { async: a, rest } = splitAsyncOptions<StochasticEpochRecord>(options, 1);
  const { common, descriptor, methodOptions, settings } = resolveStochastic(obj, rest);
  throwIfAborted(a.signal);
  if (common.backend === 'native' && descriptor.native) {
    const addon = loadNative();
    return runNativeAsync<Record<string, unknown>, StochasticEpochRecord, StochasticResult>(
      (onProgress, onDone) => addon.startMinimizeStochastic(nativeHandle(obj), start, nativeStochasticOptions(common, settings),
        a.progressEvery, onProgress, onDone),
      a, common.callback,
      (raw) => finishResult({ ...raw, method: descriptor.name, backend: 'native' } as never) as StochasticResult);
  }
  const run = new StochasticRun(obj, start, { ...common, callback: withProgress(a, common.callback) }, descriptor, methodOptions, settings);
  return runJsAsync(run, a);
}
