import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv, readCsvSync } from '../lib/io/csv';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string | Buffer, ext = '.csv'): string {
  const file = path.join(dir, `f${counter++}${ext}`);
  fs.writeFileSync(file, text);
  return file;
}

/** Row i of the dense result as a plain array. */
function row(X: { data: Float64Array; cols: number }, i: number): number[] {
  return Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
}

describe('readCsv: layout', () => {
  it('reads a headerless file with the label in the first column (the default)', () => {
    const f = write('1,0.5,2\n0,-1.5e-3,+.25\n');
    const d = readCsvSync(f);
    expect(d.X.kind).toBe('dense');
    expect([d.X.rows, d.X.cols, d.numFeatures]).toEqual([2, 2, 2]);
    expect(Array.from(d.y)).toEqual([1, 0]);
    expect(row(d.X, 0)).toEqual([0.5, 2]);
    expect(row(d.X, 1)).toEqual([-1.5e-3, 0.25]);
    expect(d.featureNames).toBeUndefined();
  });

  it('detects a header row and takes the label by name from any column', () => {
    const f = write('a,target,b\n1,10,2\n3,20,4\n');
    const d = readCsvSync(f, { label: 'target' });
    expect(Array.from(d.y)).toEqual([10, 20]);
    expect(row(d.X, 0)).toEqual([1, 2]);
    expect(row(d.X, 1)).toEqual([3, 4]);
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.labelName).toBe('target');
  });

  it('honours header: false and header: true explicitly', () => {
    // An all-numeric first row is data unless header: true says otherwise.
    const f = write('7,8\n1,2\n');
    expect(readCsvSync(f, { header: false }).X.rows).toBe(2);
    const h = readCsvSync(f, { header: true });
    expect(h.X.rows).toBe(1);
    expect(Array.from(h.y)).toEqual([1]);
    expect(h.featureNames).toEqual(['8']);
  });

  it('takes a negative label index from the end, and label: null reads no labels', () => {
    const f = write('1,2,3\n4,5,6\n');
    const last = readCsvSync(f, { label: -1 });
    expect(Array.from(last.y)).toEqual([3, 6]);
    expect(row(last.X, 1)).toEqual([4, 5]);
    const none = readCsvSync(f, { label: null });
    expect(none.y).toBeUndefined();
    expect([none.X.cols, none.numFeatures]).toEqual([3, 3]);
  });

  it('appends a constant-1 bias column last', () => {
    const f = write('1,2,3\n0,5,6\n');
    const d = readCsvSync(f, { bias: true });
    expect([d.X.cols, d.numFeatures]).toEqual([3, 2]);
    expect(row(d.X, 0)).toEqual([2, 3, 1]);
    expect(row(d.X, 1)).toEqual([5, 6, 1]);
  });

  it('parses quoted cells: delimiters, escaped quotes and line breaks inside quotes', () => {
    const f = write('"la,bel","say ""x""","multi\nline"\n"1", 2 ,"3"\n0,"4",5\n');
    const d = readCsvSync(f, { label: 'la,bel' });
    expect(d.featureNames).toEqual(['say "x"', 'multi\nline']);
    expect(Array.from(d.y)).toEqual([1, 0]);
    expect(row(d.X, 0)).toEqual([2, 3]);
    expect(row(d.X, 1)).toEqual([4, 5]);
  });

  it('skips empty and blank lines, accepts CRLF, a BOM and a missing final newline', () => {
    const f = write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n1,2\r\n\r\n   \n0,3\r\n\n1,4')]));
    const d = readCsvSync(f);
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
    expect(Array.from(d.X.data)).toEqual([2, 3, 4]);
  });

  it('uses another delimiter', () => {
    const f = write('y\tx1\tx2\n1\t2\t3\n', '.tsv');
    const d = readCsvSync(f, { delimiter: '\t' });
    expect(Array.from(d.y)).toEqual([1]);
    expect(row(d.X, 0)).toEqual([2, 3]);
  });

  it('parses every number as Number() does', () => {
    // Values chosen to exercise exponents, many digits and signs; the expected doubles come from Number().
    const cells = ['0.1', '1e-300', '-123456789012345678', '+3.', '.5e+2', '2.2250738585072014e-308'];
    const f = write(`0,${cells.join(',')}\n`);
    expect(row(readCsvSync(f).X, 0)).toEqual(cells.map(Number));
  });

  it('handles records split across 1 MiB chunks (and quotes at the boundary) like a small file', async () => {
    // Build > 2 MiB with quoted cells so that chunk boundaries fall at arbitrary places, including inside
    // quotes and between the two quotes of an escaped "".
    const lines: string[] = ['label,"a ""q""",b'];
    const expected: number[][] = [];
    for (let i = 0; lines.length < 60000; i++) {
      const a = (i * 7919) % 1000 / 7;
      const b = -i / 3;
      lines.push(`${i % 2},"${a}",${b}`);
      expected.push([Number(String(a)), Number(String(b))]); // what the text says (-0 prints as 0)
    }
    const f = write(lines.join('\n'));
    expect(fs.statSync(f).size).toBeGreaterThan(2 * 1024 * 1024);
    const progress: number[] = [];
    const d = await readCsv(f, { onProgress: (read) => progress.push(read) });
    expect(d.X.rows).toBe(expected.length);
    expect(d.featureNames).toEqual(['a "q"', 'b']);
    for (const i of [0, 1, 12345, 30000, expected.length - 1]) {
      expect(row(d.X, i)).toEqual(expected[i]);
      expect(d.y[i]).toBe(i % 2);
    }
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(fs.statSync(f).size);
    const sync = readCsvSync(f);
    expect(Array.from(sync.X.data)).toEqual(Array.from(d.X.data));
  });
});

