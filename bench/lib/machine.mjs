// What the numbers were measured on: CPU, cores, memory, Node, thread counts, package versions, date, load.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addon, distDir, lib, peerVersion, root } from './common.mjs';

function cpuModel() {
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m);
    if (m) return m[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function quiet(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

/** The npm peers and the measurement library, as installed by bench/setup. */
export const PEER_PACKAGES = [
  'tinybench', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'numeric', 'optimization-js', 'fmin',
  'ml-logistic-regression', 'ml-matrix',
];

/** Machine and software description, taken at the start of a run. */
export function machineInfo() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dirty = quiet('git', ['status', '--porcelain', '--untracked-files=no']);
  let compiler = quiet('g++', ['--version']);
  compiler = compiler?.split('\n')[0];
  return {
    date: new Date().toISOString(),
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${process.arch}`,
    node: process.version,
    compiler,
    loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)),
    threads: {
      default: addon ? lib.getThreads() : undefined,
      ompMax: addon?.maxThreads?.(),
      OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? null,
      measured: [1, 2],
    },
    stepsearch: {
      version: pkg.version,
      commit: quiet('git', ['rev-parse', '--short', 'HEAD']),
      workTreeModified: dirty === undefined ? undefined : dirty.length > 0,
      addon: process.env.STEPSEARCH_ADDON ?? 'node-gyp-build default (build/Release or prebuilds)',
      nativeLoaded: addon !== undefined,
      dist: path.relative(root, distDir) || '.',
    },
    packages: Object.fromEntries(PEER_PACKAGES.map((p) => [p, peerVersion(p) ?? null])),
    benchPackageJson: fs.existsSync(path.join(root, 'bench', 'node_modules')) ? 'installed' : 'not installed (run bench/setup)',
  };
}

/** One line for table captions: "Intel … (2 cores, 23.4 GiB), Node v20…, 2026-11-24". */
export function machineLine(m) {
  return `${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}, stepsearch ${m.stepsearch.version}` +
    `${m.stepsearch.commit ? ` @ ${m.stepsearch.commit}${m.stepsearch.workTreeModified ? '+' : ''}` : ''}, ${m.date.slice(0, 10)}`;
}
