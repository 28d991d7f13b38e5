/**
 * The `stepsearch` command end to end: a spawned `node dist/cli.js` on the bundled dataset. Expected values
 * are computed here independently (plain loops over the file's text), never taken from the CLI's own code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../lib/optimizers/registry';
import '../lib/optimizers/all';
import { STATUSES, type IterationRecord } from '../lib/result';
import { Reporter } from '../lib/cli/progress';

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const data = path.join(root, 'examples', 'data', 'breast_cancer_wdbc.libsvm');
const wine = path.join(root, 'test', 'fixtures', 'wine.libsvm');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-cli-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Ran {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(name: string): string {
  return path.join(dir, name);
}

/** The LIBSVM file read by a deliberately naive parser: dense rows, labels, column count. */
function naiveLibsvm(file: string): { rows: number[][]; y: number[]; d: number } {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l) => {
    const [label, ...feats] = l.trim().split(/\s+/);
    return { label: Number(label), feats: feats.map((f) => f.split(':').map(Number) as [number, number]) };
  });
  const d = Math.max(...parsed.flatMap((p) => p.feats.map(([j]) => j)));
  const rows = parsed.map((p) => {
    const r = new Array<number>(d).fill(0);
    for (const [j, v] of p.feats) r[j - 1] = v;
    return r;
  });
  return { rows, y: parsed.map((p) => p.label), d };
}

const bc = naiveLibsvm(data);
const n = bc.rows.length;

/** z_i = x_i·w with a trailing bias weight. */
function margins(rows: number[][], w: number[]): number[] {
  return rows.map((r) => r.reduce((s, x, j) => s + x * w[j], 0) + w[r.length]);
}

