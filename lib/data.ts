/**
 * Data matrices for the built-in objectives (design.md §3 "Data").
 *
 * Both classes are zero-copy views over caller-owned typed arrays: the arrays are validated once, in the
 * constructor, and then held by reference. They must not be modified while an objective (or an async run)
 * uses the matrix (design.md §4 "Buffers"); mutating them afterwards bypasses validation.
 */
import { checkFinite, checkFloat64Array, checkInt32Array, checkInteger, describeType } from './errors';

/**
 * Marks instances of the two classes. A registered symbol (not `instanceof`) so that matrices built by another
 * copy of this module (two installed versions, or a test runner's fresh module graph) are still recognized;
 * they were validated by that copy's constructor.
 */
const BRAND: unique symbol = Symbol.for('stepsearch.DataMatrix');

/** Largest row/column count: indices are stored as Int32 (CSR) and cols+1 must still fit after `withBias`. */
const MAX_DIM = 0x7ffffffe;

/**
 * A dense row-major matrix: element (i, j) is `data[i * cols + j]`.
 *
 * Zero-copy: `data` is held by reference (any `byteOffset` of a larger buffer is respected, as typed-array
 * views do). Validated: `data` is a Float64Array of length `rows * cols`, `rows` and `cols` are integers ≥ 1,
 * and every element is finite.
 */
export class DenseMatrix {
  /** Discriminant of {@link DataMatrix}. */
  readonly kind = 'dense' as const;
  /** @internal brand checked by {@link isDataMatrix} */
  readonly [BRAND] = true;
  /** Row-major values, length rows·cols. */
  readonly data: Float64Array;
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features). */
  readonly cols: number;

  /**
   * @param data row-major values, length rows·cols, all finite (held by reference)
   * @param rows number of rows, integer ≥ 1
   * @param cols number of columns, integer ≥ 1
   * @throws TypeError / RangeError naming the offending argument
   */
  constructor(data: Float64Array, rows: number, cols: number) {
    checkFloat64Array('data', data);
    checkInteger('rows', rows, 1, MAX_DIM);
    checkInteger('cols', cols, 1, MAX_DIM);
    if (data.length !== rows * cols) {
      throw new RangeError(`data: expected length rows*cols = ${rows}*${cols} = ${rows * cols}, got length ${data.length}`);
    }
    checkFinite('data', data);
    this.data = data;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * Builds a matrix from an array of equal-length rows (copies; convenient for small examples and tests).
   * @throws TypeError / RangeError naming `rows` when the rows are ragged, empty or contain non-numbers.
   */
  static fromRows(rows: readonly (readonly number[])[]): DenseMatrix {
    if (!Array.isArray(rows)) throw new TypeError(`rows: expected an array of rows, got ${describeType(rows)}`);
    if (rows.length === 0) throw new RangeError('rows: expected at least one row');
    const first: unknown = rows[0];
    if (!Array.isArray(first)) throw new TypeError(`rows: element 0 is ${describeType(first)}; expected an array of numbers`);
    const cols = first.length;
    const data = new Float64Array(rows.length * cols);
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = rows[i];
      if (!Array.isArray(row)) throw new TypeError(`rows: element ${i} is ${describeType(row)}; expected an array of numbers`);
      if (row.length !== cols) throw new RangeError(`rows: row ${i} has length ${row.length}, row 0 has length ${cols}`);
      for (let j = 0; j < cols; j++) {
        const v: unknown = row[j];
        if (typeof v !== 'number') throw new TypeError(`rows: row ${i}, column ${j} is ${describeType(v)}; expected a number`);
        data[i * cols + j] = v;
      }
    }
    return new DenseMatrix(data, rows.length, cols);
  }
}