describe('readCsv: errors name file:line and the problem', () => {
  const cases: [string, string, Parameters<typeof readCsvSync>[1], RegExp][] = [
    ['ragged row', '1,2,3\n0,4\n', {}, /:2: expected 3 cells \(as in the first row\), got 2$/],
    ['non-numeric cell', 'y,a,b\n1,2,3\n0,abc,4\n', {}, /:3: value "abc" in column 2 \("a"\) is not a number$/],
    ['empty cell', '1,2,3\n0,,4\n', {}, /:2: empty cell in column 2$/],
    ['missing label', '1,2\n,3\n', {}, /:2: missing label in column 1$/],
    ['non-numeric label', '1,2\nyes,3\n', {}, /:2: label "yes" in column 1 is not a number$/],
    ['infinite value', '1,2\n0,1e999\n', {}, /:2: value "1e999" in column 2 is not finite$/],
    ['NaN text', '1,2\n0,NaN\n', {}, /:2: value "NaN" in column 2 is not a number$/],
    ['unknown label name', 'a,b\n1,2\n', { label: 'c' }, /:1: no column named "c" in the header; columns: "a", "b"$/],
    ['label name without header', '1,2\n3,4\n', { label: 'a' }, /:1: label column "a" needs a header row/],
    ['label index out of range', '1,2\n3,4\n', { label: 5 }, /:1: label column index 5 is outside the 2 columns/],
    ['unterminated quote', '1,2\n0,"3\n4\n', {}, /:2: unterminated quoted cell \(column 2\) runs to the end of the file$/],
    ['text after a closing quote', '1,"2"x\n', {}, /:1: unexpected "x" after a closing quote \(column 2\)$/],
  ];
  for (const [name, text, options, pattern] of cases) {
    it(name, () => {
      const f = write(text);
      let message = '';
      try {
        readCsvSync(f, options);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.startsWith(`${f}:`)).toBe(true);
      expect(message).toMatch(pattern);
    });
  }

  it('the ragged-row line counts lines inside quoted cells', () => {
    const f = write('x,"a\nb",z\n1,2,3\n0,3\n');
    expect(() => readCsvSync(f, { header: true })).toThrow(/:4: expected 3 cells/);
  });

  it('an empty file has no data rows', () => {
    const f = write('\n\n');
    expect(() => readCsvSync(f)).toThrow(`${f}: no data rows`);
  });

  it('rejects bad options naming them', async () => {
    const f = write('1,2\n');
    expect(() => readCsvSync(f, { delimiter: '"' })).toThrow(RangeError);
    expect(() => readCsvSync(f, { delimiter: ';;' })).toThrow(/^delimiter:/);
    expect(() => readCsvSync(f, { label: 1.5 })).toThrow(/^label:/);
    expect(() => readCsvSync(f, { bias: 'yes' as unknown as boolean })).toThrow(/^bias:/);
    expect(() => readCsvSync(f, { lable: 0 } as unknown as object)).toThrow(/unknown option "lable"/);
    expect(() => readCsvSync(f, { label: 'y', header: false })).toThrow(/needs a header row/);
    await expect(readCsv(path.join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});
