// Shared plumbing of the benchmark suite (bench/run.mjs): where the compiled library is, command-line flags,
// a seeded PRNG, number formatting. Every bench module imports from here so that the sections agree.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root (two levels above bench/lib). */
export const root = path.resolve(here, '..', '..');
/** bench/ */
export const benchDir = path.join(root, 'bench');
/** Compiled TypeScript to benchmark: STEPSEARCH_DIST, else dist/ (`npm run bench` compiles it first). */
export const distDir = path.resolve(process.env.STEPSEARCH_DIST ?? path.join(root, 'dist'));

const require = createRequire(import.meta.url);
/** The compiled stepsearch package (the public API). */
export const lib = require(path.join(distDir, 'index.js'));
/** The raw addon (for the bench-only export `streamRead` and `maxThreads`), or undefined if it does not load. */
export const addon = (() => {
  try {
    return require(path.join(distDir, 'native.js')).loadNative();
  } catch {
    return undefined;
  }
})();

/** A CommonJS require rooted in bench/ (resolves bench/node_modules, where bench/setup installs the peers). */
export const benchRequire = createRequire(path.join(benchDir, 'package.json'));

/** The version of a package in bench/node_modules, or undefined. */
export function peerVersion(name) {
  try {
    // Read the file itself: packages with an "exports" map (tinybench, ml-matrix) do not export package.json.
    return JSON.parse(fs.readFileSync(path.join(benchDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Flags.

const argv = process.argv.slice(2);
/** True when `--name` was given. */
export function flag(name) {
  return argv.includes(`--${name}`);
}
/** The value after `--name`, or the fallback. */
export function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
/** --quick: reduced sizes (the whole suite in under 2 minutes on a quiet 2-core machine). */
export const quick = flag('quick');

// ---------------------------------------------------------------------------------------------------------
// Numbers.

/** mulberry32: a small seeded PRNG, uniform in [0, 1) (the one bench/kernels.mjs and bench/paper use). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller, one of the pair). */
export function gaussian(rand) {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Milliseconds formatted with 3 significant digits ("0.0123", "45.6", "1234"). */
export function ms(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  if (v >= 1000) return v.toFixed(0);
  return v.toPrecision(3);
}

/** A ratio formatted "12.3×" (or "—"). */
export function times(v, prefix = '') {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  return `${prefix}${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}×`;
}

/** Significant-digit rounding for JSON (keeps files readable). */
export function round(v, digits = 4) {
  return typeof v === 'number' && Number.isFinite(v) ? +v.toPrecision(digits) : v;
}

/** 12 345 678 → "1.2e7"-style size labels for tables: 1000 → "1e3", 200000 → "2e5". */
export function sizeLabel(v) {
  if (v < 1000) return String(v);
  const e = Math.floor(Math.log10(v));
  const m = v / 10 ** e;
  return `${Number.isInteger(m) ? m : m.toFixed(1)}e${e}`.replace(/^1e/, '1e');
}

/** The first line of an error's message. */
export function firstLine(e) {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Median of an array of numbers (copied, then sorted). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const startedAt = performance.now();
/** A log line to stderr, stamped with the seconds since the suite started (stdout carries only the tables). */
export function log(...args) {
  console.error(`[bench ${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)} s]`, ...args);
}

/** Wall-clock now in ms. */
export const now = () => performance.now();

/** The interpreter with the Debian tools (bench/setup), overridable with STEPSEARCH_BENCH_PYTHON. */
export function python() {
  if (process.env.STEPSEARCH_BENCH_PYTHON) return process.env.STEPSEARCH_BENCH_PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}
