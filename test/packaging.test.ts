/**
 * Packaging: what `npm pack` ships works on a machine without a compiler or libgomp, and the two build
 * descriptions (binding.gyp, CMakeLists.txt) make the same addon (pipeline.md, "Project decision on prebuilt
 * binaries" and Corrections 1, 4, 6, 7).
 *
 * Everything happens in a temporary copy of the working tree (scripts/stage-tree.mjs): `npm pack` runs
 * prepack, whose prebuildify MOVES build/Release/stepsearch.node into prebuilds/, which would break every
 * other test if it ran in the real tree. In the staged copy, at the same time:
 *   - `npm pack` → tsc + prebuildify (a node-gyp build, stripped, libgomp.so.1 copied beside it) → tarball;
 *   - `cmake-js rebuild -O build-cmake` → the development build, for the build-sync comparison.
 * Then an empty project installs the tarball and loads it with PREBUILDS_ONLY=1 in child processes.
 *
 * .ci/run has just compiled the same sources with cmake-js (with compile_commands.json) and says so through
 * STEPSEARCH_CMAKE_BUILD_DIR; that build is then compared instead of compiling the tree a third time.
 *
 * Set STEPSEARCH_KEEP_TMP=1 to keep the temporary directories for inspection.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Plain ESM helpers shared with the command-line scripts (not part of the published package).
import { stageTree } from '../scripts/stage-tree.mjs';
import { checkBuildSync, dynamicSection } from '../scripts/check-build-sync.mjs';

const KEEP = !!process.env.STEPSEARCH_KEEP_TMP;
/** A fresh cmake-js build dir of this very tree, made by .ci/run; absent in development runs. */
const CI_CMAKE_BUILD = process.env.STEPSEARCH_CMAKE_BUILD_DIR ? path.resolve(process.env.STEPSEARCH_CMAKE_BUILD_DIR) : '';
const platformDir = `${process.platform}-${process.arch}`;

interface RunResult {
  cmd: string;
  code: number | null;
  out: string;
  ms: number;
}

/** npm settings worth passing on; every other npm_* variable describes the `npm test` run that started us. */
const NPM_PASS = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']);

