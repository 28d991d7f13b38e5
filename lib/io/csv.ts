/**
 * CSV / delimited-text reader for numeric data with one label (target) column (design.md §3 "Data").
 *
 * Format (RFC 4180, plus the usual relaxations):
 * - one record per line, cells separated by `delimiter` (default `,`); `\n` or `\r\n` line ends; a UTF-8
 *   byte-order mark is skipped; lines that are empty (or only blanks) are skipped;
 * - a cell may be quoted with `"`: inside quotes the delimiter and line breaks are data and `""` is one `"`;
 *   only blanks may follow the closing quote;
 * - every non-header cell must be a decimal number (`12`, `-1.5e-3`, `+.5`, surrounding blanks allowed);
 *   empty cells, `NaN`, `Infinity`, hex and other text are errors (no silent missing values);
 * - every record must have as many cells as the first one.
 * A problem raises an `Error` whose message starts with `file:line:` (the line where the record starts) and
 * names the column and what is wrong.
 *
 * The file is streamed in 1 MiB chunks into growable typed arrays, so the text is never held in memory whole.
 * X is always a {@link DenseMatrix} (CSV stores every cell).
 */
import { StringDecoder } from 'node:string_decoder';
import { DenseMatrix } from '../data';
import { forEachChunk, forEachChunkSync } from './chunks';
import { checkBoolean, checkFunction, checkOptions, describeType } from '../errors';

/** Options of {@link readCsv} and {@link readCsvSync}. */
export interface CsvOptions {
  /**
   * The label column: a 0-based column index (negative counts from the end: −1 is the last column), a header
   * name (needs a header row), or `null` for a file without labels (then `y` is undefined). Default 0.
   */
  label?: number | string | null;
  /**
   * Whether the first record is a header of column names. `'auto'` (default): it is when one of its cells is
   * neither empty nor a number.
   */
  header?: boolean | 'auto';
  /** Append a constant-1 column last (spec §3.1). Default false. */
  bias?: boolean;
  /** The cell separator, one character other than `"`, `\r` and `\n` (default `,`; `\t` for TSV). */
  delimiter?: string;
  /** Called after each chunk with the bytes read so far and the file size (bytes). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What {@link readCsv} returns. */
export interface CsvData {
  /** The feature columns (every column but the label), one row per record; with `bias`, the last column is all ones. */
  X: DenseMatrix;
  /** The label column, one value per row; undefined when `label: null`. */
  y: Float64Array | undefined;
  /** Number of feature columns, not counting the bias column (X.cols = numFeatures + (bias ? 1 : 0)). */
  numFeatures: number;
  /** Names of the feature columns from the header row (undefined without a header). */
  featureNames?: string[];
  /** Name of the label column from the header row (undefined without a header or without a label). */
  labelName?: string;
}

/** A labelled {@link CsvData}: `y` is always present. */
export interface LabelledCsvData extends CsvData {
  y: Float64Array;
}

const KNOWN_OPTIONS = ['label', 'header', 'bias', 'delimiter', 'onProgress'] as const;
/** A decimal number with optional sign, fraction and exponent, surrounded by optional blanks. */
const DECIMAL = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;

interface Resolved {
  label: number | string | null;
  header: boolean | 'auto';
  bias: boolean;
  delimiter: string;
  onProgress: ((bytesRead: number, totalBytes: number) => void) | undefined;
}

function resolveOptions(path: unknown, options: unknown): Resolved {
  if (typeof path !== 'string') throw new TypeError(`path: expected a file path string, got ${describeType(path)}`);
  const o = checkOptions<CsvOptions>('options', options, KNOWN_OPTIONS);
  let label: number | string | null = 0;
  if (o.label !== undefined) {
    if (o.label === null || typeof o.label === 'string') label = o.label;
    else if (typeof o.label === 'number' && Number.isInteger(o.label)) label = o.label;
    else throw new TypeError(`label: expected a column index (integer), a header name or null, got ${describeType(o.label)}`);
  }
  let header: boolean | 'auto' = 'auto';
  if (o.header !== undefined && o.header !== 'auto') header = checkBoolean('header', o.header);
  const delimiter = o.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new RangeError(`delimiter: expected one character other than '"', '\\r' and '\\n', got ${JSON.stringify(delimiter)}`);
  }
  if (typeof label === 'string' && header === false) {
    throw new RangeError(`label: a column name (${JSON.stringify(label)}) needs a header row, but header is false`);
  }
  return {
    label,
    header,
    bias: o.bias === undefined ? false : checkBoolean('bias', o.bias),
    delimiter,
    onProgress: o.onProgress === undefined ? undefined : (checkFunction('onProgress', o.onProgress) as Resolved['onProgress']),
  };
}

/**
 * Splits text into records of cells (the RFC 4180 state machine), chunk by chunk. `onRecord` receives the
 * cells and the line number where the record starts.
 */
