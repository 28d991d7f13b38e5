import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix, type DataMatrix } from '../lib/data';
import { DENSE_THRESHOLD, readLibsvm, readLibsvmSync } from '../lib/io/libsvm';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-libsvm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string | Buffer): string {
  const file = path.join(dir, `f${counter++}.libsvm`);
  fs.writeFileSync(file, text);
  return file;
}

/** Element (i, j) of either kind of matrix. */
function at(X: DataMatrix, i: number, j: number): number {
  if (X.kind === 'dense') return X.data[i * X.cols + j];
  for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) if (X.indices[k] === j) return X.values[k];
  return 0;
}

/** A deliberately simple reference reader: whole text, split, Number(). */
function naiveRead(text: string): { rows: Map<number, number>[]; y: number[]; maxIndex: number } {
  const rows: Map<number, number>[] = [];
  const y: number[] = [];
  let maxIndex = 0;
  for (const raw of text.split('\n')) {
    const line = raw.split('#')[0].trim();
    if (line === '') continue;
    const [label, ...feats] = line.split(/\s+/);
    y.push(Number(label));
    const row = new Map<number, number>();
    for (const f of feats) {
      const [i, v] = f.split(':');
      row.set(Number(i) - 1, Number(v));
      maxIndex = Math.max(maxIndex, Number(i));
    }
    rows.push(row);
  }
  return { rows, y, maxIndex };
}

function expectSameAsNaive(text: string, X: DataMatrix, y: Float64Array): void {
  const ref = naiveRead(text);
  expect(X.rows).toBe(ref.rows.length);
  expect(Array.from(y)).toEqual(ref.y);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const expected = ref.rows[i].get(j) ?? 0;
      if (!Object.is(at(X, i, j), expected)) throw new Error(`(${i}, ${j}): got ${at(X, i, j)}, expected ${expected}`);
    }
  }
}

describe('readLibsvmSync: content', () => {
  it('reads labels and features; omitted features are zero', () => {
    const file = write('1 1:0.5 3:-2\n-1 2:4\n+1 1:1e3 2:2 3:3\n');
    const { X, y, numFeatures } = readLibsvmSync(file, { format: 'dense' });
    expect(numFeatures).toBe(3);
    expect(Array.from(y)).toEqual([1, -1, 1]);
    expect(X).toBeInstanceOf(DenseMatrix);
    expect(Array.from((X as DenseMatrix).data)).toEqual([0.5, 0, -2, 0, 4, 0, 1000, 2, 3]);
  });

  it('skips comments and blank lines, accepts trailing spaces, tabs, CRLF, a final line without newline and a BOM', () => {
    const text =
      '\ufeff# header comment\n\n1 1:1 2:2   \n   \n0\t2:5\t# trailing comment\r\n\r\n# another\n1 1:3 #c\n0 3:1.5';
    const file = write(text);
    const { X, y, numFeatures } = readLibsvmSync(file, { format: 'csr' });
    expect(numFeatures).toBe(3);
    expect(Array.from(y)).toEqual([1, 0, 1, 0]);
    expect(X.kind).toBe('csr');
    const C = X as CsrMatrix;
    expect(Array.from(C.indptr)).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(C.indices)).toEqual([0, 1, 1, 0, 2]);
    expect(Array.from(C.values)).toEqual([1, 2, 5, 3, 1.5]);
  });

  it('accepts a row with a label only (all features zero)', () => {
    const file = write('1 2:1\n0\n');
    const { X } = readLibsvmSync(file, { format: 'csr' });
    expect(Array.from((X as CsrMatrix).indptr)).toEqual([0, 1, 1]);
  });

  it('parses numbers exactly as Number(text) (fast path and fallback)', () => {
    const tokens = [
      '0.1', '-0', '-0.0', '+.5', '5.', '1e-300', '2.2250738585072014e-308', '5e-324', '1.7976931348623157e308',
      '9007199254740993', '123456789012345678', '0.30000000000000004', '1E22', '1e23', '4.35', '0.000001234',
      '-123.456e-7', '1234567890.12345', '0.1000000000000000055511151231257827', '8.5e-23', '00012.5000',
    ]; // prettier-ignore
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 2000; k++) {
      const digits = 1 + Math.floor(rnd() * 19);
      let s = '';
      for (let d = 0; d < digits; d++) s += Math.floor(rnd() * 10);
      const dot = Math.floor(rnd() * (digits + 1));
      s = s.slice(0, dot) + '.' + s.slice(dot);
      if (rnd() < 0.5) s += 'e' + (Math.floor(rnd() * 60) - 30);
      if (rnd() < 0.3) s = '-' + s;
      tokens.push(s);
    }
    const lines = tokens.map((t, k) => `${t} 1:${t} ${2 + (k % 3)}:${t}`);
    const file = write(lines.join('\n') + '\n');
    const { X, y } = readLibsvmSync(file, { format: 'csr' });
    const C = X as CsrMatrix;
    tokens.forEach((t, k) => {
      const expected = Number(t);
      if (!Object.is(y[k], expected) || !Object.is(C.values[2 * k], expected) || !Object.is(C.values[2 * k + 1], expected)) {
        throw new Error(`token ${t}: got ${y[k]}, ${C.values[2 * k]}, expected ${expected}`);
      }
    });
  });

  it('matches a naive reader on a multi-chunk file (lines cross the 1 MiB chunk boundaries)', async () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const lines: string[] = [];
    let size = 0;
    while (size < 2.6 * (1 << 20)) {
      const parts = [rnd() < 0.5 ? '1' : '0'];
      let idx = 0;
      const count = Math.floor(rnd() * 40);
      for (let k = 0; k < count; k++) {
        idx += 1 + Math.floor(rnd() * 5);
        parts.push(`${idx}:${rnd() < 0.5 ? String(rnd() * 100) : (rnd() * 10).toFixed(3)}`);
      }
      if (rnd() < 0.02) lines.push('# a comment line');
      if (rnd() < 0.02) lines.push('');
      const line = parts.join(rnd() < 0.1 ? '\t' : ' ') + (rnd() < 0.05 ? '  ' : '');
      lines.push(line);
      size += line.length + 1;
    }
    const text = lines.join('\n') + '\n';
    const file = write(text);
    const progress: [number, number][] = [];
    const a = readLibsvmSync(file, { onProgress: (r, t) => progress.push([r, t]) });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[progress.length - 1]).toEqual([text.length, text.length]);
    expectSameAsNaive(text, a.X, a.y);
    const b = await readLibsvm(file, { format: a.X.kind === 'dense' ? 'csr' : 'dense' });
    expectSameAsNaive(text, b.X, b.y);
  });
});

