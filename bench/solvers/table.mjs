// Table 2: time and oracle calls to 1e-4 and 1e-6 relative suboptimality (f − f*)/(f0 − f*) on L2 logistic
// regression (bias column appended and regularized, l2 = 1/n, w₀ = 0, f* shared by all), for every stepsearch
// method that reaches it (native and TS), the npm peers (bench/solvers/npm_peers.mjs) and the outside tools
// (bench/solvers/python_tools.py: liblinear, scikit-learn, scipy, torch).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchDir, firstLine, lib, log, ms, python, quick, times } from '../lib/common.mjs';
import { badlyScaledLogistic, breastCancerLogistic, csrLogistic, denseLogistic, exchangeDir, writeProblem } from '../lib/data.mjs';
import { runNpmPeers } from './npm_peers.mjs';
import { referenceSolve, runStepsearch } from './stepsearch.mjs';

export const TARGETS = [1e-4, 1e-6];
const PY_TOOLS = ['liblinear', 'sklearn-lbfgs', 'sklearn-newton-cg', 'scipy-lbfgsb', 'torch-lbfgs'];
// The methods timed on the large problems ('newton' forms the d×d Hessian from d products: quick sizes only).
const FAST = ['lbfgs', 'newton-cg', 'mdb-ellipsoid', 'diagonal-bb'];
// Large problems: longer caps, so that the TS backend can reach the targets at all.
const LARGE_CAP_MS = { native: 60000, js: 180000 };

/** The problems of Table 2 (full sizes per the issue; --quick shrinks them). */
export function solverProblems() {
  const all = lib.methodNames();
  const quickNative = ['lbfgs', 'newton-cg', 'newton', 'mdb-ellipsoid', 'mdb-box', 'diagonal-bb', 'diag-hessian', 'gd'];
  return [
    {
      name: quick ? 'dense 1e4×20' : 'dense 1e4×100', make: () => denseLogistic({ n: 10000, d: quick ? 20 : 100, seed: 21 }),
      native: quick ? quickNative : all, js: quick ? ['lbfgs', 'newton-cg', 'newton', 'mdb-ellipsoid'] : all,
      npm: true, python: PY_TOOLS,
    },
    {
      name: quick ? 'dense 2e4×50' : 'dense 2e5×200', large: !quick, make: () => denseLogistic({ n: quick ? 20000 : 200000, d: quick ? 50 : 200, seed: 22 }),
      native: quick ? [...FAST, 'newton'] : FAST, nativeOneThread: ['newton-cg'], js: quick ? ['lbfgs', 'newton-cg'] : ['newton-cg'], python: PY_TOOLS,
      capMs: quick ? undefined : LARGE_CAP_MS,
    },
    {
      name: quick ? 'CSR 2e4×5e3, 20/row' : 'CSR 2e5×5e4, 50/row', large: !quick, sparse: true,
      make: () => csrLogistic({ n: quick ? 20000 : 200000, d: quick ? 5000 : 50000, nnzPerRow: quick ? 20 : 50, seed: 23 }),
      native: FAST, nativeOneThread: ['newton-cg'], js: quick ? ['lbfgs', 'newton-cg'] : ['newton-cg'], python: PY_TOOLS,
      capMs: quick ? undefined : LARGE_CAP_MS,
    },
    {
      // The issue's "small real data (≤ 1000 rows, where call overhead dominates)" for newton-cg vs liblinear.
      name: 'breast cancer 569×30 (bundled, real)', smallReal: true, make: () => breastCancerLogistic(),
      native: ['newton-cg', 'lbfgs', 'newton', 'mdb-ellipsoid'], js: quick ? [] : ['newton-cg'], python: PY_TOOLS,
    },
    {
      name: 'badly scaled 200×400 (scales 1e-10…1e10)', badlyScaled: true, make: () => badlyScaledLogistic({ n: 200, d: 400, seed: 24 }),
      native: quick ? quickNative : all, js: quick ? [] : ['newton-cg', 'diag-hessian', 'mdb-box'], npm: !quick, python: PY_TOOLS,
    },
  ];
}