/** One line on stderr, `stepsearch: ...`, and no stack frames. */
function expectOneLineError(r: Ran, code: number, pattern: RegExp): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^stepsearch: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('stepsearch fit', () => {
  it('prints a readable summary with the training accuracy', () => {
    const r = run('fit', data, '--loss', 'logistic', '--bias', '--method', 'lbfgs', '--backend', 'js');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    expect(r.stdout).toContain(`(${n} rows, ${bc.d} features + bias, dense), loss logistic`);
    expect(r.stdout).toMatch(/stepsearch lbfgs \(js\): (CONVERGED|STOPPED)/);
    expect(r.stdout).toMatch(/f: 6\.931472e-1 -> /); // f(0) = log 2
    expect(r.stdout).toMatch(/iterations: \d+ +f evals: \d+ +grad evals: \d+/);
    expect(r.stdout).toMatch(/training accuracy: \d+\.\d\d %/);
  });

  it('--json prints one JSON object whose fun, x and accuracy agree with an independent evaluation', () => {
    const r = run('fit', data, '--loss', 'logistic', '--bias', '--method', 'lbfgs', '--backend', 'js', '--json', '--max-iterations', '300');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(STATUSES).toContain(out.status);
    expect(out.method).toBe('lbfgs');
    expect(out.x).toHaveLength(bc.d + 1);
    expect(out.l2).toBe(1 / n); // default: one pseudo-observation
    expect(out.nit).toBeLessThanOrEqual(300);
    // f(w) = (1/n) Σ log(1 + exp(−s z)) + (l2/2)‖w‖², s = ±1, written out plainly.
    const z = margins(bc.rows, out.x);
    let f = 0;
    for (let i = 0; i < n; i++) f += Math.log1p(Math.exp(-(bc.y[i] === 1 ? 1 : -1) * z[i]));
    f = f / n + (out.l2 / 2) * out.x.reduce((s: number, v: number) => s + v * v, 0);
    expect(Math.abs(out.fun - f)).toBeLessThan(1e-12);
    expect(out.fun).toBeLessThan(out.initialFun);
    expect(out.initialFun).toBeCloseTo(Math.LN2, 15);
    const right = z.filter((zi, i) => (zi > 0 ? 1 : 0) === bc.y[i]).length;
    expect(out.metrics.accuracy).toBe(right / n);
  });

  it('runs on the default backend too', () => {
    const r = run('fit', data, '--loss', 'logistic', '--bias', '--json', '--max-iterations', '50');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(['native', 'js']).toContain(out.backend);
    expect(out.fun).toBeLessThanOrEqual(out.initialFun);
  });

  it('reads CSV (label in the first column) to the same result as the LIBSVM file', () => {
    const csv = tmp('bc.csv');
    fs.writeFileSync(csv, ['diagnosis,' + bc.rows[0].map((_, j) => `f${j + 1}`).join(','),
      ...bc.rows.map((r, i) => [bc.y[i], ...r].join(','))].join('\n'));
    const args = ['--loss', 'logistic', '--bias', '--method', 'lbfgs', '--backend', 'js', '--json', '--max-iterations', '100'];
    const a = JSON.parse(run('fit', csv, ...args).stdout);
    const b = JSON.parse(run('fit', data, ...args).stdout);
    expect(a.format).toBe('csv');
    expect(a.x).toEqual(b.x);
    expect(a.fun).toBe(b.fun);
  });

  it('--plot writes an SVG convergence curve with titled axes', () => {
    const svg = tmp('fit.svg');
    const r = run('fit', data, '--loss', 'logistic', '--bias', '--backend', 'js', '--max-iterations', '100', '--plot', svg, '--quiet');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<g class="mark-line role-mark/g)).toHaveLength(1);
    expect(text).toContain('>iteration</text>');
    expect(text).toContain('>f − f_min</text>');
  });

  it('softmax remaps the classes and predicts them back', () => {
    const model = tmp('wine.json');
    const r = run('fit', wine, '--loss', 'softmax', '--bias', '--backend', 'js', '--max-iterations', '200', '--weights', model, '--json');
    expect(r.code).toBe(0);
    const m = JSON.parse(fs.readFileSync(model, 'utf8'));
    const w = naiveLibsvm(wine);
    expect(m.classes).toBe(3);
    expect(m.labels).toEqual([0, 1, 2]);
    expect(m.weights).toHaveLength((w.d + 1) * 3);
    // argmax_k Σ_j x_ij w[j*K + k] (feature-major layout, bias weight last).
    const K = 3;
    const expected = w.rows.map((row) => {
      const s = [0, 1, 2].map((k) => row.reduce((acc, x, j) => acc + x * m.weights[j * K + k], 0) + m.weights[w.d * K + k]);
      return s.indexOf(Math.max(...s));
    });
    const p = run('predict', model, wine);
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split('\n').map(Number)).toEqual(expected);
    const acc = expected.filter((k, i) => k === w.y[i]).length / w.y.length;
    expect(p.stderr.trim()).toBe(`${w.y.length} rows: accuracy: ${(100 * acc).toFixed(2)} %`);
  });
});