describe('readLibsvm: errors name file:line', () => {
  const cases: [string, string, RegExp][] = [
    ['index 0', '1 1:2\n0 0:1\n', /:2: feature index 0: LIBSVM indices are 1-based/],
    ['unsorted indices', '1 1:2 3:1 2:5\n', /:1: feature index 2 follows 3: indices must be strictly increasing/],
    ['duplicate index', '1 1:2\n\n1 2:1 2:5\n', /:3: feature index 2 follows 2/],
    ['qid', '1 qid:3 1:2\n', /:1: qid: is not supported/],
    ['bad value', '1 1:2\n# c\n1 1:abc\n', /:3: value "abc" of feature 1 is not a number/],
    ['two dots', '1 1:1.2.3\n', /:1: value "1.2.3" of feature 1 is not a number/],
    ['empty value', '1 1: 2:3\n', /:1: value "" of feature 1 is not a number/],
    ['nan', '1 1:nan\n', /:1: value "nan" of feature 1 is not a number/],
    ['overflow', '1 1:1e999\n', /:1: value "1e999" of feature 1 is not finite/],
    ['hex', '1 1:0x10\n', /:1: value "0x10" of feature 1 is not a number/],
    ['trailing garbage', '1 1:1.5x 2:1\n', /:1: value "1.5x" of feature 1 is not a number/],
    ['bare exponent', '1 1:2 2:1e\n', /:1: value "1e" of feature 2 is not a number/],
    ['sign only', '1 1:-\n', /:1: value "-" of feature 1 is not a number/],
    ['label with garbage', '1x 1:2\n', /:1: label "1x" is not a number/],
    ['infinite label', '1e400 1:2\n', /:1: label "1e400" is not finite/],
    ['bad label', 'abc 1:2\n', /:1: label "abc" is not a number/],
    ['missing label', '1:2 3:4\n', /:1: expected a label before the features, got "1:2"/],
    ['no colon', '1 5\n', /:1: expected index:value, got "5"/],
    ['bad index', '1 a:5\n', /:1: expected index:value, got "a:5"/],
    ['huge index', '1 99999999999:1\n', /:1: feature index "99999999999" is too large/],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      const file = write(text);
      expect(() => readLibsvmSync(file)).toThrow(pattern);
      expect(() => readLibsvmSync(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
    });
  }

  it('rejects an index above numFeatures', async () => {
    const file = write('1 1:2\n1 7:1\n');
    expect(() => readLibsvmSync(file, { numFeatures: 5 })).toThrow(/:2: feature index 7 exceeds numFeatures = 5/);
    await expect(readLibsvm(file, { numFeatures: 5 })).rejects.toThrow(/:2: feature index 7 exceeds numFeatures = 5/);
  });

  it('rejects files without data rows or without features', () => {
    expect(() => readLibsvmSync(write(''))).toThrow(/: no data rows/);
    expect(() => readLibsvmSync(write('# only a comment\n\n'))).toThrow(/: no data rows/);
    expect(() => readLibsvmSync(write('1\n0\n'))).toThrow(/no features in any row/);
  });

  it('validates its arguments', async () => {
    const file = write('1 1:1\n');
    expect(() => readLibsvmSync(42 as unknown as string)).toThrow(/^path: expected a file path string/);
    expect(() => readLibsvmSync(file, { format: 'sparse' as 'csr' })).toThrow(/^format: expected one of/);
    expect(() => readLibsvmSync(file, { numFeatures: 0 })).toThrow(/^numFeatures: /);
    expect(() => readLibsvmSync(file, { bias: 1 as unknown as boolean })).toThrow(/^bias: expected a boolean/);
    expect(() => readLibsvmSync(file, { biass: true } as object)).toThrow(/^options: unknown option "biass"/);
    await expect(readLibsvm(file, { onProgress: 3 as unknown as () => void })).rejects.toThrow(/^onProgress: expected a function/);
    await expect(readLibsvm(path.join(dir, 'missing.libsvm'))).rejects.toThrow(/ENOENT/);
  });
});

