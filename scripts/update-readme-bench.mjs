#!/usr/bin/env node
// Copies the benchmark headline (kernels and solvers, with the date and machine it was measured on) from
// bench/RESULTS.md (between <!-- headline:start --> and <!-- headline:end -->, written by bench/run.mjs) into
// README.md between <!-- bench:start --> and <!-- bench:end -->. When README.md has no markers yet, a
// "Performance" section holding them is appended at its end. Only the text between the markers changes.
//
//   node scripts/update-readme-bench.mjs               # after `npm run bench`
//   node scripts/update-readme-bench.mjs --check       # exit 1 if README.md is not up to date
//   node scripts/update-readme-bench.mjs --allow-quick # accept the results of `npm run bench -- --quick`
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = path.join(root, 'bench', 'RESULTS.md');
const readmeFile = path.join(root, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function fail(message) {
  console.error(`update-readme-bench: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(resultsFile)) fail('bench/RESULTS.md not found: run `npm run bench` first');
const results = fs.readFileSync(resultsFile, 'utf8');
const m = results.match(/<!-- headline:start -->\n([\s\S]*?)\n<!-- headline:end -->/);
if (!m) fail('bench/RESULTS.md has no headline block (<!-- headline:start --> … <!-- headline:end -->)');
if (results.includes('**Quick run**') && !process.argv.includes('--allow-quick')) {
  fail('bench/RESULTS.md comes from a --quick run; run the full `npm run bench` (or pass --allow-quick)');
}
const block = `${START}\n${m[1].trim()}\n\nFull tables, goals and method: [bench/RESULTS.md](bench/RESULTS.md) (regenerate with \`npm run bench\`, then \`node scripts/update-readme-bench.mjs\`).\n${END}`;

const readme = fs.readFileSync(readmeFile, 'utf8');
let updated;
const s = readme.indexOf(START);
const e = readme.indexOf(END);
if (s >= 0 && e > s) {
  updated = readme.slice(0, s) + block + readme.slice(e + END.length);
} else if (s >= 0 || e >= 0) {
  fail(`README.md has only one of ${START} / ${END}; fix the markers by hand`);
} else {
  updated = `${readme.replace(/\s*$/, '')}\n\n## Performance\n\n${block}\n`;
}

if (process.argv.includes('--check')) {
  if (updated !== readme) fail('README.md is not up to date with bench/RESULTS.md (run node scripts/update-readme-bench.mjs)');
  console.log('README.md benchmark headline is up to date');
} else if (updated === readme) {
  console.log('README.md already up to date');
} else {
  fs.writeFileSync(readmeFile, updated);
  console.log(`README.md: benchmark headline updated from ${path.relative(root, resultsFile)}`);
}