describe('stepsearch predict', () => {
  it('round-trips the weights file: the same labels and probabilities as X·w computed here', () => {
    const model = tmp('bc.json');
    const fit = run('fit', data, '--loss', 'logistic', '--bias', '--backend', 'js', '--max-iterations', '200', '--weights', model, '--quiet');
    expect(fit.code).toBe(0);
    const m = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(m).toMatchObject({ format: 'stepsearch-model', loss: 'logistic', bias: true, numFeatures: bc.d, classes: 2, labels: [0, 1], method: 'lbfgs' });
    const z = margins(bc.rows, m.weights);

    const labels = run('predict', model, data);
    expect(labels.code).toBe(0);
    expect(labels.stdout.trim().split('\n').map(Number)).toEqual(z.map((zi) => (zi > 0 ? 1 : 0)));

    const probs = run('predict', model, data, '--probabilities', '--quiet');
    const p = probs.stdout.trim().split('\n').map(Number);
    expect(probs.stderr).toBe('');
    p.forEach((pi, i) => expect(Math.abs(pi - 1 / (1 + Math.exp(-z[i])))).toBeLessThan(1e-12));

    const json = JSON.parse(run('predict', model, data, '--json').stdout);
    const right = z.filter((zi, i) => (zi > 0 ? 1 : 0) === bc.y[i]).length;
    expect(json.metrics.accuracy).toBe(right / n);
    expect(json.predictions).toHaveLength(n);
  });

  it('keeps the training labels: 2/4 are mapped to classes 0/1 and printed back as 2/4', () => {
    const file = tmp('two-four.libsvm');
    fs.writeFileSync(file, bc.rows.slice(0, 80).map((r, i) => `${bc.y[i] === 1 ? 4 : 2} ${r.map((v, j) => `${j + 1}:${v}`).join(' ')}`).join('\n'));
    const model = tmp('two-four.json');
    expect(run('fit', file, '--loss', 'logistic', '--bias', '--backend', 'js', '--weights', model, '--quiet', '--max-iterations', '50').code).toBe(0);
    const m = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(m.labels).toEqual([2, 4]);
    const z = margins(bc.rows.slice(0, 80), m.weights);
    const out = run('predict', model, file, '--quiet').stdout.trim().split('\n').map(Number);
    expect(out).toEqual(z.map((zi) => (zi > 0 ? 4 : 2)));
  });

  it('predicts on a CSV without a label column, and least squares prints values and RMSE', () => {
    const train = tmp('ls.csv');
    const rows: number[][] = [];
    for (let i = 0; i < 40; i++) rows.push([Math.sin(i), Math.cos(3 * i), (i % 7) / 7]);
    fs.writeFileSync(train, rows.map((r) => [2 * r[0] - r[1] + 0.5 * r[2] + 1 + 0.01 * Math.sin(11 * r[0]), ...r].join(',')).join('\n'));
    const model = tmp('ls.json');
    expect(run('fit', train, '--loss', 'least-squares', '--bias', '--l2', '0', '--backend', 'js', '--weights', model, '--quiet', '--max-iterations', '2000').code).toBe(0);
    const m = JSON.parse(fs.readFileSync(model, 'utf8'));
    expect(m.classes).toBeNull();
    const unlabelled = tmp('ls-x.csv');
    fs.writeFileSync(unlabelled, rows.map((r) => r.join(',')).join('\n'));
    const out = run('predict', model, unlabelled);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(''); // no labels, no metrics
    const values = out.stdout.trim().split('\n').map(Number);
    rows.forEach((r, i) => expect(values[i]).toBeCloseTo(r[0] * m.weights[0] + r[1] * m.weights[1] + r[2] * m.weights[2] + m.weights[3], 12));
    const withLabels = JSON.parse(run('predict', model, train, '--json').stdout);
    expect(withLabels.metrics.rmse).toBeLessThan(0.05);
  });
});

