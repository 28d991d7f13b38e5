/**
 * `minimizeAsync`: the same runs as {@link minimize}, without blocking the event loop (design.md §4).
 *
 * - Native objective + native method: the whole run executes on a libuv worker thread; the event loop only
 *   receives progress records (every `progressEvery` iterations, in order) and the result. The run works on a
 *   private clone of the objective (shared data, own caches), and holds the data alive until it settles.
 * - Otherwise (user JS objectives, `backend: 'js'`): the TypeScript loop runs on the main thread and yields
 *   to the event loop at least every `yieldEveryMs` milliseconds.
 *
 * Abort semantics (lib/async_run.ts): a signal already aborted rejects with `signal.reason` before any work;
 * aborting during the run RESOLVES with the partial result and status `'aborted'`; aborting after it settled
 * is a no-op. A `callback` that returns `'stop'` stops the run with status `'callback-stop'` (natively at the
 * next iteration the worker reaches after the record was delivered). An exception thrown by `onProgress` or
 * `callback` rejects the promise with that same error.
 * Buffers: X and y must not be modified while a run is in progress (x0 is copied at the start).
 */
import { runJsAsync, runNativeAsync, splitAsyncOptions, throwIfAborted, withProgress, type AsyncOptions } from './async_run';
import {
  checkObjective, checkStart, nativeHandle, nativeOptions, resolveOptions, Run, wrapNativeResult,
  type MinimizeOptions, type NativeRawResult,
} from './minimize';
import { loadNative } from './native';
import type { Objective } from './objectives/objective';
import type { IterationRecord, OptimizeResult } from './result';

export type { AsyncOptions } from './async_run';

export type MinimizeAsyncOptions = MinimizeOptions & AsyncOptions<IterationRecord>;

/** Minimizes without blocking the event loop; see the module doc for abort semantics. */
export async function minimizeAsync(
  objective: Objective, x0: Float64Array | readonly number[], options: MinimizeAsyncOptions = {},
): Promise<OptimizeResult> {
  const obj = checkObjective(objective);
  const start = checkStart(x0, obj.dim);
  const { async: a, rest } = splitAsyncOptions<IterationRecord>(options, 10);
  const { common, descriptor, settings } = resolveOptions(rest, obj);
  throwIfAborted(a.signal);
  if (common.backend === 'native' && descriptor.native) {
    const addon = loadNative();
    return runNativeAsync<NativeRawResult, IterationRecord, OptimizeResult>(
      (onProgress, onDone) => addon.startMinimize(nativeHandle(obj), start, nativeOptions(common, settings), a.progressEvery, onProgress, onDone),
      a, common.callback, (raw) => wrapNativeResult(raw, descriptor.name));
  }
  const run = new Run(obj, start, { ...common, callback: withProgress(a, common.callback) }, descriptor, settings);
  return runJsAsync(run, a);
}
