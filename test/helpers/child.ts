/**
 * Child-process harness for the reliability tests (fuzz*, leaks, faults, limits): crash-prone cases run in a
 * separate `node` so that a segfault, an abort or a hang is counted as a failed assertion instead of killing
 * the vitest worker. Not a test file itself.
 *
 * Children load the compiled package (dist/, built by `npx tsc -p .`, as .ci/run and scripts/sanitize-test.sh
 * do before the tests) and inherit the environment, so STEPSEARCH_ADDON and a sanitizer's LD_PRELOAD apply to
 * them too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');
/** The compiled package entry the children require. */
export const DIST_INDEX = path.join(ROOT, 'dist', 'index.js');

/** Newest modification time (ms) of the files under `dir` whose name ends with `suffix`. */
function newest(dir: string, suffix: string): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = newest(p, suffix);
      if (sub.mtime > best.mtime) best = sub;
    } else if (entry.name.endsWith(suffix)) {
      const mtime = fs.statSync(p).mtimeMs;
      if (mtime > best.mtime) best = { file: p, mtime };
    }
  }
  return best;
}

/**
 * Throws when dist/ is missing or older than lib/: a child would otherwise test stale code and pass (or fail)
 * for the wrong sources.
 */
export function requireFreshDist(): void {
  if (!fs.existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: run \`npx tsc -p .\` before these tests`);
  const src = newest(path.join(ROOT, 'lib'), '.ts');
  const out = newest(path.join(ROOT, 'dist'), '.js');
  if (src.mtime > out.mtime + 1000) {
    throw new Error(`dist/ is older than ${path.relative(ROOT, src.file)}: run \`npx tsc -p .\` before these tests`);
  }
}

/** How a child ended. */
export interface ChildResult {
  /** Exit code, or null when killed by a signal. */
  status: number | null;
  /** The signal that ended it (SIGSEGV, SIGABRT, SIGTERM on timeout), or null. */
  signal: NodeJS.Signals | null;
  /** True when the child exceeded its time limit. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON, or undefined. */
  json: unknown;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** Flags for node itself, e.g. ['--expose-gc']. */
  nodeArgs?: string[];
  /** Arguments after the script. */
  args?: string[];
  /** Kill the child after this many milliseconds (default 60000). */
  timeoutMs?: number;
  /** Extra environment variables (merged over process.env). */
  env?: Record<string, string>;
  /** A shell command prefix such as `ulimit -v 4000000;` (runs through /bin/sh). */
  shellPrefix?: string;
}

/**
 * Writes `script` to a temporary .js file (so worker threads can load it by path) and runs it with this node.
 * The script can `require(DIST)`: the constant DIST is defined at its top.
 */
export function runNode(script: string, options: RunNodeOptions = {}): ChildResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-child-'));
  const file = path.join(dir, 'child.js');
  const prelude = `'use strict';\nconst DIST = ${JSON.stringify(DIST_INDEX)};\nconst ROOT = ${JSON.stringify(ROOT)};\n`;
  fs.writeFileSync(file, prelude + script);
  const env = { ...process.env, ...(options.env ?? {}) };
  const timeout = options.timeoutMs ?? 60_000;
  const argv = [...(options.nodeArgs ?? []), file, ...(options.args ?? [])];
  const t0 = performance.now();
  const out = options.shellPrefix
    ? spawnSync('/bin/sh', ['-c', `${options.shellPrefix} exec "$0" "$@"`, process.execPath, ...argv], {
        encoding: 'utf8', env, timeout, maxBuffer: 64 << 20,
      })
    : spawnSync(process.execPath, argv, { encoding: 'utf8', env, timeout, maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  fs.rmSync(dir, { recursive: true, force: true });
  const lines = (out.stdout ?? '').trim().split('\n');
  let json: unknown;
  try {
    json = JSON.parse(lines[lines.length - 1]);
  } catch {
    json = undefined;
  }
  const timedOut = (out.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: out.status, signal: out.signal, timedOut, stdout: out.stdout ?? '', stderr: out.stderr ?? '', json, ms };
}

/** A one-line description of how a child ended, for assertion messages. */
export function describeChild(r: ChildResult): string {
  const how = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  return `${how} after ${r.ms.toFixed(0)} ms\n--- stderr (tail)\n${r.stderr.slice(-4000)}\n--- stdout (tail)\n${r.stdout.slice(-2000)}`;
}

/** True when this process (and so its children) runs with AddressSanitizer preloaded (scripts/sanitize-test.sh). */
export const UNDER_ASAN = /libasan/.test(process.env.LD_PRELOAD ?? '');
