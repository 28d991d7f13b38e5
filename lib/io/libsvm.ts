/**
 * LIBSVM / SVMlight text reader (design.md §3 "Data").
 *
 * Format: one sample per line, `label index:value index:value ...`, separated by spaces or tabs.
 * - Indices are 1-based and must be strictly increasing within a line; omitted features are zero.
 * - `#` starts a comment that runs to the end of the line (whole-line comments and SVMlight-style trailing
 *   comments); blank lines are skipped; `\r\n` line ends, trailing spaces and a UTF-8 byte-order mark are fine.
 * - `qid:` (ranking files) is rejected: the objectives here have no use for query groups.
 * - Labels and values are decimal numbers (`12`, `-1.5e-3`, `+.5`); the parsed double equals `Number(text)`
 *   exactly. Hex, `inf`, `nan` and values that overflow to ±Infinity are rejected.
 * A malformed line raises an `Error` whose message starts with `file:line:` and names the problem.
 *
 * The file is streamed in 1 MiB chunks into growable typed arrays, so the text is never held in memory whole.
 */
import { CsrMatrix, DenseMatrix, type DataMatrix } from '../data';
import { forEachChunk, forEachChunkSync } from './chunks';
import { checkBoolean, checkFunction, checkInteger, checkOneOf, checkOptions, describeType } from '../errors';

/** Options of {@link readLibsvm} and {@link readLibsvmSync}. */
export interface LibsvmOptions {
  /** Append a constant-1 column last (spec §3.1). Default false. */
  bias?: boolean;
  /**
   * Number of features (columns before any bias). Default: the largest index in the file. When given, an
   * index above it is an error; use it to read a test file with the training file's width.
   */
  numFeatures?: number;
  /**
   * Storage of X. `'auto'` (default) picks dense when the density nnz/(rows·numFeatures) is at least
   * {@link DENSE_THRESHOLD}, CSR otherwise.
   */
  format?: 'auto' | 'dense' | 'csr';
  /** Called after each chunk with the bytes read so far and the file size (bytes). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What {@link readLibsvm} returns. */
export interface LibsvmData {
  /** The samples, one per row; with `bias`, the last column is all ones. */
  X: DataMatrix;
  /** The labels (targets), one per row, as written in the file. */
  y: Float64Array;
  /** Number of feature columns, not counting the bias column (X.cols = numFeatures + (bias ? 1 : 0)). */
  numFeatures: number;
}

/**
 * Density at or above which `format: 'auto'` stores X densely. At 25 % a dense matrix takes 8 bytes per cell
 * against 12 bytes per nonzero (+4 per row) for CSR, i.e. 2.7× the memory, and its kernels stream memory
 * contiguously with no index indirection, which more than pays back in speed.
 */
export const DENSE_THRESHOLD = 0.25;

/** Largest accepted 1-based index, so the 0-based column and cols+1 (bias) fit an Int32. */
const MAX_INDEX = 0x7ffffffe;
const KNOWN_OPTIONS = ['bias', 'numFeatures', 'format', 'onProgress'] as const;

// Byte codes.
const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const COLON = 58;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const LOWER_E = 101;
const UPPER_E = 69;

/** 10^k for k ≤ 22: all exactly representable doubles (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Where the last {@link parseDecimal} call stopped (a module slot: no allocation per token). */
let numberEnd = 0;

/**
 * Parses the decimal number that starts at buf[s] (reading no further than `limit`) and sets `numberEnd` to
 * the first byte after it; the caller checks that a delimiter follows. Returns NaN when no complete decimal
 * number starts there (NaN cannot come from a valid token because "nan" is not accepted).
 *
 * Fast path (Clinger 1990): with at most 15 significant digits the digits form an integer m < 2^53, exactly
 * representable, and for |k| ≤ 22 the power 10^k is exact too, so m·10^k or m/10^k is a single correctly
 * rounded operation — the same double as `Number(text)`. Everything else falls back to `Number` on the
 * validated token text.
 */
function parseDecimal(buf: Buffer, s: number, limit: number): number {
  let i = s;
  let neg = false;
  let c = buf[i];
  if (c === MINUS) {
    neg = true;
    i++;
  } else if (c === PLUS) {
    i++;
  }
  let m = 0;
  let sig = 0; // significant digits accumulated into m (leading zeros excluded)
  let exp10 = 0;
  let digits = 0; // mantissa digits seen, for validation
  for (; i < limit; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) break;
    digits++;
    if (sig > 0 || d !== 0) {
      m = m * 10 + d;
      sig++;
    }
  }
  if (i < limit && buf[i] === DOT) {
    i++;
    for (; i < limit; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) break;
      digits++;
      if (sig > 0 || d !== 0) {
        m = m * 10 + d;
        sig++;
      }
      exp10--;
    }
  }
  numberEnd = i;
  if (digits === 0) return NaN;
  if (i < limit && ((c = buf[i]) === LOWER_E || c === UPPER_E)) {
    i++;
    let eneg = false;
    if (i < limit && ((c = buf[i]) === MINUS || c === PLUS)) {
      eneg = c === MINUS;
      i++;
    }
    let ev = 0;
    let edigits = 0;
    for (; i < limit; i++) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) break;
      if (ev < 1e6) ev = ev * 10 + d; // beyond this the value is 0 or ±Infinity anyway; Number decides
      edigits++;
    }
    numberEnd = i;
    if (edigits === 0) return NaN;
    exp10 += eneg ? -ev : ev;
  }
  if (sig > 15 || exp10 > 22 || exp10 < -22) {
    return Number(buf.toString('latin1', s, i));
  }
  const v = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
  return neg ? -v : v;
}

