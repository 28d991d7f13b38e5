#!/usr/bin/env node
/**
 * Checks that the two build descriptions, binding.gyp (node-gyp: the install-time fallback and prebuildify)
 * and CMakeLists.txt (cmake-js: development), produce the same program. Both read native/sources.txt, so the
 * source list cannot drift; what can drift is what each file adds by hand:
 *
 *  1. exports: every name the addon exports, recursively, including the prototype methods and accessors of
 *     ObjectWrap classes and their static members (each .node is loaded in its own child process);
 *  2. compile flags that change the program: C++ standard, optimisation level, OpenMP, RTTI, exceptions,
 *     symbol visibility, NDEBUG (Eigen's assertions), the NAPI_/NODE_API_/NODE_ADDON_API_/EIGEN_/STEPSEARCH_
 *     defines, and any -f/-m flag not known to be harmless (gyp: build/<target>.target.mk; cmake:
 *     compile_commands.json, written when configured with CMAKE_EXPORT_COMPILE_COMMANDS=ON);
 *  3. the shared libraries each .node needs (readelf NEEDED), so both really link libgomp.
 *
 * Usage:
 *   node scripts/check-build-sync.mjs                 stage a copy of the tree in a temp dir, build it with
 *                                                     node-gyp (build/) and cmake-js (build-cmake/) at the
 *                                                     same time, compare, clean up (never touches ./build)
 *   node scripts/check-build-sync.mjs A.node B.node   compare the exports of two built addons
 * Exit code 0 when in sync, 1 with a list of differences otherwise.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageTree } from './stage-tree.mjs';

const thisFile = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------
// 1. Export shape

/** Own property names of a function that every function has. */
const FUNCTION_BUILTINS = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

function describeProperty(owner, key, seen) {
  const d = Object.getOwnPropertyDescriptor(owner, key);
  if (d.get || d.set) return { type: 'accessor', get: !!d.get, set: !!d.set };
  return describeValue(d.value, seen);
}

function describeMembers(owner, keys, seen) {
  return Object.fromEntries([...keys].sort().map((k) => [k, describeProperty(owner, k, seen)]));
}