describe('stepsearch compare', () => {
  it('writes a table, an SVG with one line per method in each panel, and an HTML report', () => {
    const wanted = ['lbfgs', 'gd', 'mdb-ellipsoid'].filter((m) => methodNames().includes(m));
    expect(wanted).toContain('lbfgs');
    const svgFile = tmp('compare.svg');
    const html = tmp('compare.html');
    const r = run('compare', data, '--loss', 'logistic', '--bias', '--backend', 'js', '--methods', wanted.join(','),
      '--max-iterations', '300', '--plot', svgFile, '--html', html);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const m of wanted) expect(r.stdout).toMatch(new RegExp(`^${m} \\(js\\) `, 'm'));
    expect(r.stdout).toContain('calls→1e-2');

    const svg = fs.readFileSync(svgFile, 'utf8');
    // Well-formed: every opened element is closed, in order.
    const stack: string[] = [];
    for (const tag of svg.match(/<\/?[a-zA-Z][^>]*>/g) ?? []) {
      if (tag.startsWith('</')) expect(stack.pop()).toBe(tag.slice(2, -1).trim());
      else if (!tag.endsWith('/>')) stack.push(tag.slice(1).split(/[\s>]/)[0]);
    }
    expect(stack).toEqual([]);
    // Two panels (oracle calls, time), one line (a group with one path) per method in each.
    for (const panel of ['concat_0_marks', 'concat_1_marks']) {
      const groups = svg.match(new RegExp(`<g class="mark-line role-mark ${panel}"[^>]*>(.*?)</g>`, 'g')) ?? [];
      expect(groups).toHaveLength(wanted.length);
      for (const g of groups) expect(g.match(/<path /g)).toHaveLength(1);
    }
    expect(svg).toContain('>oracle calls (nfev + ngev + nhdiag + nhvp)</text>');
    expect(svg).toContain('time (ms, log scale)</text>');
    expect(svg).toContain('>relative suboptimality (f − f*)/(f₀ − f*)</text>');
    expect(svg).toContain('<tspan x="0" dy="13">y: relative suboptimality</tspan>'); // the legend says it
    for (const m of wanted) expect(svg).toContain(`>${m}</text>`);

    const page = fs.readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<svg');
    expect(page.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>/g)).toHaveLength(wanted.length);
  });

  it('--json: f* matches the published optimum and every table entry is consistent', () => {
    const r = run('compare', data, '--loss', 'logistic', '--bias', '--backend', 'js', '--methods', 'lbfgs', '--max-iterations', '2000', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // shared/data README: f* = 0.10381393197693782 for this problem (l2 = 1/n, bias, w0 = 0).
    expect(Math.abs(out.fStar - 0.10381393197693782)).toBeLessThan(1e-12);
    const [row] = out.methods;
    expect(row.method).toBe('lbfgs');
    expect(row.calls).toBe(row.nfev + row.ngev + row.nhdiag + row.nhvp);
    expect(row.relativeSuboptimality).toBeCloseTo((row.fun - out.fStar) / (out.initialFun - out.fStar), 15);
    // Reaching 1e-6 takes at least as many calls as reaching 1e-2.
    if (row.reached['1e-6']) expect(row.reached['1e-6'].calls).toBeGreaterThanOrEqual(row.reached['1e-2'].calls);
    expect(row.reached['1e-2']).not.toBeNull();
  });
});