describe('readLibsvm: storage and bias', () => {
  it(`chooses dense at density ≥ ${DENSE_THRESHOLD} and CSR below`, () => {
    // 4 rows × 4 features: 4 nonzeros = density 0.25 exactly → dense; 3 nonzeros → CSR.
    expect(readLibsvmSync(write('1 1:1\n1 2:1\n1 3:1\n1 4:1\n')).X.kind).toBe('dense');
    expect(readLibsvmSync(write('1 1:1\n1 2:1\n1\n1 4:1\n')).X.kind).toBe('csr');
    expect(readLibsvmSync(write('1 1:1\n1 2:1\n1 3:1\n1 4:1\n'), { format: 'csr' }).X.kind).toBe('csr');
    expect(readLibsvmSync(write('1 1:1\n1 2:1\n1\n1 4:1\n'), { format: 'dense' }).X.kind).toBe('dense');
  });

  it('numFeatures widens the matrix beyond the largest index', () => {
    const { X, numFeatures } = readLibsvmSync(write('1 1:1\n0 2:2\n'), { numFeatures: 6 });
    expect(numFeatures).toBe(6);
    expect(X.cols).toBe(6);
  });

  it('bias appends a constant-1 column last, dense and CSR', async () => {
    const text = '1 1:1 3:3\n0 2:2\n';
    const d = readLibsvmSync(write(text), { bias: true, format: 'dense' });
    expect(d.numFeatures).toBe(3);
    expect(d.X.cols).toBe(4);
    expect(Array.from((d.X as DenseMatrix).data)).toEqual([1, 0, 3, 1, 0, 2, 0, 1]);
    const c = await readLibsvm(write(text), { bias: true, format: 'csr', numFeatures: 4 });
    expect(c.X.cols).toBe(5);
    const C = c.X as CsrMatrix;
    expect(Array.from(C.indptr)).toEqual([0, 3, 5]);
    expect(Array.from(C.indices)).toEqual([0, 2, 4, 1, 4]);
    expect(Array.from(C.values)).toEqual([1, 3, 1, 2, 1]);
  });

  it('reads the bundled breast-cancer data (569 × 30, labels 0/1)', async () => {
    const file = path.join(__dirname, '..', 'examples', 'data', 'breast_cancer_wdbc.libsvm');
    const { X, y, numFeatures } = await readLibsvm(file, { bias: true });
    expect(X.kind).toBe('dense');
    expect([X.rows, X.cols, numFeatures]).toEqual([569, 31, 30]);
    expect(new Set(y)).toEqual(new Set([0, 1]));
    expectSameAsNaive(fs.readFileSync(file, 'utf8'), new DenseMatrix((X as DenseMatrix).data.filter((_, k) => k % 31 !== 30), 569, 30), y);
  });
});
