// bench/readers.mjs: text throughput of the file readers (issue: "readLibsvm reads >= 100 MB/s of text").
//
//   npx tsc -p . && node bench/readers.mjs [--quick]
//
// Writes a seeded synthetic LIBSVM file (~100 MB; --quick ~25 MB) and the same data as CSV into the temp
// folder, reads each with readLibsvm (streaming, async), readLibsvmSync and readCsv, three interleaved
// repeats, and reports the median MB/s (bytes of text / wall time) with min/max. The files are deleted at
// the end. Values are a mix of short decimals and 17-digit doubles, as real exports contain both.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const lib = require(process.env.STEPSEARCH_DIST ?? path.join(here, '../dist/index.js'));
const quick = process.argv.includes('--quick');

function writeFiles(dir, targetBytes) {
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const d = 1000, perRow = 40;
  const svm = fs.openSync(path.join(dir, 'data.libsvm'), 'w');
  const csv = fs.openSync(path.join(dir, 'data.csv'), 'w');
  let bytes = 0, rows = 0;
  while (bytes < targetBytes) {
    const label = rnd() < 0.5 ? 0 : 1;
    const cols = new Set();
    while (cols.size < perRow) cols.add(1 + Math.floor(rnd() * d));
    const sorted = [...cols].sort((a, b) => a - b);
    const parts = [String(label)];
    const dense = new Array(50).fill('0');
    for (const c of sorted) {
      const v = rnd() < 0.8 ? (rnd() * 100).toFixed(3) : String(rnd() * 1e3 - 500);
      parts.push(`${c}:${v}`);
      if (c <= 50) dense[c - 1] = v;
    }
    const line = parts.join(' ') + '\n';
    fs.writeSync(svm, line);
    fs.writeSync(csv, `${label},${dense.join(',')}\n`);
    bytes += line.length;
    rows++;
  }
  fs.closeSync(svm);
  fs.closeSync(csv);
  return rows;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-readers-'));
  try {
    const rows = writeFiles(dir, quick ? 25e6 : 100e6);
    const svmPath = path.join(dir, 'data.libsvm');
    const csvPath = path.join(dir, 'data.csv');
    const svmBytes = fs.statSync(svmPath).size;
    const csvBytes = fs.statSync(csvPath).size;
    const readers = [
      ['readLibsvm (async, streaming)', svmBytes, () => lib.readLibsvm(svmPath)],
      ['readLibsvmSync', svmBytes, () => lib.readLibsvmSync(svmPath)],
      ['readCsv (async)', csvBytes, () => lib.readCsv(csvPath, { header: false })],
    ];
    const times = readers.map(() => []);
    for (let rep = 0; rep < 3; rep++) {
      for (let k = 0; k < readers.length; k++) {
        const t0 = performance.now();
        await readers[k][2]();
        times[k].push(performance.now() - t0);
      }
    }
    console.log(`machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`file: ${rows} rows, LIBSVM ${(svmBytes / 1e6).toFixed(1)} MB, CSV ${(csvBytes / 1e6).toFixed(1)} MB`);
    console.log('| reader | MB/s median | min | max | target 100 MB/s |');
    console.log('|---|---:|---:|---:|---|');
    const out = [];
    for (let k = 0; k < readers.length; k++) {
      const [name, bytes] = readers[k];
      const rates = times[k].map((ms) => bytes / 1e6 / (ms / 1000));
      const row = { name, mbPerS: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
      out.push(row);
      const target = name.startsWith('readLibsvm') ? (row.mbPerS >= 100 ? 'PASS' : 'FAIL') : 'n/a';
      console.log(`| ${name} | ${row.mbPerS.toFixed(1)} | ${row.min.toFixed(1)} | ${row.max.toFixed(1)} | ${target} |`);
    }
    if (!process.argv.includes('--no-save')) {
      fs.mkdirSync(path.join(here, 'results'), { recursive: true });
      fs.writeFileSync(path.join(here, 'results', 'readers.json'), JSON.stringify({
        date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, loadavg: os.loadavg(),
        rows, svmBytes, csvBytes, readers: out,
      }, null, 2));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