/** True for the bytes that may end a token: blank, tab, CR, newline, '#'. */
function isDelimiter(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === NL || c === HASH;
}

/** Incremental parser: feed it chunks with push(), then finish(). Shared by the sync and async readers. */
class LibsvmParser {
  private labels = new Float64Array(1024);
  private indptr = new Int32Array(1025);
  private indices = new Int32Array(8192);
  private values = new Float64Array(8192);
  private rows = 0;
  private nnz = 0;
  private maxIndex = 0;
  private line = 0;
  private carry: Buffer | null = null;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly numFeatures: number | undefined,
  ) {}

  private fail(problem: string): never {
    throw new Error(`${this.file}:${this.line}: ${problem}`);
  }

  /** Parses the complete lines of `chunk`; keeps its last partial line for the next call. */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.first) {
      this.first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3; // UTF-8 BOM
    }
    if (this.carry !== null) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) {
        this.carry = Buffer.concat([this.carry, chunk.subarray(start)]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(start, nl + 1)]);
      this.carry = null;
      this.parseLines(joined, 0, joined.length);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last < start) {
      if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start)); // copy: chunk may be reused
      return;
    }
    this.parseLines(chunk, start, last + 1);
    if (last + 1 < chunk.length) this.carry = Buffer.from(chunk.subarray(last + 1));
  }

  /** Parses a final line without a newline, then returns the arrays trimmed to size. */
  finish(): { labels: Float64Array; indptr: Int32Array; indices: Int32Array; values: Float64Array; rows: number; maxIndex: number } {
    if (this.carry !== null) {
      const rest = this.carry;
      this.carry = null;
      this.parseLines(rest, 0, rest.length);
    }
    return {
      labels: this.labels.subarray(0, this.rows),
      indptr: this.indptr.subarray(0, this.rows + 1),
      indices: this.indices.subarray(0, this.nnz),
      values: this.values.subarray(0, this.nnz),
      rows: this.rows,
      maxIndex: this.maxIndex,
    };
  }

  private growRows(): void {
    const cap = this.labels.length * 2;
    const labels = new Float64Array(cap);
    labels.set(this.labels);
    this.labels = labels;
    const indptr = new Int32Array(cap + 1);
    indptr.set(this.indptr);
    this.indptr = indptr;
  }

  private growEntries(): void {
    // indptr holds entry counts as Int32: at most 2^31 − 1 entries.
    if (this.indices.length >= 0x7fffffff) this.fail('more than 2^31 - 1 stored entries: too many for Int32 row pointers');
    const cap = Math.min(this.indices.length * 2, 0x7fffffff);
    const indices = new Int32Array(cap);
    indices.set(this.indices);
    this.indices = indices;
    const values = new Float64Array(cap);
    values.set(this.values);
    this.values = values;
  }

  /** Text of buf[s, e) for messages, shortened. */
  private static token(buf: Buffer, s: number, e: number): string {
    const text = buf.toString('latin1', s, Math.min(e, s + 40));
    return JSON.stringify(e - s > 40 ? `${text}...` : text);
  }

  /**
   * Parses the lines in buf[p, end). Every line but possibly the last ends with '\n'; the last one may not
   * (end of file). Hand-written byte scanner: one pass, no string per line.
   */
  private parseLines(buf: Buffer, p: number, end: number): void {
    const limit = this.numFeatures ?? MAX_INDEX;
    // Hot state in locals (written back when a line is complete or the arrays grow).
    let indices = this.indices;
    let values = this.values;
    let nnz = this.nnz;
    while (p < end) {
      this.line++;
      let c = 0;
      // Leading blanks.
      while (p < end && ((c = buf[p]) === SPACE || c === TAB || c === CR)) p++;
      if (p >= end) break;
      if (c === NL) {
        p++;
        continue;
      }
      if (c === HASH) {
        while (p < end && buf[p] !== NL) p++;
        p++;
        continue;
      }
      // Label.
      let s = p;
      const label = parseDecimal(buf, s, end);
      p = numberEnd;
      if (label !== label || (p < end && !isDelimiter(buf[p]))) {
        while (p < end && !isDelimiter(buf[p])) p++;
        let colon = s;
        while (colon < p && buf[colon] !== COLON) colon++;
        if (colon < p) this.fail(`expected a label before the features, got ${LibsvmParser.token(buf, s, p)}`);
        this.fail(`label ${LibsvmParser.token(buf, s, p)} is not a number`);
      }
      if (label - label !== 0) this.fail(`label ${LibsvmParser.token(buf, s, p)} is not finite`);
      if (this.rows === this.labels.length) this.growRows();
      this.labels[this.rows] = label;
      let prev = 0;
      // Features.
      for (;;) {
        while (p < end && ((c = buf[p]) === SPACE || c === TAB || c === CR)) p++;
        if (p >= end || c === NL || c === HASH) break;
        s = p;
        let index = 0;
        while (p < end && (c = buf[p] - ZERO) >= 0 && c <= 9) {
          index = index * 10 + c;
          if (index > MAX_INDEX) {
            while (p < end && (c = buf[p] - ZERO) >= 0 && c <= 9) p++;
            this.fail(`feature index ${LibsvmParser.token(buf, s, p)} is too large (maximum ${MAX_INDEX})`);
          }
          p++;
        }
        if (p === s || p >= end || buf[p] !== COLON) {
          let q = p;
          while (q < end && !isDelimiter(buf[q])) q++;
          const tok = LibsvmParser.token(buf, s, q);
          if (buf[s] === 113 /* q */ && buf[s + 1] === 105 /* i */ && buf[s + 2] === 100 /* d */ && buf[s + 3] === COLON) {
            this.fail(`qid: is not supported (ranking files with query ids cannot be read); got ${tok}`);
          }
          this.fail(`expected index:value, got ${tok}`);
        }
        if (index === 0) this.fail('feature index 0: LIBSVM indices are 1-based');
        if (index <= prev) {
          this.fail(`feature index ${index} follows ${prev}: indices must be strictly increasing within a line`);
        }
        if (index > limit) this.fail(`feature index ${index} exceeds numFeatures = ${limit}`);
        s = ++p; // past ':'
        const value = parseDecimal(buf, s, end);
        p = numberEnd;
        if (value - value !== 0 || (p < end && !isDelimiter(buf[p]))) {
          while (p < end && !isDelimiter(buf[p])) p++;
          const why = value === value && (p === numberEnd) ? 'is not finite' : 'is not a number';
          this.fail(`value ${LibsvmParser.token(buf, s, p)} of feature ${index} ${why}`);
        }
        if (nnz === indices.length) {
          this.nnz = nnz;
          this.growEntries();
          indices = this.indices;
          values = this.values;
        }
        indices[nnz] = index - 1;
        values[nnz] = value;
        nnz++;
        prev = index;
      }
      if (prev > this.maxIndex) this.maxIndex = prev;
      this.rows++;
      this.indptr[this.rows] = nnz;
      // Rest of the line: a comment or nothing.
      while (p < end && buf[p] !== NL) p++;
      p++;
    }
    this.nnz = nnz;
  }
}