function runPython(folder, timeoutMs) {
  const threads = String(lib.getThreads());
  const r = spawnSync(python(), [path.join(benchDir, 'solvers', 'python_tools.py'), folder], {
    env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads },
    stdio: ['ignore', 'inherit', 'inherit'], timeout: timeoutMs,
  });
  const file = path.join(folder, 'python-results.json');
  if (r.error || r.status !== 0 || !fs.existsSync(file)) {
    return { error: `python tools failed (${python()}): ${r.error ? firstLine(r.error) : `exit ${r.status}${r.signal ? ` ${r.signal}` : ''}`}` };
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Versions of the Python tools (null entries = not installed). */
export function pythonVersions() {
  const r = spawnSync(python(), [path.join(benchDir, 'solvers', 'python_tools.py'), '--versions'], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) return { error: `${python()} --versions failed: ${firstLine(r.stderr || r.error || '')}` };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { error: 'unreadable --versions output' };
  }
}

/** One problem: f*, stepsearch, npm peers, Python tools. Returns a plain-JSON record. */
async function runProblem(spec, dir, settings) {
  log(`solvers: problem ${spec.name}`);
  const p = spec.make();
  const { X, y, l2 } = p;
  const dim = X.cols;
  const fN = lib.logistic(X, y, { l2, backend: 'native' });
  const fT = spec.js.length ? lib.logistic(X, y, { l2, backend: 'js' }) : undefined;
  const ref = referenceSolve(fN, dim, X.rows);
  const f0 = fN.value(new Float64Array(dim));
  const ctx = { fStar: ref.fStar, f0, targets: TARGETS, dim };
  log(`solvers: ${spec.name}: f* = ${ref.fStar} (spread ${ref.spread.toExponential(1)}), f0 = ${f0}`);

  const specs = [
    ...spec.native.map((m) => ({ key: `${m} (native)`, method: m, backend: 'native', f: fN })),
    ...(spec.nativeOneThread ?? []).map((m) => ({ key: `${m} (native, 1 thread)`, method: m, backend: 'native', f: fN, threads: 1 })),
    ...spec.js.map((m) => ({ key: `${m} (TS)`, method: m, backend: 'js', f: fT })),
  ];
  const ours = runStepsearch(ctx, specs, { ...settings, capMs: spec.capMs ?? settings.capMs });

  let npm;
  // On the badly scaled problem the peers are shown for what they reach, not timed to a target: a short budget.
  const budgetMs = spec.badlyScaled ? Math.min(settings.peerBudgetMs, 10000) : settings.peerBudgetMs;
  if (spec.npm) npm = await runNpmPeers({ X, y, l2, dim, ...ctx }, { budgetMs, pilotSteps: settings.pilotSteps });

  let py;
  if (spec.python?.length) {
    log(`solvers: ${spec.name}: python tools`);
    const folder = writeProblem(dir, spec.name.replace(/[^a-z0-9]+/gi, '-'), p, {
      fStar: ref.fStar, f0, targets: TARGETS, repeats: settings.repeats, threads: lib.getThreads(), tools: spec.python,
      runBudgetSeconds: settings.pyRunBudgetS, toolBudgetSeconds: settings.pyToolBudgetS, maxIter: settings.pyMaxIter,
    });
    py = runPython(folder, settings.pyToolBudgetS * 1000 * spec.python.length * 2 + 120000);
    if (!process.env.STEPSEARCH_BENCH_KEEP) fs.rmSync(folder, { recursive: true, force: true });
  }
  return {
    name: spec.name, rows: X.rows, cols: dim, nnz: X.kind === 'csr' ? X.values.length : X.rows * dim, kind: X.kind,
    large: !!spec.large, badlyScaled: !!spec.badlyScaled, smallReal: !!spec.smallReal, dataSpec: p.spec, l2, f0, fStar: ref.fStar, reference: ref,
    stepsearch: Object.fromEntries(ours), npm, python: py,
  };
}

