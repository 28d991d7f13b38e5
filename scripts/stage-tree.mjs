#!/usr/bin/env node
/**
 * Copies the working tree as a fresh clone (plus uncommitted work) would look: the files git tracks plus the
 * untracked files .gitignore does not exclude (`git ls-files -co --exclude-standard`), without anything a
 * build produces (build*, prebuilds, dist, node_modules).
 *
 * Why: packing runs prebuildify, which MOVES build/Release/stepsearch.node into prebuilds/, and node-gyp
 * always builds into ./build. Doing either in the developer's tree would break or shadow their build, so the
 * packaging test and the build-sync check work on a staged copy.
 *
 *   node scripts/stage-tree.mjs DEST [--with-node-modules]
 *
 * `--with-node-modules` copies node_modules too (a real copy, not a symlink: node resolves symlinks to their
 * real path, and node-addon-api's gyp target would then point back into this tree).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/scripts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level paths that builds and installs produce; never staged. */
const GENERATED = /^(build[^/]*|prebuilds|dist|node_modules)(\/|$)/;

/** Files a clone would not have, for trees that are not git work trees (e.g. an unpacked source archive). */
const UNTRACKED = /(^|\/)(\.git|\.vitest-report\.json|[^/]*\.tgz)$/;

function walk(root, rel = '') {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const f = rel ? `${rel}/${e.name}` : e.name;
    if (GENERATED.test(f) || UNTRACKED.test(f)) return [];
    return e.isDirectory() ? walk(root, f) : [f];
  });
}

/**
 * Relative paths (POSIX separators) of the files a fresh clone of the working tree would have: git's list
 * when `root` is a git work tree, else every file except generated ones.
 */
export function sourceFiles(root = repoRoot) {
  let listed;
  try {
    listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .split('\0');
  } catch {
    listed = walk(root);
  }
  return listed
    .filter((f) => f !== '' && !GENERATED.test(f))
    // A tracked file deleted in the working tree is not part of it.
    .filter((f) => {
      const st = fs.lstatSync(path.join(root, f), { throwIfNoEntry: false });
      return st !== undefined && (st.isFile() || st.isSymbolicLink());
    });
}

/**
 * Copies the source files of `root` into `dest` (created if needed), keeping file modes (.ci/run stays
 * executable). Returns the number of files copied.
 */
export function stageTree(dest, { root = repoRoot, withNodeModules = false } = {}) {
  fs.mkdirSync(dest, { recursive: true });
  const files = sourceFiles(root);
  for (const f of files) {
    const to = path.join(dest, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(path.join(root, f), to, { preserveTimestamps: true, verbatimSymlinks: true });
  }
  if (withNodeModules) {
    // `cp -a` keeps node_modules/.bin's relative symlinks as they are.
    execFileSync('cp', ['-a', path.join(root, 'node_modules'), path.join(dest, 'node_modules')]);
  }
  return files.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dest = args.find((a) => !a.startsWith('--'));
  if (!dest) {
    console.error('usage: node scripts/stage-tree.mjs DEST [--with-node-modules]');
    process.exit(2);
  }
  const n = stageTree(path.resolve(dest), { withNodeModules: args.includes('--with-node-modules') });
  console.log(`staged ${n} files into ${path.resolve(dest)}`);
}