interface ResolvedOptions {
  bias: boolean;
  numFeatures: number | undefined;
  format: 'auto' | 'dense' | 'csr';
  onProgress: ((bytesRead: number, totalBytes: number) => void) | undefined;
}

function resolveOptions(path: unknown, options: unknown): ResolvedOptions {
  if (typeof path !== 'string') throw new TypeError(`path: expected a file path string, got ${describeType(path)}`);
  const o = checkOptions<LibsvmOptions>('options', options, KNOWN_OPTIONS);
  return {
    bias: o.bias === undefined ? false : checkBoolean('bias', o.bias),
    numFeatures: o.numFeatures === undefined ? undefined : checkInteger('numFeatures', o.numFeatures, 1, MAX_INDEX),
    format: o.format === undefined ? 'auto' : checkOneOf('format', o.format, ['auto', 'dense', 'csr'] as const),
    onProgress:
      o.onProgress === undefined ? undefined : (checkFunction('onProgress', o.onProgress) as ResolvedOptions['onProgress']),
  };
}

/** Builds X (dense or CSR, with the bias column if asked) from the parsed rows. */
function assemble(file: string, parser: LibsvmParser, opts: ResolvedOptions): LibsvmData {
  const { labels, indptr, indices, values, rows, maxIndex } = parser.finish();
  if (rows === 0) throw new Error(`${file}: no data rows`);
  const numFeatures = opts.numFeatures ?? maxIndex;
  if (numFeatures === 0 && !opts.bias) {
    throw new Error(`${file}: no features in any row; pass numFeatures (or bias: true) to read it`);
  }
  const bias = opts.bias ? 1 : 0;
  const cols = numFeatures + bias;
  const nnz = indices.length;
  const density = numFeatures === 0 ? 1 : nnz / (rows * numFeatures);
  const dense = opts.format === 'dense' || (opts.format === 'auto' && density >= DENSE_THRESHOLD);
  const y = labels.slice();
  if (dense) {
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const off = i * cols;
      for (let k = indptr[i]; k < indptr[i + 1]; k++) data[off + indices[k]] = values[k];
      if (bias) data[off + numFeatures] = 1;
    }
    return { X: new DenseMatrix(data, rows, cols), y, numFeatures };
  }
  if (!bias) {
    return { X: new CsrMatrix(rows, cols, indptr.slice(), indices.slice(), values.slice()), y, numFeatures };
  }
  const outPtr = new Int32Array(rows + 1);
  const outIdx = new Int32Array(nnz + rows);
  const outVal = new Float64Array(nnz + rows);
  let out = 0;
  for (let i = 0; i < rows; i++) {
    const a = indptr[i];
    const b = indptr[i + 1];
    outIdx.set(indices.subarray(a, b), out);
    outVal.set(values.subarray(a, b), out);
    out += b - a;
    outIdx[out] = numFeatures;
    outVal[out] = 1;
    out++;
    outPtr[i + 1] = out;
  }
  return { X: new CsrMatrix(rows, cols, outPtr, outIdx, outVal), y, numFeatures };
}

