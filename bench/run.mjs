#!/usr/bin/env node
// The benchmark suite: native vs JavaScript vs the tools users would pick, and how cost grows.
//
//   npm run bench                 # compiles the TypeScript (tsc -p .), then runs everything (tens of minutes)
//   npm run bench -- --quick      # reduced sizes, < 2 minutes on a quiet 2-core machine
//   node bench/run.mjs [--quick] [--only kernels,solvers,overhead,scaling,existing] [--no-existing]
//
// Writes bench/RESULTS.md (tables, goals with PASS/FAIL, machine) and bench/results/bench-<date>[-quick].json,
// the scaling figures bench/results/scaling-*.svg, and runs the other benchmarks of bench/ (kernels.mjs, paper/,
// server/, stochastic/) as child processes, quoting their output. `node scripts/update-readme-bench.mjs` then
// copies the headline into README.md. Peers are installed by bench/setup (never by the library's package.json);
// a tool that is missing is reported as skipped with the reason. See bench/README.md.
//
// Environment: STEPSEARCH_ADDON (a development build of the addon), STEPSEARCH_DIST (compiled TypeScript to
// benchmark, default dist/), STEPSEARCH_BENCH_PYTHON (interpreter with the Python tools, default /usr/bin/python3).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addon, benchDir, firstLine, flag, log, ms, option, quick, root, times } from './lib/common.mjs';
import { machineInfo, machineLine } from './lib/machine.mjs';
import { runKernelTable } from './lib/kernel_table.mjs';
import { kernelTimer } from './lib/measure.mjs';
import { pythonVersions, runSolverTable, solverHeadline } from './solvers/table.mjs';
import { driverOverhead } from './solvers/overhead.mjs';
import { runScaling } from './scaling/scaling.mjs';

const SECTIONS = ['kernels', 'solvers', 'overhead', 'scaling', 'existing'];
const only = option('only', undefined)?.split(',');
for (const s of only ?? []) {
  if (!SECTIONS.includes(s)) {
    console.error(`bench: unknown section '${s}' in --only (sections: ${SECTIONS.join(', ')})`);
    process.exit(2);
  }
}
const wanted = (s) => (only ? only.includes(s) : s !== 'existing' || !flag('no-existing'));
const resultsDir = path.resolve(option('out', path.join(benchDir, 'results')));
const resultsMd = path.resolve(option('results-md', path.join(benchDir, 'RESULTS.md')));

if (!addon) {
  console.error('bench: the native addon does not load; build it first (npm run build:native, or set STEPSEARCH_ADDON).');
  process.exit(1);
}

/** The other benchmarks of bench/, owned by other issues: run as they are, output quoted. */
function existingBenchmarks() {
  const tmpPaper = path.join(os.tmpdir(), `stepsearch-bench-paper-quick-${process.pid}`);
  return [
    { name: 'bench/kernels.mjs', file: 'bench/kernels.mjs', args: quick ? ['--quick', '--no-save'] : [], writes: quick ? 'nothing (--no-save)' : 'bench/results/kernels-<date>.json' },
    {
      name: 'bench/paper/run.mjs', file: 'bench/paper/run.mjs', markdown: true,
      args: quick ? ['--out', tmpPaper, '--max-iterations', '300'] : [],
      writes: quick ? 'a temporary folder (quick: 300 iterations, the saved paper figures are left alone)' : 'bench/results/paper/',
      cleanup: quick ? tmpPaper : undefined,
    },
    { name: 'bench/readers.mjs', file: 'bench/readers.mjs', args: quick ? ['--quick'] : [], writes: 'bench/results/readers.json' },
    { name: 'bench/server/run.mjs', file: 'bench/server/run.mjs', args: quick ? ['--quick'] : [], writes: 'bench/results/server.json' },
    { name: 'bench/stochastic/run.mjs', file: 'bench/stochastic/run.mjs', args: quick ? ['--quick'] : [], writes: `bench/results/stochastic-<date>${quick ? '-quick' : ''}.json` },
  ];
}

