/**
 * Runs once before any test file: `npm test` alone must work from a fresh clone, and tests that spawn
 * processes (CLI, workers, gc stress, packaging) load the compiled dist/. Compile lib/ → dist/ when dist is
 * missing or older than the sources, once, before the test workers start (so they never race on dist/).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

function newest(folder: string): number {
  let t = 0;
  for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
    const p = path.join(folder, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

export default function setup(): void {
  const index = path.join(root, 'dist', 'index.js');
  if (!fs.existsSync(index) || fs.statSync(index).mtimeMs < newest(path.join(root, 'lib'))) {
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', root], { cwd: root, stdio: 'pipe' });
  }
}