/**
 * Reads a LIBSVM file synchronously (blocking; convenient for tests, scripts and the CLI).
 * @param path file path
 * @param options see {@link LibsvmOptions}
 * @returns `{ X, y, numFeatures }`
 * @throws TypeError/RangeError for bad arguments; Error naming `file:line` for malformed content; fs errors as is
 */
export function readLibsvmSync(path: string, options?: LibsvmOptions): LibsvmData {
  const opts = resolveOptions(path, options);
  const parser = new LibsvmParser(path, opts.numFeatures);
  forEachChunkSync(path, (chunk) => parser.push(chunk), opts.onProgress);
  return assemble(path, parser, opts);
}

/**
 * Reads a LIBSVM file, streaming it in 1 MiB chunks (the event loop stays responsive between chunks).
 * @param path file path
 * @param options see {@link LibsvmOptions}
 * @returns a promise of `{ X, y, numFeatures }`
 * @throws (rejects with) TypeError/RangeError for bad arguments; Error naming `file:line` for malformed
 *   content; fs errors as is
 */
export async function readLibsvm(path: string, options?: LibsvmOptions): Promise<LibsvmData> {
  const opts = resolveOptions(path, options);
  const parser = new LibsvmParser(path, opts.numFeatures);
  await forEachChunk(path, (chunk) => parser.push(chunk), opts.onProgress);
  return assemble(path, parser, opts);
}