/**
 * The environment for child processes: without vitest's variables, without anything that would make the
 * loader pick another binary (STEPSEARCH_ADDON, STEPSEARCH_PREBUILD, PREBUILDS_ONLY), and without the
 * npm_* variables of the surrounding `npm test` (npm_config_prefix=/usr and friends would redirect a nested
 * `npm install`).
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|STEPSEARCH_)|^PREBUILDS_ONLY$/.test(k)) continue;
    if (/^npm_/i.test(k) && !NPM_PASS.has(k)) continue;
    env[k] = v;
  }
  // node-gyp (prebuildify) must use the local headers: there is no nodejs.org download here.
  env.npm_config_nodedir = process.env.npm_config_nodedir ?? '/usr';
  env.JOBS = process.env.JOBS ?? 'max';
  env.NO_COLOR = '1';
  return { ...env, ...extra };
}

function run(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const done = (code: number | null, out: string) =>
      resolve({ cmd: [cmd, ...args].join(' '), code, out, ms: performance.now() - t0 });
    let out = '';
    const child = spawn(cmd, args, { cwd, env: childEnv(extraEnv) });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => done(null, `${out}\n${String(e)}`));
    child.on('close', (code) => done(code, out));
  });
}

/** A failure message with the command, its exit status, its error lines (compiler errors first) and its tail. */
function explain(r: RunResult): string {
  const errors = r.out
    .split('\n')
    .filter((l) => /\berror\b/i.test(l) && !/^gyp info/.test(l))
    .slice(0, 20);
  const head = `\`${r.cmd}\` exited with ${r.code} after ${(r.ms / 1000).toFixed(1)} s`;
  return `${head}\n${errors.length ? `error lines:\n${errors.join('\n')}\n` : ''}output (end):\n${r.out.slice(-4000)}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Run in the consumer project: loads the installed package through its public API and reports what was
 * loaded, where libgomp came from, and objective values. The expected values are computed here with a
 * plain loop, independently of the package (logistic loss of design.md §3 / spec §3.2).
 */
const CONSUMER_CHECK = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const pkgRoot = path.dirname(require.resolve('stepsearch/package.json'));
const gypBuild = require(require.resolve('node-gyp-build', { paths: [pkgRoot] }));
const out = { pkgRoot, resolved: gypBuild.resolve(pkgRoot) };

const ss = require('stepsearch');
const n = 6, d = 3;
const data = new Float64Array([1, 2, -1, 0.5, -1, 3, -2, 0.25, 1, 3, 1, 0, -0.5, -1.5, 2, 1, 1, 1]);
const y = new Float64Array([1, 0, 1, 1, 0, 0]);
const l2 = 0.1;
const f = ss.logistic(new ss.DenseMatrix(data, n, d), y, { l2, backend: 'native' });
const w = new Float64Array([0.3, -0.2, 0.5]);
out.backend = f.backend;
out.valueAtZero = f.value(new Float64Array(d));
out.value = f.value(w);
let sum = 0;
for (let i = 0; i < n; i++) {
  let z = 0;
  for (let j = 0; j < d; j++) z += data[i * d + j] * w[j];
  const s = y[i] === 1 ? 1 : -1;
  sum += Math.log1p(Math.exp(-s * z));
}
out.expected = sum / n + 0.5 * l2 * w.reduce((a, v) => a + v * v, 0);
out.loadedNodeFiles = Object.keys(require.cache).filter((k) => k.endsWith('.node'));
out.libgomp = [...new Set(fs.readFileSync('/proc/self/maps', 'utf8').split('\n')
  .map((l) => l.trim().split(/\s+/).slice(5).join(' ')).filter((p) => /libgomp/.test(p)))];
console.log(JSON.stringify(out));
`;

let work = '';
let stage = '';
let consumer = '';
let tarball = '';
let pkgRoot = '';
let pack: RunResult;
let cmake: RunResult;
let cmakeBuildDir = '';
let install: RunResult | undefined;

/** Accepts .ci/run's cmake-js build when it has what the comparison needs. */
function reuseCmakeBuild(dir: string): RunResult {
  const needed = ['Release/stepsearch.node', 'compile_commands.json'].map((f) => path.join(dir, f));
  const missing = needed.filter((f) => !fs.existsSync(f));
  return {
    cmd: `reuse the cmake-js build in ${dir} (STEPSEARCH_CMAKE_BUILD_DIR)`,
    code: missing.length === 0 ? 0 : 1,
    out: missing.length === 0 ? '' : `missing: ${missing.join(', ')}`,
    ms: 0,
  };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-packaging-'));
  stage = path.join(work, 'stage');
  consumer = path.join(work, 'consumer');
  const packDir = path.join(work, 'pack');
  fs.mkdirSync(packDir);

  let t0 = performance.now();
  const files = stageTree(stage, { withNodeModules: true });
  console.log(`packaging: staged ${files} files + node_modules in ${seconds(performance.now() - t0)}`);

  // Two builds at once: node-gyp (inside npm pack, output build/ → prebuilds/) and cmake-js (build-cmake/,
  // unless .ci/run's build is reused).
  cmakeBuildDir = CI_CMAKE_BUILD || path.join(stage, 'build-cmake');
  [pack, cmake] = await Promise.all([
    run('npm', ['pack', '--pack-destination', packDir], stage),
    CI_CMAKE_BUILD
      ? reuseCmakeBuild(CI_CMAKE_BUILD)
      : run('npx', ['cmake-js', 'rebuild', '-O', 'build-cmake', '--CDCMAKE_EXPORT_COMPILE_COMMANDS=ON'], stage),
  ]);
  const cmakeNote = CI_CMAKE_BUILD ? `.ci/run's build reused` : `${seconds(cmake.ms)}`;
  console.log(`packaging: npm pack ${seconds(pack.ms)} (exit ${pack.code}), cmake-js ${cmakeNote} (exit ${cmake.code})`);
  if (pack.code !== 0) return;
  tarball = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz');
  console.log(`packaging: ${path.basename(tarball)} is ${(fs.statSync(tarball).size / 1024).toFixed(0)} KiB`);

  fs.mkdirSync(consumer);
  fs.writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'stepsearch-consumer', version: '1.0.0', private: true }),
  );
  fs.writeFileSync(path.join(consumer, 'check.cjs'), CONSUMER_CHECK);
  t0 = performance.now();
  // The dependencies come from the npm cache when they are there (they are after `npm ci`), else the registry.
  install = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], consumer);
  console.log(`packaging: consumer npm install ${seconds(install.ms)} (exit ${install.code})`);
  pkgRoot = path.join(consumer, 'node_modules', 'stepsearch');
}, 900_000);

afterAll(() => {
  if (work && !KEEP) fs.rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`packaging: kept ${work}`);
});

