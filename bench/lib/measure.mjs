// Measurement discipline shared by every table: warm-up, interleaved repeats, medians with min/max, and ratios
// taken from the same run.
//
// - Kernel-sized work (µs to ~100 ms per call) goes through tinybench (bench/package.json): each *round* is a
//   tinybench Bench holding every contender, run with a small time budget; the contenders' order rotates from
//   round to round, so slow drifts of the shared machine (other processes, frequency changes) spread over all
//   contenders instead of landing on one. The samples of all rounds are pooled; we report their median and
//   min/max. Warm-up (tinybench's) runs in the first round only.
// - Whole solves (10 ms to minutes) go through `interleavedRuns`: R repeats, each repeat running every
//   contender once in rotated order, after one untimed warm-up call per contender when asked.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, benchRequire, log, median, now, peerVersion } from './common.mjs';

let tinybench;
try {
  // Only bench/node_modules' copy: resolution would otherwise walk up to the root node_modules, which holds
  // vitest's older tinybench (no runSync) when bench/setup has not been run.
  const resolved = benchRequire.resolve('tinybench');
  if (!resolved.startsWith(path.join(benchDir, 'node_modules') + path.sep)) throw new Error('not in bench/node_modules');
  tinybench = await import(pathToFileURL(resolved).href);
} catch {
  tinybench = undefined; // not installed: the fallback loop below is used and the report says so
}
/** Which engine timed the kernels (for the report). */
export const kernelTimer = tinybench ? `tinybench ${peerVersion('tinybench')}` : 'built-in loop (tinybench not installed: run bench/setup)';

/**
 * Times every contender in interleaved rounds.
 * @param contenders [{ key, fn, beforeAll? }]: fn() is one call of the measured operation (synchronous);
 *   beforeAll() runs untimed before each round's samples of that contender (e.g. to put a cache in a known state).
 * @param opts rounds (default 5), roundMs: time budget per contender per round (default 60), minSamples per
 *   contender per round (default 1), warmupMs (default 30).
 * @returns Map key → { medianMs, minMs, maxMs, samples }
 */
export function compareInterleaved(contenders, { rounds = 5, roundMs = 60, minSamples = 1, warmupMs = 30 } = {}) {
  const pooled = new Map(contenders.map((c) => [c.key, []]));
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, k) => contenders[(k + r) % contenders.length]);
    if (tinybench) {
      const bench = new tinybench.Bench({
        time: roundMs, iterations: minSamples, warmup: r === 0, warmupTime: warmupMs, warmupIterations: 2,
        retainSamples: true, throws: true,
      });
      for (const c of order) bench.add(c.key, c.fn, c.beforeAll ? { beforeAll: c.beforeAll } : undefined);
      for (const task of bench.runSync()) {
        const samples = task.result?.latency?.samples;
        if (!samples) throw new Error(`tinybench gave no samples for ${task.name} (state ${task.result?.state})`);
        const into = pooled.get(task.name);
        for (const v of samples) into.push(v); // (spread would overflow the stack for µs tasks)
      }
    } else {
      for (const c of order) {
        c.beforeAll?.();
        if (r === 0) c.fn(); // warm-up call
        const t0 = now();
        let k = 0;
        do {
          const s = now();
          c.fn();
          pooled.get(c.key).push(now() - s);
          k++;
        } while (k < minSamples || now() - t0 < roundMs);
      }
    }
  }
  const out = new Map();
  for (const [key, samples] of pooled) out.set(key, summarize(samples));
  return out;
}

/** { medianMs, minMs, maxMs, samples } of a list of times in ms. */
export function summarize(samples) {
  let min = Infinity;
  let max = -Infinity;
  for (const s of samples) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return { medianMs: median(samples), minMs: min, maxMs: max, samples: samples.length };
}

/**
 * Runs each contender `repeats` times, interleaved (repeat r runs every contender once, order rotated by r).
 * @param contenders [{ key, run, repeats? }] where run() performs one timed run and returns { ms, ...info } (the
 *   caller times exactly what should be timed) or throws; `repeats` caps that contender's own repeat count.
 * @param opts repeats (default 3), warmup: one untimed run of each first (default false).
 * @returns Map key → { medianMs, minMs, maxMs, samples, last } (last = the info of the last run), or { error }.
 */
export function interleavedRuns(contenders, { repeats = 3, warmup = false, label = '' } = {}) {
  const times = new Map(contenders.map((c) => [c.key, []]));
  const last = new Map();
  const failed = new Map();
  if (warmup) {
    for (const c of contenders) {
      try {
        c.run();
      } catch (e) {
        failed.set(c.key, e);
      }
    }
  }
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      if (failed.has(c.key) || r >= (c.repeats ?? repeats)) continue;
      try {
        const info = c.run();
        times.get(c.key).push(info.ms);
        last.set(c.key, info);
      } catch (e) {
        failed.set(c.key, e);
      }
    }
    if (label) log(`${label}: repeat ${r + 1}/${repeats} done`);
  }
  const out = new Map();
  for (const c of contenders) {
    if (failed.has(c.key)) out.set(c.key, { error: failed.get(c.key) });
    else out.set(c.key, { ...summarize(times.get(c.key)), last: last.get(c.key) });
  }
  return out;
}