/**
 * A compressed-sparse-row matrix: row i holds the entries `k` in `[indptr[i], indptr[i+1])`, at column
 * `indices[k]` with value `values[k]`.
 *
 * Zero-copy: the three arrays are held by reference. Validated:
 * - `rows`, `cols` integers ≥ 1; `indptr` an Int32Array of length rows+1 with `indptr[0] = 0`, non-decreasing,
 *   and `indptr[rows] = nnz = indices.length = values.length`;
 * - every column index in [0, cols), and **strictly increasing within each row** (no unsorted or duplicate
 *   indices: kernels rely on it, and a duplicate would otherwise be silently double counted or overwritten,
 *   depending on the code path). Use {@link CsrMatrix.fromUnsorted} to sort rows and sum duplicates;
 * - every value finite. Explicit zeros are allowed.
 */
export class CsrMatrix {
  /** Discriminant of {@link DataMatrix}. */
  readonly kind = 'csr' as const;
  /** @internal brand checked by {@link isDataMatrix} */
  readonly [BRAND] = true;
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features). */
  readonly cols: number;
  /** Row pointers, length rows+1. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry (0-based), length nnz. */
  readonly indices: Int32Array;
  /** Value of each stored entry, length nnz. */
  readonly values: Float64Array;

  /**
   * @param rows number of rows, integer ≥ 1
   * @param cols number of columns, integer ≥ 1
   * @param indptr row pointers (Int32Array, length rows+1)
   * @param indices column indices (Int32Array, length nnz), strictly increasing within each row
   * @param values entry values (Float64Array, length nnz), finite
   * @throws TypeError / RangeError naming the offending argument (and row, for index errors)
   */
  constructor(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: Float64Array) {
    checkInteger('rows', rows, 1, MAX_DIM);
    checkInteger('cols', cols, 1, MAX_DIM);
    checkInt32Array('indptr', indptr, rows + 1);
    checkInt32Array('indices', indices);
    checkFloat64Array('values', values);
    const nnz = indices.length;
    if (values.length !== nnz) {
      throw new RangeError(`values: expected the same length as indices (${nnz}), got length ${values.length}`);
    }
    if (indptr[0] !== 0) throw new RangeError(`indptr: indptr[0] must be 0, got ${indptr[0]}`);
    if (indptr[rows] !== nnz) {
      throw new RangeError(`indptr: indptr[rows] = indptr[${rows}] must equal nnz = indices.length = ${nnz}, got ${indptr[rows]}`);
    }
    for (let i = 0; i < rows; i++) {
      const start = indptr[i];
      const end = indptr[i + 1];
      if (end < start) throw new RangeError(`indptr: must be non-decreasing, but indptr[${i + 1}] = ${end} < indptr[${i}] = ${start}`);
      if (end > nnz) throw new RangeError(`indptr: indptr[${i + 1}] = ${end} exceeds nnz = ${nnz}`);
      let prev = -1;
      for (let k = start; k < end; k++) {
        const j = indices[k];
        if (j < 0 || j >= cols) {
          throw new RangeError(`indices: row ${i} has column index ${j} (at position ${k}), outside [0, ${cols})`);
        }
        if (j <= prev) {
          const what = j === prev ? 'a duplicate' : 'an unsorted';
          throw new RangeError(
            `indices: row ${i} has ${what} column index ${j} after ${prev} (at position ${k}); column indices must be ` +
              'strictly increasing within a row (use CsrMatrix.fromUnsorted to sort and sum duplicates)',
          );
        }
        prev = j;
      }
    }
    checkFinite('values', values);
    this.rows = rows;
    this.cols = cols;
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.indices.length;
  }

  /**
   * Builds a valid CSR matrix from rows whose column indices may be unsorted or repeated: each row is sorted
   * by column and duplicates are summed (the usual COO → CSR convention, as in scipy's `sum_duplicates`).
   * Always copies into new arrays; the inputs are not modified. Other checks are those of the constructor.
   */
  static fromUnsorted(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: Float64Array): CsrMatrix {
    checkInteger('rows', rows, 1, MAX_DIM);
    checkInteger('cols', cols, 1, MAX_DIM);
    checkInt32Array('indptr', indptr, rows + 1);
    checkInt32Array('indices', indices);
    checkFloat64Array('values', values, indices.length);
    const nnz = indices.length;
    if (indptr[0] !== 0 || indptr[rows] !== nnz) {
      throw new RangeError(`indptr: expected indptr[0] = 0 and indptr[${rows}] = nnz = ${nnz}, got ${indptr[0]} and ${indptr[rows]}`);
    }
    const outPtr = new Int32Array(rows + 1);
    const outIdx = new Int32Array(nnz);
    const outVal = new Float64Array(nnz);
    let out = 0;
    const order: number[] = [];
    for (let i = 0; i < rows; i++) {
      const start = indptr[i];
      const end = indptr[i + 1];
      if (end < start || end > nnz) throw new RangeError(`indptr: must be non-decreasing and ≤ nnz, but indptr[${i + 1}] = ${end}, indptr[${i}] = ${start}`);
      order.length = 0;
      for (let k = start; k < end; k++) {
        const j = indices[k];
        if (j < 0 || j >= cols) throw new RangeError(`indices: row ${i} has column index ${j} (at position ${k}), outside [0, ${cols})`);
        order.push(k);
      }
      // Stable sort by column, so duplicates are summed in their input order (deterministic rounding).
      order.sort((a, b) => indices[a] - indices[b] || a - b);
      let last = -1;
      for (const k of order) {
        const j = indices[k];
        if (j === last) {
          outVal[out - 1] += values[k];
        } else {
          outIdx[out] = j;
          outVal[out] = values[k];
          out++;
          last = j;
        }
      }
      outPtr[i + 1] = out;
    }
    return new CsrMatrix(rows, cols, outPtr, outIdx.slice(0, out), outVal.slice(0, out));
  }
}