function runExisting() {
  const out = [];
  for (const b of existingBenchmarks()) {
    const file = path.join(root, b.file);
    if (!fs.existsSync(file)) {
      out.push({ ...b, status: 'absent' });
      continue;
    }
    log(`existing: ${b.name} ${b.args.join(' ')}`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [file, ...b.args], {
      cwd: root, encoding: 'utf8', env: process.env, timeout: (quick ? 120 : 1800) * 1000, maxBuffer: 64 << 20,
    });
    const seconds = (performance.now() - t0) / 1000;
    const ok = r.status === 0;
    out.push({
      ...b, status: ok ? 'ok' : r.error ? `failed: ${firstLine(r.error)}` : `failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`,
      seconds: +seconds.toFixed(1), stdout: r.stdout ?? '', stderrTail: ok ? '' : (r.stderr ?? '').trim().split('\n').slice(-8).join('\n'),
    });
    if (b.cleanup) fs.rmSync(b.cleanup, { recursive: true, force: true });
  }
  return out;
}

/** Issue goal "native ≥ 2× torch.optim.SGD per epoch at batch 64", from the JSON bench/stochastic/run.mjs saved. */
function torchGoals(existing) {
  const run = existing.find((b) => b.file === 'bench/stochastic/run.mjs');
  const name = 'native sgd ≥ 2× torch.optim.SGD per epoch (batch 64, 2 cores)';
  if (!run || run.status !== 'ok') return [{ name, pass: null, detail: `bench/stochastic/run.mjs ${run?.status ?? 'not run'}` }];
  const dir = path.join(benchDir, 'results');
  const suffix = quick ? '-quick.json' : '.json';
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('stochastic-') && f.endsWith(suffix) && (quick || !f.endsWith('-quick.json'))).sort();
  if (!files.length) return [{ name, pass: null, detail: 'no saved stochastic results' }];
  const torch = JSON.parse(fs.readFileSync(path.join(dir, files[files.length - 1]), 'utf8')).torch ?? {};
  return Object.entries(torch).map(([problem, { sgd }]) => (sgd.skipped
    ? { name, problem, pass: null, detail: `torch skipped: ${sgd.skipped}` }
    : {
      name, problem, pass: sgd.torchOverNative >= 2,
      detail: `torch ${sgd.torch} (${sgd.threads} threads) ${ms(sgd.msPerEpoch)} ms vs native ${ms(sgd.nativeMs)} ms per epoch (lr ${sgd.learningRate}): ${times(sgd.torchOverNative)}`,
    }));
}

function goalCell(g) {
  const verdict = g.pass === true ? '**PASS**' : g.pass === false ? '**FAIL**' : 'n/a';
  return g.sizeConditionMet === false ? `${verdict} (indicative: size below the goal's)` : verdict;
}

function headlineKernels(k) {
  if (!k) return '';
  const pick = ['dense', 'csr'].map((kind) => k.rows.filter((r) => r.kind === kind).sort((a, b) => b.bytes - a.bytes)[0]).filter(Boolean);
  const md = ['| problem | kernel | native, 2 threads | TS backend | plain JS loop | native vs TS | % of bandwidth floor |', '|---|---|---:|---:|---:|---:|---:|'];
  const names = { vg: 'value+gradient', hv: 'Hessian·v', along: 'line-search trial' };
  for (const r of pick) {
    for (const op of ['vg', 'hv', 'along']) {
      const o = r.ops[op];
      md.push(`| ${r.label} | ${names[op]} | ${ms(o.native2.medianMs)} ms | ${ms(o.ts.medianMs)} ms | ${ms(o.plain.medianMs)} ms | ` +
        `${times(o.ts.medianMs / o.native2.medianMs)} | ${Math.round((100 * o.floor2.medianMs) / o.native2.medianMs)} % |`);
    }
  }
  return md.join('\n');
}

