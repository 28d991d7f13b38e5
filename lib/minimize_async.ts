/**
 * `minimizeAsync`: the same runs as {@link minimize}, without blocking the event loop (design.md §4).
 *
 * - Native objective + native method: the whole run executes on a libuv worker thread; the event loop only
 *   receives progress records (every `progressEvery` iterations, in order) and the result. The run works on a
 *   private clone of the objective (shared data, own caches), and holds the data alive until it settles.
 * - Otherwise (user JS objectives, `backend: 'js'`): the TypeScript loop runs on the main thread and yields
 *   to the event loop at least every `yieldEveryMs` milliseconds.
 *
 * Abort semantics (chosen and tested): a signal that is already aborted rejects at once with `signal.reason`
 * (an `AbortError` DOMException by default) before any work. Aborting during the run RESOLVES with the partial
 * result and status `'aborted'`. Aborting after the run settled is a no-op. Listeners are always removed.
 * A `callback` that returns `'stop'` stops the run with status `'callback-stop'` (native: at the next
 * iteration the worker reaches after the record was delivered). An exception thrown by `onProgress` or
 * `callback` rejects the promise with that same error.
 * Buffers: X, y and x0 must not be modified while a run is in progress (x0 is copied at the start).
 */
import { loadNative } from './native';
import type { Objective } from './objectives/objective';
import {
  checkObjective, checkStart, nativeHandle, nativeOptions, resolveOptions, Run, wrapNativeResult,
  type MinimizeOptions, type NativeRawResult,
} from './minimize';
import { readNumber } from './options';
import type { IterationRecord, OptimizeResult } from './result';

export interface AsyncOptions {
  /** Cancels the run (see the module doc for the semantics). */
  signal?: AbortSignal;
  /** Receives every `progressEvery`-th iteration record, in order. */
  onProgress?: (record: IterationRecord) => void;
  /** Deliver progress every this many iterations (default 10). */
  progressEvery?: number;
  /** JS loop only: yield to the event loop at least this often, in milliseconds (default 10). */
  yieldEveryMs?: number;
}

export type MinimizeAsyncOptions = MinimizeOptions & AsyncOptions;

const ASYNC_OPTION_NAMES = ['signal', 'onProgress', 'progressEvery', 'yieldEveryMs'] as const;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).aborted !== 'boolean' ||
      typeof (signal as AbortSignal).addEventListener !== 'function') {
    throw new TypeError('signal: expected an AbortSignal');
  }
  return signal as AbortSignal;
}

/** Reads and validates the async-only options shared by minimizeAsync and minimizeStochasticAsync. */
export function resolveAsyncOptions(options: Record<string, unknown>): Required<Pick<AsyncOptions, 'progressEvery' | 'yieldEveryMs'>> & AsyncOptions {
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('onProgress: expected a function');
  return {
    signal: checkSignal(options.signal),
    onProgress: onProgress as AsyncOptions['onProgress'],
    progressEvery: readNumber(options, 'progressEvery', 10, { min: 1, integer: true }),
    yieldEveryMs: readNumber(options, 'yieldEveryMs', 10, { above: 0 }),
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Minimizes without blocking the event loop; see the module doc for abort semantics. */
export async function minimizeAsync(
  objective: Objective, x0: Float64Array | readonly number[], options: MinimizeAsyncOptions = {},
): Promise<OptimizeResult> {
  const obj = checkObjective(objective);
  const start = checkStart(x0, obj.dim);
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  const asyncOpts = resolveAsyncOptions(options);
  const { common, descriptor, settings } = resolveOptions(options, obj, ASYNC_OPTION_NAMES);
  const signal = asyncOpts.signal;
  if (signal?.aborted) throw abortReason(signal);

  if (common.backend === 'native' && descriptor.native) {
    return runNative(obj, start, asyncOpts, common.callback);
  }
  return runJs(obj, start, asyncOpts);

  async function runNative(
    o: Objective, x: Float64Array, a: typeof asyncOpts, callback: typeof common.callback,
  ): Promise<OptimizeResult> {
    const addon = loadNative();
    return new Promise<OptimizeResult>((resolve, reject) => {
      const onProgress = a.onProgress || callback
        ? (record: IterationRecord) => {
          a.onProgress?.(record);
          return callback ? callback(record) : undefined;
        }
        : undefined;
      let control: { abort(): void; stop(): void } | undefined;
      const onAbort = (): void => control?.abort();
      control = addon.startMinimize(nativeHandle(o), x, nativeOptions(common, settings), a.progressEvery, onProgress,
        (err: unknown, raw?: NativeRawResult) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve(wrapNativeResult(raw!, descriptor.name));
        });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function runJs(o: Objective, x: Float64Array, a: typeof asyncOpts): Promise<OptimizeResult> {
    const run = new Run(o, x, common, descriptor, settings);
    let aborted = false;
    const onAbort = (): void => { aborted = true; };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let sliceStart = performance.now();
      for (;;) {
        if (aborted) run.abort('aborted');
        const record = run.advance();
        if (!record) break;
        if (a.onProgress && record.iter % a.progressEvery === 0) a.onProgress(record);
        if (performance.now() - sliceStart >= a.yieldEveryMs) {
          await nextTurn();
          sliceStart = performance.now();
        }
      }
      return run.result();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