/** A JSON description of a value's shape: types, member names, class prototypes; no values. */
function describeValue(value, seen = new Set()) {
  if (typeof value === 'function') {
    const out = { type: 'function' };
    const statics = Object.getOwnPropertyNames(value).filter((k) => !FUNCTION_BUILTINS.has(k));
    if (statics.length) out.statics = describeMembers(value, statics, seen);
    const proto = value.prototype;
    if (proto && typeof proto === 'object') {
      const methods = Object.getOwnPropertyNames(proto).filter((k) => k !== 'constructor');
      if (methods.length) out.prototype = describeMembers(proto, methods, seen);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    if (seen.has(value)) return { type: 'cycle' };
    seen.add(value);
    return { type: 'object', members: describeMembers(value, Object.getOwnPropertyNames(value), seen) };
  }
  return { type: value === null ? 'null' : typeof value };
}

/** Flattens a shape into `path → type`, e.g. `LogisticObjective.prototype.value → function`. */
export function flattenShape(shape, prefix = '', out = new Map()) {
  const visit = (members, at) => {
    for (const [k, v] of Object.entries(members ?? {})) flattenShape(v, at ? `${at}.${k}` : k, out);
  };
  if (prefix) out.set(prefix, shape.type === 'accessor' ? `accessor(${shape.get ? 'get' : ''}${shape.set ? 'set' : ''})` : shape.type);
  if (shape.type === 'object') visit(shape.members, prefix);
  if (shape.type === 'function') {
    visit(shape.statics, prefix);
    visit(shape.prototype, prefix ? `${prefix}.prototype` : 'prototype');
  }
  return out;
}

/** Loads `nodeFile` in a child process (so two builds never share a process) and returns its flat shape. */
export function addonShape(nodeFile) {
  const r = spawnSync(process.execPath, [thisFile, '--shape', path.resolve(nodeFile)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not load ${nodeFile}:\n${r.stderr || r.stdout}`);
  return flattenShape(JSON.parse(r.stdout));
}

/** Differences between two flat shapes, as readable lines. */
export function compareShapes(a, b, nameA = 'node-gyp', nameB = 'cmake-js') {
  const diffs = [];
  for (const [k, t] of a) {
    if (!b.has(k)) diffs.push(`export ${k} (${t}) only in the ${nameA} build`);
    else if (b.get(k) !== t) diffs.push(`export ${k} is ${t} in the ${nameA} build but ${b.get(k)} in the ${nameB} build`);
  }
  for (const [k, t] of b) if (!a.has(k)) diffs.push(`export ${k} (${t}) only in the ${nameB} build`);
  return diffs;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Compile flags

/** -f flags that do not change what the program computes or exports. */
const HARMLESS_F = /^-f(no-)?(PIC|pic|omit-frame-pointer|diagnostics-.*|color-diagnostics|strict-aliasing)$/;
/** Defines that belong to the project rather than to the build tool. */
const PROJECT_DEFINE = /^(NDEBUG|NAPI_|NODE_API_|NODE_ADDON_API_|EIGEN_|STEPSEARCH_)/;

/**
 * Reduces a compiler command line (tokens) to what decides the program. Later flags override earlier ones,
 * as in g++.
 */
export function effectiveFlags(tokens) {
  let std = 'default';
  let opt = '-O0';
  let rtti = true;
  let exceptions = true;
  let visibility = 'default';
  let openmp = false;
  const defines = new Set();
  const other = new Set();
  for (let t of tokens) {
    t = t.replace(/^'(.*)'$/, '$1');
    if (t.startsWith('-std=')) std = t.slice(5);
    else if (/^-O/.test(t)) opt = t;
    else if (t === '-frtti' || t === '-fno-rtti') rtti = t === '-frtti';
    else if (t === '-fexceptions' || t === '-fno-exceptions') exceptions = t === '-fexceptions';
    else if (t.startsWith('-fvisibility=')) visibility = t.slice(13);
    else if (t === '-fopenmp') openmp = true;
    else if (t.startsWith('-D')) {
      // node-addon-api's gyp target spells the exceptions switch the older way; napi.h treats both alike.
      const name = t.slice(2).replace(/^NAPI_CPP_EXCEPTIONS$/, 'NODE_ADDON_API_CPP_EXCEPTIONS');
      if (PROJECT_DEFINE.test(name)) defines.add(name);
    } else if ((/^-f/.test(t) && !HARMLESS_F.test(t)) || (/^-m/.test(t) && t !== '-m64')) other.add(t);
  }
  return { std, opt, rtti, exceptions, visibility, openmp, defines: [...defines].sort(), other: [...other].sort() };
}

/** Tokens of one C++ compile in a node-gyp build dir (Release), read from the generated makefile. */
export function gypCompileTokens(buildDir, target = 'stepsearch') {
  const mk = fs.readFileSync(path.join(buildDir, `${target}.target.mk`), 'utf8');
  const block = (name) => {
    const m = mk.match(new RegExp(`^${name} :=((?:.*\\\\\\n)*.*)$`, 'm'));
    return m ? m[1].replace(/\\\n/g, ' ').trim().split(/\s+/).filter(Boolean) : [];
  };
  return [...block('DEFS_Release'), ...block('CFLAGS_Release'), ...block('CFLAGS_CC_Release')];
}

/** Tokens of each C++ compile in a cmake build dir, from compile_commands.json; all must agree. */
export function cmakeCompileTokens(buildDir) {
  const file = path.join(buildDir, 'compile_commands.json');
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: configure with --CDCMAKE_EXPORT_COMPILE_COMMANDS=ON`);
  }
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (entries.length === 0) throw new Error(`${file} lists no compile`);
  const tokens = entries.map((e) => (e.arguments ?? e.command.split(/\s+/)).filter((t) => /^-[DOfmsU]/.test(t)));
  return tokens[0];
}

/** Differences in the program-deciding compile flags. */
export function compareFlags(gypTokens, cmakeTokens) {
  const a = effectiveFlags(gypTokens);
  const b = effectiveFlags(cmakeTokens);
  const diffs = [];
  for (const k of Object.keys(a)) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
      diffs.push(`compile flag ${k}: node-gyp ${JSON.stringify(a[k])} vs cmake-js ${JSON.stringify(b[k])}`);
    }
  }
  return { diffs, gyp: a, cmake: b };
}