function tarballEntries(): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((e) => e.replace(/^package\//, ''));
}

/** Runs the consumer check script with PREBUILDS_ONLY=1, optionally through a wrapper (the namespace). */
async function consumerCheck(wrapper: string[] = []) {
  const argv = [...wrapper, process.execPath, 'check.cjs'];
  const r = await run(argv[0], argv.slice(1), consumer, { PREBUILDS_ONLY: '1' });
  expect(r.code, explain(r)).toBe(0);
  const lines = r.out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as {
    pkgRoot: string;
    resolved: string;
    backend: string;
    valueAtZero: number;
    value: number;
    expected: number;
    loadedNodeFiles: string[];
    libgomp: string[];
  };
}

function expectComputes(r: Awaited<ReturnType<typeof consumerCheck>>) {
  expect(r.backend).toBe('native');
  // f(0) = (1/n) Σ log(1 + e⁰) = log 2, whatever the data (l2 term vanishes at 0).
  expect(Math.abs(r.valueAtZero - Math.LN2)).toBeLessThanOrEqual(4 * Number.EPSILON);
  expect(Math.abs(r.value - r.expected)).toBeLessThanOrEqual(1e-13 * Math.abs(r.expected));
}

describe('npm package', () => {
  it('npm pack ships the prebuild with libgomp, the compiled JS and the sources a fallback compile needs, and no tests or build dirs', () => {
    expect(pack.code, explain(pack)).toBe(0);
    const entries = new Set(tarballEntries());
    const sources = fs
      .readFileSync(path.join(stage, 'native/sources.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    // Every lib/**/*.ts compiles to a .js and a .d.ts in dist/.
    const libFiles = fs
      .readdirSync(path.join(stage, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    const dist = libFiles.flatMap((f) => {
      const base = `dist/${f.replace(/\\/g, '/').replace(/\.ts$/, '')}`;
      return [`${base}.js`, `${base}.d.ts`];
    });
    const required = [
      `prebuilds/${platformDir}/stepsearch.node`,
      `prebuilds/${platformDir}/libgomp.so.1`,
      'dist/index.js',
      'dist/index.d.ts',
      ...dist,
      'package.json',
      'README.md',
      'LICENSE',
      'THIRD_PARTY_NOTICES.md',
      'licenses/GPL-3.0.txt',
      'licenses/GCC-RLE-3.1.txt',
      'binding.gyp',
      'CMakeLists.txt',
      'native/sources.txt',
      'native/vendor/eigen/Eigen/Core',
      'native/vendor/eigen/COPYING.MPL2',
      ...sources,
    ];
    expect(required.filter((f) => !entries.has(f)), 'missing from the tarball').toEqual([]);
    const forbidden = [...entries].filter(
      (e) =>
        /^(test|build[^/]*|node_modules|bench\/results|\.ci)\//.test(e) ||
        e === '.vitest-report.json' ||
        e.endsWith('.tgz') ||
        (e.endsWith('.node') && !e.startsWith('prebuilds/')),
    );
    expect(forbidden, 'must not be in the tarball').toEqual([]);
  });

  it('an empty project installs the tarball and loads the prebuild (PREBUILDS_ONLY=1), compiling nothing', async () => {
    expect(install, 'npm pack failed, nothing to install').toBeDefined();
    expect(install!.code, explain(install!)).toBe(0);
    expect(fs.existsSync(path.join(pkgRoot, 'build')), 'a build/ dir means the install compiled').toBe(false);
    const prebuild = path.join(pkgRoot, 'prebuilds', platformDir, 'stepsearch.node');
    const r = await consumerCheck();
    expect(r.pkgRoot).toBe(pkgRoot);
    expect(r.resolved).toBe(prebuild);
    expect(r.loadedNodeFiles).toEqual([prebuild]);
    // RUNPATH=$ORIGIN wins over the system copy, so the bundled libgomp is the one mapped.
    expect(r.libgomp).toEqual([path.join(pkgRoot, 'prebuilds', platformDir, 'libgomp.so.1')]);
    expectComputes(r);
  });
});

describe('bundled libgomp (Linux)', () => {
  /** Every file the system would load as libgomp.so.1 (ld.so cache and the compiler's copy), resolved. */
  function systemLibgomp(): string[] {
    const candidates = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /\blibgomp\.so\.1\b/.test(l))
      .map((l) => l.split('=>')[1]?.trim())
      .filter((p): p is string => !!p);
    try {
      const fromGcc = execFileSync('g++', ['-print-file-name=libgomp.so.1'], { encoding: 'utf8' }).trim();
      if (path.isAbsolute(fromGcc)) candidates.push(fromGcc);
    } catch {
      // no compiler: the ld.so cache alone says what a loader would find
    }
    return [...new Set(candidates.filter((p) => fs.existsSync(p)).map((p) => fs.realpathSync(p)))];
  }

  /** argv prefix: a private mount namespace in which every system libgomp is /dev/null. */
  function hiddenLibgompWrapper(): string[] {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const mounts = systemLibgomp().map((p) => `mount --bind /dev/null ${quote(p)} || exit 97;`).join(' ');
    return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${mounts} exec "$@"`, 'sh'];
  }

  it('the prebuild has RUNPATH $ORIGIN and ldd resolves libgomp.so.1 to the copy beside it', async () => {
    expect(install?.code, 'the tarball was not installed').toBe(0);
    const dir = path.join(pkgRoot, 'prebuilds', platformDir);
    expect(dynamicSection(path.join(dir, 'stepsearch.node')).runpath).toContain('$ORIGIN');
    const ldd = await run('ldd', [path.join(dir, 'stepsearch.node')], consumer);
    expect(ldd.code, explain(ldd)).toBe(0);
    expect(ldd.out).toContain(`libgomp.so.1 => ${path.join(dir, 'libgomp.so.1')}`);
  });

  it('with the system libgomp hidden (mount namespace) the installed prebuild still loads and computes', async () => {
    expect(install?.code, 'the tarball was not installed').toBe(0);
    const probe = await run('unshare', ['-m', '--propagation', 'private', 'true'], consumer);
    expect(
      probe.code,
      `cannot create a mount namespace (this test needs root or CAP_SYS_ADMIN, as CI has): ${explain(probe)}`,
    ).toBe(0);
    const hidden = systemLibgomp();
    expect(hidden.length, 'found no system libgomp.so.1 to hide').toBeGreaterThan(0);
    const wrapper = hiddenLibgompWrapper();

    // Control: the same binary in a directory without libgomp.so.1 cannot load there, so libgomp is hidden.
    const controlDir = path.join(work, 'control');
    fs.mkdirSync(controlDir, { recursive: true });
    const controlNode = path.join(controlDir, 'stepsearch.node');
    fs.copyFileSync(path.join(pkgRoot, 'prebuilds', platformDir, 'stepsearch.node'), controlNode);
    const control = await run(
      wrapper[0],
      [...wrapper.slice(1), process.execPath, '-e', `process.dlopen({ exports: {} }, ${JSON.stringify(controlNode)})`],
      consumer,
    );
    expect(control.code, `the control loaded although libgomp should be hidden: ${explain(control)}`).not.toBe(0);
    expect(control.code, `mount failed inside the namespace: ${explain(control)}`).not.toBe(97);
    expect(control.out).toMatch(/libgomp\.so\.1/);

    // The installed package: ldd inside the namespace still finds the bundled copy, and the addon computes.
    const dir = path.join(pkgRoot, 'prebuilds', platformDir);
    const ldd = await run(wrapper[0], [...wrapper.slice(1), 'ldd', path.join(dir, 'stepsearch.node')], consumer);
    expect(ldd.code, explain(ldd)).toBe(0);
    expect(ldd.out).toContain(`libgomp.so.1 => ${path.join(dir, 'libgomp.so.1')}`);
    const r = await consumerCheck(wrapper);
    expect(r.libgomp).toEqual([path.join(dir, 'libgomp.so.1')]);
    expectComputes(r);
  });
});

describe('build sync', () => {
  it('node-gyp (the prebuild) and cmake-js builds export the same names and use the same flags and libraries', () => {
    expect(pack.code, explain(pack)).toBe(0);
    expect(cmake.code, explain(cmake)).toBe(0);
    const result = checkBuildSync(
      { node: path.join(stage, 'prebuilds', platformDir, 'stepsearch.node'), buildDir: path.join(stage, 'build') },
      { node: path.join(cmakeBuildDir, 'Release', 'stepsearch.node'), buildDir: cmakeBuildDir },
    );
    expect(result.differences).toEqual([]);
    expect(result.exports.length).toBeGreaterThan(0);
    // The flags both builds agree on are the intended ones (pipeline.md Correction 7, Eigen without asserts).
    expect(result.flags).toMatchObject({ std: 'c++17', opt: '-O3', rtti: false, exceptions: true, openmp: true });
    expect(result.flags.defines).toContain('NDEBUG');
    expect(result.flags.defines).toContain('EIGEN_MPL2_ONLY');
  });
});