class CsvTokenizer {
  private cells: string[] = [];
  private cell = '';
  private inQuotes = false;
  /** The current cell was quoted and its closing quote has been seen: only blanks may follow. */
  private afterQuote = false;
  private quoted = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The previous chunk ended with '"' inside quotes: it may be the first half of an escaped "". */
  private pendingQuote = false;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly onRecord: (cells: string[], line: number) => void,
  ) {}

  fail(line: number, problem: string): never {
    throw new Error(`${this.file}:${line}: ${problem}`);
  }

  push(text: string): void {
    let i = 0;
    if (this.first) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
    }
    const d = this.delimiter;
    const n = text.length;
    while (i < n) {
      if (this.inQuotes) {
        if (this.pendingQuote) {
          this.pendingQuote = false;
          if (text[i] === '"') {
            this.cell += '"';
            i++;
            continue;
          }
          this.inQuotes = false;
          this.afterQuote = true;
          continue;
        }
        const q = text.indexOf('"', i);
        if (q === -1) {
          this.cell += this.countLines(text.slice(i));
          return;
        }
        this.cell += this.countLines(text.slice(i, q));
        if (q + 1 === n) {
          this.pendingQuote = true;
          return;
        }
        if (text[q + 1] === '"') {
          this.cell += '"';
          i = q + 2;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      const c = text[i];
      if (c === d) {
        this.endCell();
        i++;
      } else if (c === '\n') {
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        i++;
      } else if (c === '\r') {
        i++; // part of \r\n, or a stray CR: never data outside quotes
      } else if (this.afterQuote) {
        if (c !== ' ' && c !== '\t') this.fail(this.line, `unexpected ${JSON.stringify(c)} after a closing quote (column ${this.cells.length + 1})`);
        i++;
      } else if (c === '"' && this.cell.trim() === '') {
        this.inQuotes = true;
        this.quoted = true;
        this.quoteLine = this.line;
        this.cell = '';
        i++;
      } else {
        // Copy a run of plain characters at once.
        let j = i + 1;
        while (j < n) {
          const cj = text[j];
          if (cj === d || cj === '\n' || cj === '\r' || cj === '"') break;
          j++;
        }
        this.cell += text.slice(i, j);
        i = j;
      }
    }
  }

  /** Flushes the last record (a file need not end with a newline). */
  finish(): void {
    if (this.pendingQuote) {
      this.pendingQuote = false;
      this.inQuotes = false;
      this.afterQuote = true;
    }
    if (this.inQuotes) this.fail(this.quoteLine, `unterminated quoted cell (column ${this.cells.length + 1}) runs to the end of the file`);
    this.endRecord();
  }

  private countLines(s: string): string {
    for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) this.line++;
    return s;
  }

  private endCell(): void {
    this.cells.push(this.cell);
    this.cell = '';
    this.quoted = false;
    this.afterQuote = false;
  }

  private endRecord(): void {
    const blank = this.cells.length === 0 && !this.quoted && this.cell.trim() === '';
    if (blank) {
      this.cell = '';
      return;
    }
    this.endCell();
    const cells = this.cells;
    this.cells = [];
    this.onRecord(cells, this.recordLine);
  }
}

/** Collects records into growable arrays: the label column into y, the rest row-major into X. */
class CsvBuilder {
  private data = new Float64Array(8192);
  private labels = new Float64Array(1024);
  private size = 0;
  rows = 0;
  /** Number of cells per record, fixed by the first record. */
  width = -1;
  labelColumn = -1;
  names: string[] | undefined;
  readonly tokenizer: CsvTokenizer;

  constructor(
    private readonly file: string,
    private readonly opts: Resolved,
  ) {
    this.tokenizer = new CsvTokenizer(file, opts.delimiter, (cells, line) => this.record(cells, line));
  }

  private fail(line: number, problem: string): never {
    throw new Error(`${this.file}:${line}: ${problem}`);
  }

  private columnName(j: number): string {
    const name = this.names?.[j];
    return name === undefined ? `column ${j + 1}` : `column ${j + 1} (${JSON.stringify(name)})`;
  }

  /** Fixes the width, the header and the label column from the first record. */
  private start(cells: string[], line: number): boolean {
    this.width = cells.length;
    const { header, label } = this.opts;
    const isHeader = header === true || (header === 'auto' && cells.some((c) => c.trim() !== '' && !DECIMAL.test(c)));
    if (isHeader) this.names = cells.map((c) => c.trim());
    if (label === null) {
      this.labelColumn = -1;
    } else if (typeof label === 'string') {
      if (!this.names) this.fail(line, `label column ${JSON.stringify(label)} needs a header row, but the first row is all numbers (pass header: true if it is a header)`);
      const matches = this.names.filter((n) => n === label).length;
      if (matches === 0) this.fail(line, `no column named ${JSON.stringify(label)} in the header; columns: ${this.names.map((n) => JSON.stringify(n)).join(', ')}`);
      if (matches > 1) this.fail(line, `the header names ${matches} columns ${JSON.stringify(label)}; pass the label's column index instead`);
      this.labelColumn = this.names.indexOf(label);
    } else {
      const j = label < 0 ? this.width + label : label;
      if (j < 0 || j >= this.width) this.fail(line, `label column index ${label} is outside the ${this.width} columns of the file`);
      this.labelColumn = j;
    }
    if (this.width - (this.labelColumn >= 0 ? 1 : 0) === 0 && !this.opts.bias) {
      this.fail(line, 'no feature columns besides the label (pass bias: true to fit an intercept only)');
    }
    return isHeader;
  }

