/**
 * The thread count of the native kernels (design.md §3 "Threads"). One process-wide setting shared by every
 * native objective and method, including async runs on worker threads. The TypeScript backend is
 * single-threaded and ignores it.
 */
import { checkInteger } from './errors';
import { loadNative } from './native';

/**
 * Sets how many threads the native kernels may use.
 * @param n an integer in [0, 1024]; 0 restores the default (the OpenMP default: `OMP_NUM_THREADS` if set,
 *   else the number of cores). Small problems stay single-threaded whatever the setting (a fork/join costs
 *   more than it saves below ~3·10⁴ multiply-adds).
 * @throws TypeError if n is not a number; RangeError if it is not an integer in [0, 1024]; the loader's
 *   error if the native addon cannot be loaded.
 */
export function setThreads(n: number): void {
  checkInteger('n', n, 0, 1024);
  loadNative().setThreads(n);
}

/**
 * The number of threads the native kernels use: the value given to {@link setThreads}, else the default
 * (`OMP_NUM_THREADS` or the number of cores), divided among native runs in progress.
 * @throws the loader's error if the native addon cannot be loaded.
 */
export function getThreads(): number {
  return loadNative().getThreads() as number;
}