describe('stepsearch info', () => {
  it('reports rows, features, density, labels and the column scale spread', () => {
    const r = run('info', data, '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    let nnz = 0;
    for (const row of bc.rows) for (const v of row) if (v !== 0) nnz++;
    const maxAbs = bc.rows[0].map((_, j) => Math.max(...bc.rows.map((row) => Math.abs(row[j]))));
    expect(info).toMatchObject({ rows: n, features: bc.d, stored: nnz });
    expect(info.density).toBe(nnz / (n * bc.d));
    expect(info.labels.counts).toEqual({ 0: bc.y.filter((v) => v === 0).length, 1: bc.y.filter((v) => v === 1).length });
    expect(info.labels.suggestedLoss).toBe('logistic');
    expect(info.columnScale.minMaxAbs).toBe(Math.min(...maxAbs));
    expect(info.columnScale.maxMaxAbs).toBe(Math.max(...maxAbs));
    const text = run('info', data);
    expect(text.stdout).toContain(`rows:      ${n}`);
    expect(text.stdout).toMatch(/scales: +column max\|x\| from 0\.02984 to 4254 \(ratio 1\.43e\+5\)/);
  });
});

describe('stepsearch errors: exit code and one line on stderr', () => {
  const bad = tmp('bad.libsvm');
  const ragged = tmp('ragged.csv');
  beforeAll(() => {
    fs.writeFileSync(bad, '1 1:0.5 2:1\n0 1:0.25 2:x\n');
    fs.writeFileSync(ragged, '1,2,3\n0,4\n');
  });

  it('a missing file: 1', () => {
    expectOneLineError(run('fit', tmp('nope.libsvm'), '--loss', 'logistic'), 1, /cannot open .*nope\.libsvm: no such file or directory$/);
  });
  it('a malformed LIBSVM line names file:line: 1', () => {
    expectOneLineError(run('fit', bad, '--loss', 'logistic'), 1, /bad\.libsvm:2: value "x" of feature 2 is not a number$/);
  });
  it('a ragged CSV row names file:line: 1', () => {
    expectOneLineError(run('info', ragged), 1, /ragged\.csv:2: expected 3 cells \(as in the first row\), got 2$/);
  });
  it('an unknown method lists the accepted ones: 2', () => {
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--method', 'nope'), 2, /unknown method "nope"; accepted: .*lbfgs/);
    expectOneLineError(run('compare', data, '--loss', 'logistic', '--methods', 'lbfgs,nope'), 2, /unknown method "nope"/);
  });
  it('an unknown loss: 2', () => {
    expectOneLineError(run('fit', data, '--loss', 'hinge'), 2, /'hinge' is invalid\. Allowed choices are logistic, least-squares, softmax/);
  });
  it('labels that do not fit the loss: 2', () => {
    expectOneLineError(run('fit', wine, '--loss', 'logistic'), 2, /logistic needs exactly 2 distinct labels, found 3 \(0, 1, 2\); use --loss softmax/);
  });
  it('bad numbers in options: 2', () => {
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--l2', 'abc'), 2, /--l2 <x>' argument 'abc' is invalid\. expected a finite number/);
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--l2', '-1'), 2, /expected a number >= 0/);
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--max-iterations', '2.5'), 2, /expected an integer >= 0/);
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--time-limit', '0'), 2, /expected a number > 0/);
    expectOneLineError(run('compare', data, '--loss', 'logistic', '--methods', 'lbfgs', '--target-suboptimality', '2'), 2, /expected a number in \(0, 1\)/);
  });
  it('unknown options and commands, and a missing command: 2', () => {
    expectOneLineError(run('fit', data, '--loss', 'logistic', '--bogus'), 2, /unknown option '--bogus'/);
    expectOneLineError(run('frobnicate'), 2, /unknown command 'frobnicate'/);
    const none = run();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: stepsearch/);
  });
  it('a file that is not a model: 1', () => {
    expectOneLineError(run('predict', data, data), 1, /not a model file \(invalid JSON/);
  });
  it('--debug adds the stack trace', () => {
    const r = run('fit', bad, '--loss', 'logistic', '--debug');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^stepsearch: .*bad\.libsvm:2:/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
  it('--help and --version exit 0', () => {
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 success; 1 runtime failure');
    for (const m of methodNames()) expect(help.stdout).toContain(m);
    const version = run('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
    expect(run('fit', '--help').stdout).toContain('--loss <loss>');
  });
});

describe('progress bar', () => {
  /** A stand-in for process.stderr that records what is written. */
  function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
    const written: string[] = [];
    const stream = { isTTY, columns: 100, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    return { stream, written };
  }
  const record = (iter: number, elapsedMs: number): IterationRecord => ({
    iter, fun: 0.5, gradNorm: 0.25, stepSize: 1, accepted: true, nfev: iter, ngev: iter, nhdiag: 0, nhvp: 0, elapsedMs,
  });

  it('draws one line in place on a terminal, only after about a second, and erases it', () => {
    const { stream, written } = fakeStream(true);
    const reporter = new Reporter(false, stream);
    const progress = reporter.iterationProgress('fit lbfgs')!;
    progress(record(1, 10));
    progress(record(50, 900));
    expect(written).toEqual([]); // short runs print nothing
    progress(record(100, 1000));
    expect(written).toEqual(['\rfit lbfgs  iter 100  f 5.0000e-1  |g| 2.5000e-1  100 it/s\x1b[K']);
    progress(record(101, 1050)); // redraws are throttled
    expect(written).toHaveLength(1);
    reporter.clear();
    expect(written[1]).toBe('\r\x1b[K');
  });

  it('stays silent when stderr is not a terminal or the output is quiet', () => {
    expect(new Reporter(false, fakeStream(false).stream).iterationProgress('x')).toBeUndefined();
    expect(new Reporter(true, fakeStream(true).stream).iterationProgress('x')).toBeUndefined();
    expect(new Reporter(true, fakeStream(true).stream).readingProgress('f')).toBeUndefined();
  });
});
