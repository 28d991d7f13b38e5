/**
 * The async plumbing shared by minimizeAsync and minimizeStochasticAsync: AbortSignal handling, progress
 * delivery, and the two ways of running (a native driver on a libuv worker, or a TypeScript loop on the main
 * thread that yields). Semantics (documented in the README and tested in test/async.test.ts):
 * - a signal already aborted rejects with `signal.reason` (an `AbortError` DOMException by default) before any work;
 * - aborting during the run RESOLVES with the partial result and status `'aborted'`; after it settled, a no-op;
 * - listeners are always removed; an exception thrown by `onProgress` or `callback` rejects with that error.
 */
import { readNumber } from './options';

export interface AsyncOptions<R = unknown> {
  /** Cancels the run (see above). */
  signal?: AbortSignal;
  /** Receives every `progressEvery`-th record, in order. */
  onProgress?: (record: R) => void;
  /** Deliver progress every this many records (default 10 iterations for minimizeAsync, 1 epoch for minimizeStochasticAsync). */
  progressEvery?: number;
  /** TypeScript loop only: yield to the event loop at least this often, in milliseconds (default 10). */
  yieldEveryMs?: number;
}

export const ASYNC_OPTION_NAMES = ['signal', 'onProgress', 'progressEvery', 'yieldEveryMs'] as const;

export interface ResolvedAsync<R> {
  signal?: AbortSignal;
  onProgress?: (record: R) => void;
  progressEvery: number;
  yieldEveryMs: number;
}

/** Validates the async-only options and returns the rest (for the synchronous option resolver). */
export function splitAsyncOptions<R>(options: unknown, defaultProgressEvery: number): { async: ResolvedAsync<R>; rest: Record<string, unknown> } {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError('options: expected an object');
  const all = options as Record<string, unknown>;
  const signal = all.signal;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null ||
      typeof (signal as AbortSignal).aborted !== 'boolean' || typeof (signal as AbortSignal).addEventListener !== 'function')) {
    throw new TypeError('signal: expected an AbortSignal');
  }
  const onProgress = all.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('onProgress: expected a function');
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (!(ASYNC_OPTION_NAMES as readonly string[]).includes(k)) rest[k] = v;
  return {
    async: {
      signal: signal as AbortSignal | undefined,
      onProgress: onProgress as ResolvedAsync<R>['onProgress'],
      progressEvery: readNumber(all, 'progressEvery', defaultProgressEvery, { min: 1, integer: true }),
      yieldEveryMs: readNumber(all, 'yieldEveryMs', 10, { above: 0 }),
    },
    rest,
  };
}

/** Throws the abort reason when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The `{ abort, stop }` handle the addon's start functions return. */
interface NativeControl {
  abort(): void;
  stop(): void;
}

/**
 * Runs a native driver on a worker: `start(onProgress, onDone)` calls the addon. Progress records go to
 * `onProgress` and then `callback` (whose `'stop'` the worker honours at its next iteration).
 */
export function runNativeAsync<Raw, Rec, R>(
  start: (onProgress: ((rec: Rec) => unknown) | undefined, onDone: (err: unknown, raw?: Raw) => void) => NativeControl,
  a: ResolvedAsync<Rec>, callback: ((rec: Rec) => void | 'stop') | undefined, wrap: (raw: Raw) => R,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const forward = a.onProgress || callback
      ? (record: Rec) => {
        a.onProgress?.(record);
        return callback ? callback(record) : undefined;
      }
      : undefined;
    let control: NativeControl | undefined;
    const onAbort = (): void => control?.abort();
    control = start(forward, (err, raw) => {
      a.signal?.removeEventListener('abort', onAbort);
      // Never let an exception escape into N-API's completion callback (it would be swallowed with a warning
      // and the promise would never settle): any failure while wrapping the result rejects.
      try {
        if (err) reject(err);
        else resolve(wrap(raw as Raw));
      } catch (e) {
        reject(e);
      }
    });
    a.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A TypeScript run advanced step by step (lib/minimize.ts Run, lib/stochastic/driver.ts StochasticRun). */
export interface SteppedRun<R> {
  advance(): unknown;
  abort(message: string): void;
  result(): R;
}

/**
 * Wraps a user callback so every `progressEvery`-th record also reaches `onProgress` (used to build the
 * TypeScript run, whose own callback hook sees every record).
 */
export function withProgress<Rec>(a: ResolvedAsync<Rec>, callback: ((rec: Rec) => void | 'stop') | undefined): ((rec: Rec) => void | 'stop') | undefined {
  if (!a.onProgress) return callback;
  let count = 0;
  return (rec: Rec) => {
    if (++count % a.progressEvery === 0) a.onProgress!(rec);
    return callback ? callback(rec) : undefined;
  };
}

/** Runs a TypeScript loop on the main thread, yielding at least every `yieldEveryMs`. */
export async function runJsAsync<R, Rec>(run: SteppedRun<R>, a: ResolvedAsync<Rec>): Promise<R> {
  let aborted = false;
  const onAbort = (): void => { aborted = true; };
  a.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let sliceStart = performance.now();
    for (;;) {
      if (aborted) run.abort('aborted');
      if (!run.advance()) break;
      if (performance.now() - sliceStart >= a.yieldEveryMs) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    return run.result();
  } finally {
    a.signal?.removeEventListener('abort', onAbort);
  }
}
