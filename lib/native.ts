/**
 * Loads the native addon once, lazily, and types its raw exports.
 *
 * Order tried: `STEPSEARCH_ADDON` (an explicit path to a .node file, for development builds kept outside
 * build/), then node-gyp-build's search of the package root (build/Release, build/Debug, then
 * prebuilds/<platform>-<arch>; with PREBUILDS_ONLY=1 only the prebuilds). If nothing loads, the pure
 * TypeScript backend keeps working and `loadNative()` throws an error that lists what was tried and how to
 * fix it (in the manner of sharp's loader).
 */
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeAddon = any;

const packageRoot = path.join(__dirname, '..');

let cached: { addon?: NativeAddon; error?: Error } | undefined;

function describeLoadFailure(attempts: string[], cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const lines = [
    'stepsearch: could not load the native addon; the pure-TypeScript backend still works (backend: "js").',
    `Platform: ${process.platform}-${process.arch}, Node ${process.version} (N-API ${process.versions.napi}).`,
    'Tried:',
    ...attempts.map((a) => `  - ${a}`),
    `Last error: ${reason}`,
    'To fix: reinstall so the prebuilt binary is unpacked (npm install stepsearch), or build from source',
    '(needs g++ and python3: npm rebuild stepsearch, or npx node-gyp rebuild in the package folder).',
    'If the error mentions libgomp.so.1, install it (Debian/Ubuntu: apt-get install libgomp1).',
  ];
  const err = new Error(lines.join('\n'));
  (err as Error & { cause?: unknown }).cause = cause;
  return err;
}

function tryLoad(): { addon?: NativeAddon; error?: Error } {
  const attempts: string[] = [];
  const explicit = process.env.STEPSEARCH_ADDON;
  if (explicit) {
    attempts.push(`STEPSEARCH_ADDON=${explicit}`);
    try {
      return { addon: require(path.resolve(explicit)) };
    } catch (e) {
      return { error: describeLoadFailure(attempts, e) };
    }
  }
  const only = process.env.PREBUILDS_ONLY ? ' (PREBUILDS_ONLY set: prebuilds only)' : '';
  attempts.push(`node-gyp-build in ${packageRoot}: build/Release, build/Debug, prebuilds/${process.platform}-${process.arch}${only}`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const load = require('node-gyp-build');
    return { addon: load(packageRoot) };
  } catch (e) {
    return { error: describeLoadFailure(attempts, e) };
  }
}

/** The addon, or throws the descriptive load error. */
export function loadNative(): NativeAddon {
  cached ??= tryLoad();
  if (cached.error) throw cached.error;
  return cached.addon;
}

/** True when the native addon can be loaded on this machine. */
export function nativeAvailable(): boolean {
  cached ??= tryLoad();
  return cached.addon !== undefined;
}

/** The error that prevented loading, if any. */
export function nativeLoadError(): Error | undefined {
  cached ??= tryLoad();
  return cached.error;
}