// ---------------------------------------------------------------------------------------------------------
// 3. Linked libraries

/** NEEDED entries and RUNPATH of an ELF file (Linux; empty elsewhere). */
export function dynamicSection(file) {
  if (process.platform !== 'linux') return { needed: [], runpath: [] };
  const out = execFileSync('readelf', ['-d', file], { encoding: 'utf8' });
  const needed = [...out.matchAll(/\(NEEDED\).*\[(.*)\]/g)].map((m) => m[1]).sort();
  const runpath = [...out.matchAll(/\((?:RUNPATH|RPATH)\).*\[(.*)\]/g)].flatMap((m) => m[1].split(':'));
  return { needed, runpath };
}

export function compareNeeded(gypNode, cmakeNode) {
  const a = dynamicSection(gypNode).needed;
  const b = dynamicSection(cmakeNode).needed;
  return JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [`linked libraries: node-gyp [${a.join(', ')}] vs cmake-js [${b.join(', ')}]`];
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Compares a node-gyp build and a cmake-js build of the same tree. `gyp` and `cmake` give the .node file and
 * the build dir (the one holding stepsearch.target.mk, resp. compile_commands.json).
 */
export function checkBuildSync(gyp, cmake) {
  const gypShape = addonShape(gyp.node);
  const cmakeShape = addonShape(cmake.node);
  const flags = compareFlags(gypCompileTokens(gyp.buildDir), cmakeCompileTokens(cmake.buildDir));
  const differences = [
    ...compareShapes(gypShape, cmakeShape),
    ...flags.diffs,
    ...compareNeeded(gyp.node, cmake.node),
  ];
  return { differences, exports: [...gypShape.keys()].sort(), flags: flags.gyp };
}

function run(cmd, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, JOBS: process.env.JOBS ?? 'max' } });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => resolve({ code, log }));
  });
}

async function buildBothAndCompare() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-sync-'));
  try {
    stageTree(work, { withNodeModules: true });
    const t0 = Date.now();
    // Different output dirs (build/ and build-cmake/), so the two builds can share the staged tree.
    const [gypRun, cmakeRun] = await Promise.all([
      run('npx', ['node-gyp', 'rebuild'], work),
      run('npx', ['cmake-js', 'rebuild', '-O', 'build-cmake', '--CDCMAKE_EXPORT_COMPILE_COMMANDS=ON'], work),
    ]);
    for (const [name, r] of [['node-gyp', gypRun], ['cmake-js', cmakeRun]]) {
      if (r.code !== 0) throw new Error(`${name} build failed:\n${r.log.slice(-4000)}`);
    }
    console.log(`built both in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return checkBuildSync(
      { node: path.join(work, 'build/Release/stepsearch.node'), buildDir: path.join(work, 'build') },
      { node: path.join(work, 'build-cmake/Release/stepsearch.node'), buildDir: path.join(work, 'build-cmake') },
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function report({ differences, exports }) {
  if (differences.length === 0) {
    console.log(`node-gyp and cmake-js builds agree (${exports.length} exported names, same flags and libraries)`);
    return 0;
  }
  console.log(`node-gyp and cmake-js builds differ:\n  ${differences.join('\n  ')}`);
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === thisFile) {
  const args = process.argv.slice(2);
  if (args[0] === '--shape') {
    // Child mode: load one addon and print its shape.
    const m = { exports: {} };
    process.dlopen(m, args[1]);
    process.stdout.write(JSON.stringify(describeValue(m.exports)));
  } else if (args.length === 2) {
    const [a, b] = args.map(addonShape);
    process.exitCode = report({ differences: compareShapes(a, b, args[0], args[1]), exports: [...a.keys()] });
  } else if (args.length === 0) {
    process.exitCode = report(await buildBothAndCompare());
  } else {
    console.error('usage: node scripts/check-build-sync.mjs [A.node B.node]');
    process.exitCode = 2;
  }
}
