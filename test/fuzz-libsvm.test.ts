/**
 * Fuzzing readLibsvmSync / readLibsvm with random file contents: near-valid LIBSVM text with random
 * corruptions, and raw random bytes. Every file is also parsed by a small reference parser written here from
 * the format rules in lib/io/libsvm.ts's header (split lines, strip comments, regular expressions); the reader
 * must accept exactly the files the reference accepts, with the same labels and entries, and reject the others
 * with an Error whose message starts with the file name. Random options are checked to throw TypeError /
 * RangeError naming the option.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DataMatrix } from '../lib/data';
import { readLibsvm, readLibsvmSync } from '../lib/io/libsvm';

const RUNS = Number(process.env.STEPSEARCH_FUZZ_RUNS ?? 150);
let cases = 0;
/** Files the reader accepted: the near-valid generator must produce plenty, or the comparison is idle. */
let accepted = 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepsearch-fuzz-libsvm-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz-libsvm.test.ts: ${cases} fuzz cases (${accepted} files accepted)`);
});

// ---------------------------------------------------------------------------------------------------------
// Reference parser: the documented grammar, written independently of the byte scanner under test.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MAX_INDEX = 0x7ffffffe;

type Parsed = { ok: true; y: number[]; rows: Map<number, number>[]; maxIndex: number } | { ok: false };

function referenceParse(bytes: Buffer, numFeatures: number | undefined, bias: boolean): Parsed {
  let text = bytes.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3); // UTF-8 BOM, as latin1
  const y: number[] = [];
  const rows: Map<number, number>[] = [];
  let maxIndex = 0;
  for (const rawLine of text.split('\n')) {
    const hash = rawLine.indexOf('#');
    const line = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    const tokens = line.split(/[ \t\r]+/).filter((t) => t !== '');
    if (tokens.length === 0) continue;
    if (!DECIMAL.test(tokens[0])) return { ok: false };
    const label = Number(tokens[0]);
    if (!Number.isFinite(label)) return { ok: false };
    const row = new Map<number, number>();
    let prev = 0;
    for (const tok of tokens.slice(1)) {
      const m = /^(\d+):(.*)$/.exec(tok);
      if (!m || !DECIMAL.test(m[2])) return { ok: false };
      const index = Number(m[1]);
      if (index === 0 || index > MAX_INDEX || index <= prev) return { ok: false };
      if (numFeatures !== undefined && index > numFeatures) return { ok: false };
      const value = Number(m[2]);
      if (!Number.isFinite(value)) return { ok: false };
      row.set(index - 1, value);
      prev = index;
    }
    maxIndex = Math.max(maxIndex, prev);
    y.push(label);
    rows.push(row);
  }
  if (rows.length === 0) return { ok: false };
  if ((numFeatures ?? maxIndex) === 0 && !bias) return { ok: false }; // no feature column at all
  return { ok: true, y, rows, maxIndex };
}

function entry(X: DataMatrix, i: number, j: number): number {
  if (X.kind === 'dense') return X.data[i * X.cols + j];
  for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) if (X.indices[k] === j) return X.values[k];
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Generators.

const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)) },
  { weight: 1, arbitrary: fc.constantFrom('+.5', '1.', '-0', '0.000', '1e-400', '1e400', '-1E+3', '.', '+', '1e', '0x10', 'inf', 'nan', 'NaN', '1_0', '١', '12345678901234567890.5e-3') },
);
const featureText = fc.oneof(
  { weight: 30, arbitrary: fc.record({ i: fc.integer({ min: 1, max: 12 }), v: numberText }).map(({ i, v }) => `${i}:${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('0:1', 'qid:3', '3:', ':4', '2:3:4', '4294967296:1', '2147483647:1', '007:2', 'x:1', '3 :1') },
);
const lineText = fc.oneof(
  { weight: 20, arbitrary: fc.record({ label: numberText, feats: fc.array(featureText, { maxLength: 5 }), sep: fc.constantFrom(' ', '\t', '  ', ' \t'), tail: fc.constantFrom('', ' ', '\r', ' # comment', '#x', '\t\r') })
    .map(({ label, feats, sep, tail }) => [label, ...feats].join(sep) + tail) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '# whole-line comment', '\r', '1 1:1\u00a02:2', '1 1:1\u000b2:2', '\u0000', '1 2:1 1:3') },
);
/** Near-valid files: lines sorted into increasing feature indices most of the time (so many are accepted). */
const nearValidFile = fc
  .record({ lines: fc.array(lineText, { minLength: 1, maxLength: 8 }), sortFeatures: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), bom: fc.boolean(), finalNewline: fc.boolean() })
  .map(({ lines, sortFeatures, bom, finalNewline }) => {
    const fixed = sortFeatures
      ? lines.map((l) => {
          const [head, ...rest] = l.split(' ');
          const feats = rest.filter((t) => /^\d+:/.test(t));
          const byIndex = new Map<number, string>();
          for (const f of feats) byIndex.set(Number(f.split(':')[0]), f);
          return [head, ...[...byIndex.keys()].sort((a, b) => a - b).map((k) => byIndex.get(k)!)].join(' ');
        })
      : lines;
    const text = fixed.join('\n') + (finalNewline ? '\n' : '');
    return Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'latin1')]);
  });