/** Runs all problems. Returns { problems, markdown, goals }. */
export async function runSolverTable(settingsOverride = {}) {
  const settings = {
    repeats: quick ? 1 : 3,
    capIterations: quick ? 1000 : 10000,
    capMs: quick ? { native: 1000, js: 2000 } : { native: 30000, js: 20000 },
    peerBudgetMs: quick ? 1500 : 30000,
    pilotSteps: quick ? 20 : 200,
    pyRunBudgetS: quick ? 3 : 120,
    pyToolBudgetS: quick ? 8 : 600,
    pyMaxIter: quick ? 2000 : 10000,
    ...settingsOverride,
  };
  const dir = exchangeDir();
  const problems = [];
  try {
    for (const spec of solverProblems()) {
      if (settings.only && !settings.only.some((o) => spec.name.includes(o))) continue;
      problems.push(await runProblem(spec, dir, settings));
    }
  } finally {
    if (process.env.STEPSEARCH_BENCH_KEEP) log(`solvers: exchange files kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  return { settings, problems, markdown: solverMarkdown(problems, settings), goals: solverGoals(problems, settings) };
}

// ---------------------------------------------------------------------------------------------------------
// Rows: one per tool, uniform { tool, kind, threads, precision, perTarget: { [tau]: { ms, min, max, calls, setting } | null }, note }.

function rowsOf(problem) {
  const rows = [];
  for (const [key, e] of Object.entries(problem.stepsearch)) {
    rows.push({
      tool: `stepsearch ${key}`, family: e.backend === 'native' ? 'native' : 'ts', method: e.method, threads: e.threads, precision: 'float64',
      perTarget: Object.fromEntries(TARGETS.map((t) => {
        const r = e.targets[t];
        return [t, r?.reached ? { ms: r.medianMs, min: r.minMs, max: r.maxMs, calls: r.calls, setting: r.setting } : null];
      })),
      bestGap: e.bestGap, note: e.error ?? (e.targets[TARGETS[1]]?.reached ? '' : `${e.traceStatus ?? ''}`),
    });
  }
  for (const [tool, e] of Object.entries(problem.npm ?? {})) {
    if (e.skipped) {
      rows.push({ tool, family: 'npm', skipped: e.skipped });
      continue;
    }
    rows.push({
      tool, family: 'npm', threads: 1, precision: e.precision ?? 'float64', differs: e.differs,
      perTarget: Object.fromEntries(TARGETS.map((t) => [t, e.targets[t] ? { ms: e.targets[t].ms, calls: e.targets[t].calls, setting: e.setting ?? 'monitor stop' } : null])),
      bestGap: e.bestGap, stoppedBy: e.stoppedBy, budgetMs: e.budgetMs,
      note: [e.stoppedBy === 'target' ? '' : e.stop, e.msPerStep ? `${ms(e.msPerStep)} ms/step` : ''].filter(Boolean).join('; '),
    });
  }
  if (problem.python?.error) rows.push({ tool: 'Python tools', family: 'python', skipped: problem.python.error });
  for (const [tool, e] of Object.entries(problem.python?.results ?? {})) {
    if (e.skipped) {
      rows.push({ tool, family: 'python', skipped: e.skipped });
      continue;
    }
    rows.push({
      tool, family: 'python', threads: e.threads ?? problem.threads, precision: 'float64',
      perTarget: Object.fromEntries(TARGETS.map((t) => {
        // Python writes its keys as str(float) ("1e-06"); match them by value.
        const r = e.targets[Object.keys(e.targets).find((k) => Number(k) === t)];
        return [t, r?.reached ? { ms: r.medianMs, min: r.minMs, max: r.maxMs, calls: r.calls ?? (r.iterations !== undefined && r.iterations !== null ? `${r.iterations} it` : ''), setting: `${e.parameter} ${r.tol}` } : null];
      })),
      bestGap: e.bestGap, note: e.lastMessage ?? '',
    });
  }
  return rows;
}

/** "best gap 1.2e-3", or why there is none (every run hit its time budget). */
function gapText(r) {
  return r.bestGap === undefined || r.bestGap === null ? 'no result within its time budget' : `best gap ${Number(r.bestGap).toExponential(1)}`;
}

function fastest(rows, family, tau) {
  let best;
  for (const r of rows) {
    if (r.family !== family || r.skipped) continue;
    const t = r.perTarget[tau];
    if (t && (!best || t.ms < best.perTarget[tau].ms)) best = r;
  }
  return best;
}

function solverMarkdown(problems, settings) {
  const md = [];
  md.push(`Time to reach (f − f*)/(f0 − f*) ≤ τ from w₀ = 0; median (min–max) of ${settings.repeats} interleaved run(s). ` +
    'stepsearch and the Python tools stop by their own tolerance, the loosest of a small grid that meets τ (the "setting" column); ' +
    'the npm peers have no usable tolerance and are stopped by a monitor the moment an evaluated point meets τ (an advantage to them). ' +
    '"calls" = oracle calls (stepsearch: nfev + ngev + nhvp + nhdiag; Python: function evaluations or iterations "it"). ' +
    '"—" = not reached within the budget; "best gap" = the lowest relative gap the tool reached.');
  for (const p of problems) {
    const rows = rowsOf(p);
    const nativeBest = fastest(rows, 'native', TARGETS[0]);
    md.push('');
    md.push(`#### ${p.name}: n = ${p.rows}, d = ${p.cols} (bias included)${p.kind === 'csr' ? `, nnz = ${p.nnz}` : ''}, l2 = 1/n, f* = ${p.fStar.toPrecision(12)}, f0 = ${p.f0.toPrecision(6)}`);
    md.push('');
    md.push('| tool | thr | to 1e-4: ms | calls | setting | to 1e-6: ms | calls | setting | × native best (1e-4) | best gap | note |');
    md.push('|---|---:|---:|---:|---|---:|---:|---|---:|---:|---|');
    const cell = (t) => (t ? `${ms(t.ms)}${t.min !== undefined && t.min !== t.max ? ` (${ms(t.min)}–${ms(t.max)})` : ''}` : '—');
    for (const r of rows) {
      if (r.skipped) {
        md.push(`| ${r.tool} | | skipped | | | | | | | | ${r.skipped.replace(/\|/g, '/')} |`);
        continue;
      }
      const a = r.perTarget[TARGETS[0]];
      const b = r.perTarget[TARGETS[1]];
      const rel = a && nativeBest ? times(a.ms / nativeBest.perTarget[TARGETS[0]].ms) : '—';
      const note = [r.precision !== 'float64' ? r.precision : '', r.differs ? `different problem: ${r.differs}` : '', r.note].filter(Boolean).join('; ');
      const best = r.bestGap !== undefined && r.bestGap !== null ? Number(r.bestGap).toExponential(1) : 'none';
      md.push(`| ${r.tool} | ${r.threads ?? ''} | ${cell(a)} | ${a?.calls ?? ''} | ${a?.setting ?? ''} | ${cell(b)} | ${b?.calls ?? ''} | ${b?.setting ?? ''} | ${rel} | ${best} | ${note.replace(/\|/g, '/')} |`);
    }
    const ref = p.reference.solves.map((s) => (s.error ? `${s.method}: ${s.error}` : `${s.method} ${s.fun.toPrecision(15)} (${s.status}, ${s.nit} it)`)).join('; ');
    md.push('');
    md.push(`f* from: ${ref}; spread ${p.reference.spread.toExponential(1)}.`);
    // f* must be the lowest value anyone reached: flag a tool that went below it by more than rounding.
    const below = rows.filter((r) => !r.skipped && r.bestGap !== undefined && r.bestGap !== null && r.bestGap < -1e-10);
    if (below.length) md.push('', `**Warning**: below f* (f* is not the minimum; targets too loose): ${below.map((r) => `${r.tool} (gap ${Number(r.bestGap).toExponential(2)})`).join(', ')}.`);
  }
  return md.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Goals (PASS/FAIL), from the same run.

/**
 * One goal comparing a stepsearch row with a peer's row on problem p at target tau: `pass(ours ms, peer ms)`
 * when both reach tau; if only one does, that one wins; a skipped peer gives n/a.
 */
function headToHead(p, tau, name, oursTool, oursLabel, peerTool, pass, extra = {}) {
  const rows = rowsOf(p);
  const ours = rows.find((r) => r.tool === oursTool);
  const peer = rows.find((r) => r.tool === peerTool);
  const goal = { name, problem: p.name, ...extra };
  if (!peer || peer.skipped) return { ...goal, pass: null, detail: `${peerTool} skipped: ${peer?.skipped ?? 'not run'}` };
  const a = ours?.perTarget[tau];
  const b = peer.perTarget[tau];
  if (a && b) {
    const thr = ours.threads ? ` (${ours.threads} thr)` : '';
    const peerThr = peerTool === 'liblinear' ? ' (1 thr)' : '';
    return { ...goal, value: b.ms / a.ms, pass: pass(a.ms, b.ms), detail: `${oursLabel} ${ms(a.ms)} ms${thr} vs ${peerTool} ${ms(b.ms)} ms${peerThr}: ${times(b.ms / a.ms)}` };
  }
  return { ...goal, pass: !!a, detail: `${oursLabel} ${a ? `${ms(a.ms)} ms` : 'did not reach'}; ${peerTool} ${b ? `${ms(b.ms)} ms` : 'did not reach'}` };
}

function solverGoals(problems) {
  const goals = [];
  const t4 = TARGETS[0];
  const t6 = TARGETS[1];
  // G1: native ≥ 5× TS and ≥ 10× every npm peer, time to 1e-4, n ≥ 10 000.
  for (const p of problems.filter((q) => q.npm && !q.badlyScaled)) {
    const rows = rowsOf(p);
    const nat = fastest(rows, 'native', t4);
    const ts = fastest(rows, 'ts', t4);
    const sizeOk = p.rows >= 10000;
    if (nat && ts) {
      const ratio = ts.perTarget[t4].ms / nat.perTarget[t4].ms;
      goals.push({
        name: 'native ≥ 5× TS (time to 1e-4, fastest method of each)', problem: p.name, value: ratio, pass: ratio >= 5, sizeConditionMet: sizeOk,
        detail: `${nat.tool} ${ms(nat.perTarget[t4].ms)} ms vs ${ts.tool} ${ms(ts.perTarget[t4].ms)} ms: ${times(ratio)}`,
      });
    }
    for (const r of rows.filter((q) => q.family === 'npm')) {
      if (r.skipped) {
        goals.push({ name: 'native ≥ 10× npm peer (time to 1e-4)', problem: p.name, peer: r.tool, pass: null, detail: `${r.tool} skipped: ${r.skipped}` });
        continue;
      }
      if (r.differs) {
        goals.push({ name: 'native ≥ 10× npm peer (time to 1e-4)', problem: p.name, peer: r.tool, pass: null, detail: `${r.tool} solves a different problem (${r.differs}); not comparable` });
        continue;
      }
      if (!nat) continue;
      const peer = r.perTarget[t4];
      const natMs = nat.perTarget[t4].ms;
      if (peer) {
        const ratio = peer.ms / natMs;
        goals.push({ name: 'native ≥ 10× npm peer (time to 1e-4)', problem: p.name, peer: r.tool, value: ratio, pass: ratio >= 10, sizeConditionMet: sizeOk, detail: `${r.tool} ${ms(peer.ms)} ms vs ${nat.tool} ${ms(natMs)} ms: ${times(ratio)}` });
      } else {
        // Not reached within its budget: the ratio is at least budget / native time.
        const bound = r.stoppedBy === 'budget' ? r.budgetMs / natMs : NaN;
        goals.push({
          name: 'native ≥ 10× npm peer (time to 1e-4)', problem: p.name, peer: r.tool, value: bound, lowerBound: true,
          pass: Number.isFinite(bound) ? (bound >= 10 ? true : null) : null, sizeConditionMet: sizeOk,
          detail: `${r.tool} did not reach 1e-4 (${r.note}; ${gapText(r)}): ratio ≥ ${times(bound)}`,
        });
      }
    }
  }
  // G2: native newton-cg ahead of liblinear on the large problems, both targets.
  for (const p of problems.filter((q) => !q.badlyScaled && !q.npm && !q.smallReal)) {
    for (const tau of TARGETS) {
      goals.push(headToHead(p, tau, `native newton-cg ahead of liblinear (time to ${tau})`, 'stepsearch newton-cg (native)', 'newton-cg',
        'liblinear', (a, b) => a < b, { sizeConditionMet: p.rows >= 1e5 }));
    }
  }
  // G2b: on small real data newton-cg within 1.5× of liblinear (call overhead dominates there), both targets.
  for (const p of problems.filter((q) => q.smallReal)) {
    for (const tau of TARGETS) {
      goals.push(headToHead(p, tau, `native newton-cg within 1.5× of liblinear on small real data (time to ${tau})`,
        'stepsearch newton-cg (native)', 'newton-cg', 'liblinear', (a, b) => a <= 1.5 * b));
    }
  }
  // G3: native lbfgs ≥ 2× scipy L-BFGS-B and scikit-learn lbfgs (every problem both reach, both targets; not the
  // badly scaled one).
  for (const p of problems.filter((q) => !q.badlyScaled)) {
    for (const [peer, label] of [['scipy-lbfgsb', 'scipy L-BFGS-B'], ['sklearn-lbfgs', 'scikit-learn lbfgs']]) {
      for (const tau of TARGETS) {
        goals.push(headToHead(p, tau, `native lbfgs ≥ 2× ${label} (time to ${tau})`, 'stepsearch lbfgs (native)', 'lbfgs',
          peer, (a, b) => b / a >= 2));
      }
    }
  }
  // G5: badly scaled data: scikit-learn / scipy stall while at least one stepsearch method reaches 1e-6.
  for (const p of problems.filter((q) => q.badlyScaled)) {
    const rows = rowsOf(p);
    const ours = rows.filter((r) => (r.family === 'native' || r.family === 'ts') && r.perTarget[t6]);
    const peers = rows.filter((r) => ['sklearn-lbfgs', 'sklearn-newton-cg', 'scipy-lbfgsb'].includes(r.tool));
    const stalled = peers.filter((r) => !r.skipped && !r.perTarget[t6]);
    const reachedPeers = peers.filter((r) => !r.skipped && r.perTarget[t6]);
    const ran = peers.filter((r) => !r.skipped);
    goals.push({
      name: 'badly scaled (20 orders, d > n): scikit-learn/scipy stall, a stepsearch method reaches 1e-6', problem: p.name,
      pass: ran.length === 0 ? null : ours.length > 0 && reachedPeers.length === 0,
      detail: `stepsearch reaching 1e-6: ${ours.map((r) => r.tool.replace('stepsearch ', '')).join(', ') || 'none'}; ` +
        `stalled: ${stalled.map((r) => `${r.tool} (${gapText(r)})`).join(', ') || 'none'}` +
        `${reachedPeers.length ? `; reached 1e-6 anyway: ${reachedPeers.map((r) => r.tool).join(', ')}` : ''}`,
    });
  }
  return goals;
}

/** The compact headline rows (README): per problem, the fastest native, fastest TS, and each outside tool, time to 1e-4 and 1e-6. */
export function solverHeadline(problems) {
  const md = ['| problem | stepsearch native (fastest) | stepsearch TS (fastest) | liblinear | scikit-learn (best) | scipy L-BFGS-B | torch L-BFGS | best npm peer |', '|---|---|---|---|---|---|---|---|'];
  const cell = (r, tau = TARGETS[0]) => (r?.perTarget?.[tau] ? `${ms(r.perTarget[tau].ms)} ms` : r?.skipped ? 'skipped' : '—');
  for (const p of problems) {
    if (p.badlyScaled) continue;
    const rows = rowsOf(p);
    const nat = fastest(rows, 'native', TARGETS[0]);
    const ts = fastest(rows, 'ts', TARGETS[0]);
    const pick = (names) => rows.filter((r) => names.includes(r.tool)).sort((a, b) => (a.perTarget?.[TARGETS[0]]?.ms ?? Infinity) - (b.perTarget?.[TARGETS[0]]?.ms ?? Infinity))[0];
    const npm = rows.filter((r) => r.family === 'npm' && !r.skipped && !r.differs).sort((a, b) => (a.perTarget[TARGETS[0]]?.ms ?? Infinity) - (b.perTarget[TARGETS[0]]?.ms ?? Infinity))[0];
    md.push(`| ${p.name} | ${cell(nat)}${nat ? ` (${nat.method})` : ''} | ${cell(ts)}${ts ? ` (${ts.method})` : ''} | ${cell(pick(['liblinear']))} | ` +
      `${cell(pick(['sklearn-lbfgs', 'sklearn-newton-cg']))} | ${cell(pick(['scipy-lbfgsb']))} | ${cell(pick(['torch-lbfgs']))} | ` +
      `${p.npm ? (npm ? `${cell(npm)} (${npm.tool})` : '—') : 'not run'} |`);
  }
  return md.join('\n');
}

export { rowsOf };