/** A data matrix accepted by the built-in objectives. */
export type DataMatrix = DenseMatrix | CsrMatrix;

/**
 * True when `v` is a {@link DenseMatrix} or a {@link CsrMatrix} (built by their validating constructors, in this
 * or another copy of the module). Plain objects of the same shape are not accepted: they were never validated.
 */
export function isDataMatrix(v: unknown): v is DataMatrix {
  if (v instanceof DenseMatrix || v instanceof CsrMatrix) return true;
  if (typeof v !== 'object' || v === null || (v as { [BRAND]?: unknown })[BRAND] !== true) return false;
  const kind = (v as { kind?: unknown }).kind;
  return kind === 'dense' || kind === 'csr';
}

/**
 * Checks that `v` is a {@link DenseMatrix} or {@link CsrMatrix} (already validated by its constructor).
 * @throws TypeError naming `name` otherwise.
 */
export function checkDataMatrix(name: string, v: unknown): DataMatrix {
  if (!isDataMatrix(v)) throw new TypeError(`${name}: expected a DenseMatrix or a CsrMatrix, got ${describeType(v)}`);
  return v;
}

/**
 * Returns a new matrix equal to `X` with a constant-1 column appended last (the bias/intercept column of
 * spec §3.1), of the same kind. `X` is not modified; the result owns fresh arrays.
 */
export function withBias(X: DataMatrix): DataMatrix {
  checkDataMatrix('X', X);
  const { rows, cols } = X;
  if (X.kind === 'dense') {
    const src = X.data;
    const c1 = cols + 1;
    const data = new Float64Array(rows * c1);
    for (let i = 0; i < rows; i++) {
      data.set(src.subarray(i * cols, (i + 1) * cols), i * c1);
      data[i * c1 + cols] = 1;
    }
    return new DenseMatrix(data, rows, c1);
  }
  const nnz = X.nnz + rows;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let out = 0;
  for (let i = 0; i < rows; i++) {
    const start = X.indptr[i];
    const end = X.indptr[i + 1];
    indices.set(X.indices.subarray(start, end), out);
    values.set(X.values.subarray(start, end), out);
    out += end - start;
    indices[out] = cols;
    values[out] = 1;
    out++;
    indptr[i + 1] = out;
  }
  return new CsrMatrix(rows, cols + 1, indptr, indices, values);
}