const randomBytes = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
const asciiNoise = fc.string({ unit: fc.constantFrom('1', '2', ':', ' ', '\n', '.', '-', 'e', '#', '\t', '0', '9'), maxLength: 80 }).map((s) => Buffer.from(s, 'latin1'));

let fileCounter = 0;
function writeTemp(bytes: Buffer): string {
  const file = path.join(dir, `f${fileCounter++}.svm`);
  fs.writeFileSync(file, bytes);
  return file;
}

function checkAgainstReference(file: string, bytes: Buffer, numFeatures: number | undefined, bias: boolean, format: 'auto' | 'dense' | 'csr'): void {
  const ref = referenceParse(bytes, numFeatures, bias);
  let r: ReturnType<typeof readLibsvmSync>;
  try {
    r = readLibsvmSync(file, { numFeatures, bias, format });
  } catch (e) {
    const error = e as Error;
    expect(error.constructor, error.message).toBe(Error);
    expect(error.message.startsWith(file), error.message).toBe(true);
    if (ref.ok) throw new Error(`the reader rejected a valid file (${error.message}):\n${JSON.stringify(bytes.toString('latin1'))}`);
    return;
  }
  accepted++;
  if (!ref.ok) throw new Error(`the reader accepted a file the grammar rejects:\n${JSON.stringify(bytes.toString('latin1'))}`);
  const nf = numFeatures ?? ref.maxIndex;
  expect(r.numFeatures).toBe(nf);
  expect(r.X.rows).toBe(ref.y.length);
  expect(r.X.cols).toBe(nf + (bias ? 1 : 0));
  if (format !== 'auto') expect(r.X.kind).toBe(format);
  expect(Array.from(r.y)).toEqual(ref.y);
  for (let i = 0; i < r.X.rows; i++) {
    for (let j = 0; j < nf; j++) {
      const want = ref.rows[i].get(j) ?? 0;
      // Dense storage cannot tell an explicit -0 from an omitted 0; compare as numbers.
      if (entry(r.X, i, j) !== want) throw new Error(`X[${i}][${j}] = ${entry(r.X, i, j)}, expected ${want}`);
    }
    if (bias) expect(entry(r.X, i, nf)).toBe(1);
  }
}

describe('readLibsvmSync on random contents', () => {
  it('near-valid files: accepts exactly what the grammar accepts, with the same numbers', () => {
    fc.assert(
      fc.property(nearValidFile, fc.constantFrom(undefined, undefined, 12, 3), fc.boolean(), fc.constantFrom('auto', 'dense', 'csr') as fc.Arbitrary<'auto' | 'dense' | 'csr'>,
        (bytes, numFeatures, bias, format) => {
          cases++;
          checkAgainstReference(writeTemp(bytes), bytes, numFeatures, bias, format);
        }),
      { numRuns: RUNS * 6 },
    );
    expect(accepted, 'accepted near-valid files').toBeGreaterThan(RUNS / 2);
  });

  it('random bytes and ASCII noise: never a crash or hang, errors name the file', () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes, asciiNoise), fc.boolean(), (bytes, bias) => {
        cases++;
        checkAgainstReference(writeTemp(bytes), bytes, undefined, bias, 'auto');
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('the async reader agrees with the sync one', async () => {
    await fc.assert(
      fc.asyncProperty(nearValidFile, async (bytes) => {
        cases++;
        const file = writeTemp(bytes);
        let sync: unknown;
        let async: unknown;
        try { sync = readLibsvmSync(file); } catch (e) { sync = (e as Error).message; }
        try { async = await readLibsvm(file); } catch (e) { async = (e as Error).message; }
        expect(async).toEqual(sync);
      }),
      { numRuns: RUNS },
    );
  });

  it('options: wrong types and values throw naming the option', () => {
    const file = writeTemp(Buffer.from('1 1:2 3:4\n0 2:1\n'));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ bias: fc.constantFrom(true, false, 1, 'yes', null), numFeatures: fc.constantFrom(undefined, 3, 0, -1, 2.5, NaN, 2 ** 31, '3'), format: fc.constantFrom(undefined, 'dense', 'csr', 'auto', 'sparse', 1) }),
          fc.constantFrom(null, 'opts', 5, [], { numfeatures: 3 }, { onProgress: 'x' }),
        ),
        (options) => {
          cases++;
          try {
            const r = readLibsvmSync(file, options as never);
            expect(r.X.rows).toBe(2);
          } catch (e) {
            const err = e as Error;
            expect(err instanceof TypeError || err instanceof RangeError || err.message.startsWith(file), err.message).toBe(true);
            if (!err.message.startsWith(file)) expect(/^(options|bias|numFeatures|format|onProgress|path):/.test(err.message), err.message).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    for (const badPath of [undefined, 3, null, {}]) expect(() => readLibsvmSync(badPath as unknown as string)).toThrow(/^path:/);
  });
});