async function main() {
  const started = performance.now();
  const machine = machineInfo();
  const report = { quick, machine, sections: {}, goals: [] };
  log(`machine: ${machineLine(machine)}; load ${machine.loadAverageAtStart.join(' ')}`);
  report.python = pythonVersions();
  fs.mkdirSync(resultsDir, { recursive: true });

  if (wanted('kernels')) report.sections.kernels = runKernelTable(log);
  if (wanted('solvers')) report.sections.solvers = await runSolverTable();
  if (wanted('overhead')) report.sections.overhead = driverOverhead();
  if (wanted('scaling')) report.sections.scaling = await runScaling(resultsDir);
  if (wanted('existing')) report.sections.existing = runExisting();

  const s = report.sections;
  if (s.kernels) report.goals.push(...s.kernels.goals);
  if (s.solvers) report.goals.push(...s.solvers.goals);
  if (s.overhead) report.goals.push(s.overhead.goal);
  if (s.existing) report.goals.push(...torchGoals(s.existing));
  machine.loadAverageAtEnd = os.loadavg().map((l) => +l.toFixed(2));
  report.totalSeconds = +((performance.now() - started) / 1000).toFixed(1);

  // ---- RESULTS.md ----
  const md = [];
  const pass = report.goals.filter((g) => g.pass === true).length;
  const fail = report.goals.filter((g) => g.pass === false).length;
  const na = report.goals.length - pass - fail;
  md.push('# stepsearch benchmark results');
  md.push('');
  md.push(`Generated by \`${quick ? 'npm run bench -- --quick' : 'npm run bench'}\` (bench/run.mjs); do not edit by hand. Method and caveats: bench/README.md.`);
  if (quick) md.push('', '> **Quick run**: reduced sizes and budgets, single repeats. Fine for checking that the suite works; not for quoting. Goals whose size condition is not met are marked "indicative".');
  md.push('');
  md.push('<!-- headline:start -->');
  md.push(`Measured ${machine.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.os}, Node ${machine.node}; ` +
    `stepsearch ${machine.stepsearch.version}${machine.stepsearch.commit ? ` @ ${machine.stepsearch.commit}${machine.stepsearch.workTreeModified ? ' (modified tree)' : ''}` : ''}; ` +
    `native threads ${machine.threads.default} (1 and 2 measured); load average ${machine.loadAverageAtStart.join(' ')} at start${quick ? '; **quick run**' : ''}.`);
  md.push('');
  md.push(`Goals: **${pass} PASS**, **${fail} FAIL**, ${na} n/a (details in bench/RESULTS.md).`);
  if (s.kernels) {
    md.push('', 'Kernels, L2 logistic regression (median time per call):', '', headlineKernels(s.kernels));
  }
  if (s.solvers) {
    md.push('', 'Time to 1e-4 relative suboptimality (L2 logistic regression, bias regularized, l2 = 1/n, w₀ = 0; each tool at the loosest tolerance of a small grid that meets it; npm peers stopped by a monitor):', '', solverHeadline(s.solvers.problems));
  }
  md.push('<!-- headline:end -->');
  md.push('');
  md.push('## Goals');
  md.push('');
  md.push('| goal | problem | result | detail |');
  md.push('|---|---|---|---|');
  for (const g of report.goals) md.push(`| ${g.name} | ${g.problem ?? ''}${g.peer ? ` — ${g.peer}` : ''} | ${goalCell(g)} | ${(g.detail ?? '').replace(/\|/g, '/')} |`);
  md.push('');
  md.push('## Machine and software');
  md.push('');
  md.push(`- CPU: ${machine.cpu}; ${machine.cores} cores; ${machine.memoryGiB} GiB; ${machine.os}`);
  md.push(`- Node ${machine.node}; compiler ${machine.compiler ?? 'unknown'}; stepsearch ${machine.stepsearch.version} (commit ${machine.stepsearch.commit ?? '?'}${machine.stepsearch.workTreeModified ? ', modified work tree' : ''}); addon: ${machine.stepsearch.addon}; dist: ${machine.stepsearch.dist}`);
  md.push(`- Threads: native default ${machine.threads.default} (OpenMP max ${machine.threads.ompMax}, OMP_NUM_THREADS ${machine.threads.OMP_NUM_THREADS ?? 'unset'}); tables measure 1 and 2 threads with setThreads; the Python tools get OMP/OPENBLAS_NUM_THREADS = ${machine.threads.default}`);
  md.push(`- npm packages (bench/package.json): ${Object.entries(machine.packages).map(([k, v]) => `${k} ${v ?? 'not installed'}`).join(', ')}`);
  const py = report.python ?? {};
  md.push(`- Python tools (${py.executable ?? 'python'} ${py.python ?? ''}): ${py.error ? py.error : ['numpy', 'scipy', 'sklearn', 'torch', 'liblinear'].map((k) => `${k} ${py[k] ?? 'not installed'}`).join(', ')}` +
    `${py.blas ? `; BLAS: ${py.blas.filter((b) => b.internal_api !== 'openmp').map((b) => `${b.internal_api} ${b.version ?? ''}`).join(', ') || 'reference'}` : ''}`);
  md.push(`- Kernel timer: ${kernelTimer}. Date ${machine.date}; load average ${machine.loadAverageAtStart.join(' ')} at start, ${machine.loadAverageAtEnd.join(' ')} at end; total ${report.totalSeconds} s.`);
  if (s.kernels) md.push('', '## 1. Kernels', '', s.kernels.markdown);
  if (s.solvers || s.overhead) md.push('', '## 2. Solvers');
  if (s.solvers) md.push('', s.solvers.markdown);
  if (s.overhead) md.push('', '### Driver overhead (500×30)', '', s.overhead.markdown);
  if (s.scaling) {
    md.push('', '## 3. Scaling', '', s.scaling.markdown, '');
    for (const f of Object.values(s.scaling.figures)) md.push(`![${f}](${path.relative(path.dirname(resultsMd), path.join(resultsDir, f))})`);
  }
  const skipped = [];
  for (const p of s.solvers?.problems ?? []) {
    for (const [tool, e] of Object.entries(p.npm ?? {})) if (e.skipped) skipped.push(`${tool} (${p.name}): ${e.skipped}`);
    if (p.python?.error) skipped.push(`Python tools (${p.name}): ${p.python.error}`);
    for (const [tool, e] of Object.entries(p.python?.results ?? {})) if (e.skipped) skipped.push(`${tool} (${p.name}): ${e.skipped}`);
  }
  md.push('', '## Skipped tools', '', skipped.length ? skipped.map((x) => `- ${x}`).join('\n') : 'None.');
  if (s.existing) {
    md.push('', '## Other benchmarks in bench/', '');
    for (const b of s.existing) {
      md.push(`### ${b.name} ${b.args?.join(' ') ?? ''}`, '', `Status: ${b.status}${b.seconds !== undefined ? `, ${b.seconds} s` : ''}; writes ${b.writes}.`, '');
      if (b.stdout?.trim()) {
        if (b.markdown) md.push(b.stdout.trim().replace(/^(#+) /gm, '###$1 '));
        else md.push('```text', b.stdout.trim(), '```');
      }
      if (b.stderrTail) md.push('', '```text', b.stderrTail, '```');
      md.push('');
    }
  }
  fs.writeFileSync(resultsMd, md.join('\n').replace(/\n{3,}/g, '\n\n') + '\n');

  // ---- JSON ----
  const json = {
    quick, machine, python: report.python, totalSeconds: report.totalSeconds, goals: report.goals,
    kernels: s.kernels && { timer: s.kernels.timer, rows: s.kernels.json },
    solvers: s.solvers && { settings: s.solvers.settings, problems: s.solvers.problems },
    overhead: s.overhead && { ...s.overhead, markdown: undefined },
    scaling: s.scaling?.json,
    existing: s.existing?.map(({ stdout, ...rest }) => ({ ...rest, stdoutChars: stdout?.length ?? 0 })),
  };
  const jsonFile = path.join(resultsDir, `bench-${machine.date.slice(0, 10)}${quick ? '-quick' : ''}.json`);
  fs.writeFileSync(jsonFile, JSON.stringify(json, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n');

  console.log(fs.readFileSync(resultsMd, 'utf8'));
  log(`wrote ${path.relative(root, resultsMd)} and ${path.relative(root, jsonFile)} in ${report.totalSeconds} s (${pass} PASS, ${fail} FAIL, ${na} n/a)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