  private record(cells: string[], line: number): void {
    if (this.width < 0 && this.start(cells, line)) return;
    if (cells.length !== this.width) {
      this.fail(line, `expected ${this.width} cells (as in the first row), got ${cells.length}`);
    }
    const features = this.width - (this.labelColumn >= 0 ? 1 : 0);
    if (this.size + features > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, this.size + features));
      grown.set(this.data);
      this.data = grown;
    }
    if (this.rows === this.labels.length) {
      const grown = new Float64Array(this.labels.length * 2);
      grown.set(this.labels);
      this.labels = grown;
    }
    for (let j = 0; j < this.width; j++) {
      const text = cells[j];
      const isLabel = j === this.labelColumn;
      if (!DECIMAL.test(text)) {
        const what = isLabel ? 'label' : 'value';
        if (text.trim() === '') this.fail(line, isLabel ? `missing label in ${this.columnName(j)}` : `empty cell in ${this.columnName(j)}`);
        const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
        this.fail(line, `${what} ${JSON.stringify(shown)} in ${this.columnName(j)} is not a number`);
      }
      const v = Number(text);
      if (!Number.isFinite(v)) this.fail(line, `${isLabel ? 'label' : 'value'} ${JSON.stringify(text.trim())} in ${this.columnName(j)} is not finite`);
      if (isLabel) this.labels[this.rows] = v;
      else this.data[this.size++] = v;
    }
    this.rows++;
  }

  assemble(): CsvData {
    this.tokenizer.finish();
    if (this.rows === 0) throw new Error(`${this.file}: no data rows`);
    const features = this.width - (this.labelColumn >= 0 ? 1 : 0);
    const bias = this.opts.bias ? 1 : 0;
    const cols = features + bias;
    let data: Float64Array;
    if (bias) {
      data = new Float64Array(this.rows * cols);
      for (let i = 0; i < this.rows; i++) {
        data.set(this.data.subarray(i * features, (i + 1) * features), i * cols);
        data[i * cols + features] = 1;
      }
    } else {
      data = this.data.slice(0, this.rows * cols);
    }
    const out: CsvData = {
      X: new DenseMatrix(data, this.rows, cols),
      y: this.labelColumn >= 0 ? this.labels.slice(0, this.rows) : undefined,
      numFeatures: features,
    };
    if (this.names) {
      out.featureNames = this.names.filter((_, j) => j !== this.labelColumn);
      if (this.labelColumn >= 0) out.labelName = this.names[this.labelColumn];
    }
    return out;
  }
}

/**
 * Reads a CSV file synchronously (blocking; convenient for tests, scripts and the CLI).
 * @param path file path
 * @param options see {@link CsvOptions}; `label` defaults to the first column
 * @returns `{ X, y, numFeatures }` (plus `featureNames`/`labelName` when the file has a header)
 * @throws TypeError/RangeError for bad options; Error naming `file:line` for malformed content; fs errors as is
 */
export function readCsvSync(path: string, options: CsvOptions & { label: null }): CsvData;
export function readCsvSync(path: string, options?: CsvOptions): LabelledCsvData;
export function readCsvSync(path: string, options?: CsvOptions): CsvData {
  const opts = resolveOptions(path, options);
  const builder = new CsvBuilder(path, opts);
  const decoder = new StringDecoder('utf8');
  forEachChunkSync(path, (chunk) => builder.tokenizer.push(decoder.write(chunk)), opts.onProgress);
  builder.tokenizer.push(decoder.end());
  return builder.assemble();
}

/**
 * Reads a CSV file, streaming it in 1 MiB chunks (the event loop stays responsive between chunks).
 * @param path file path
 * @param options see {@link CsvOptions}; `label` defaults to the first column
 * @returns a promise of `{ X, y, numFeatures }` (plus `featureNames`/`labelName` when the file has a header)
 * @throws (rejects with) TypeError/RangeError for bad options; Error naming `file:line` for malformed
 *   content; fs errors as is
 */
export function readCsv(path: string, options: CsvOptions & { label: null }): Promise<CsvData>;
export function readCsv(path: string, options?: CsvOptions): Promise<LabelledCsvData>;
export async function readCsv(path: string, options?: CsvOptions): Promise<CsvData> {
  const opts = resolveOptions(path, options);
  const builder = new CsvBuilder(path, opts);
  const decoder = new StringDecoder('utf8');
  await forEachChunk(path, (chunk) => builder.tokenizer.push(decoder.write(chunk)), opts.onProgress);
  builder.tokenizer.push(decoder.end());
  return builder.assemble();
}
