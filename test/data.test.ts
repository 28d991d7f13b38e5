import { describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix, withBias, checkDataMatrix } from '../lib/data';

describe('DenseMatrix', () => {
  it('is a zero-copy row-major view that respects byteOffset', () => {
    const buffer = new Float64Array([99, 1, 2, 3, 4, 5, 6, 99]);
    const view = buffer.subarray(1, 7); // byteOffset 8
    const X = new DenseMatrix(view, 2, 3);
    expect(X.kind).toBe('dense');
    expect(X.data).toBe(view);
    expect(X.data.byteOffset).toBe(8);
    expect(X.data[1 * 3 + 2]).toBe(6); // element (1, 2)
    buffer[4] = 40; // shared memory: visible through X
    expect(X.data[3]).toBe(40);
  });

  it('validates type, shape and finiteness, naming the argument', () => {
    expect(() => new DenseMatrix([1, 2] as unknown as Float64Array, 1, 2)).toThrow(TypeError);
    expect(() => new DenseMatrix([1, 2] as unknown as Float64Array, 1, 2)).toThrow(/^data: expected a Float64Array/);
    expect(() => new DenseMatrix(new Float64Array(6), 2, 2)).toThrow(RangeError);
    expect(() => new DenseMatrix(new Float64Array(6), 2, 2)).toThrow(/^data: expected length rows\*cols = 2\*2 = 4, got length 6/);
    expect(() => new DenseMatrix(new Float64Array(0), 0, 3)).toThrow(/^rows: /);
    expect(() => new DenseMatrix(new Float64Array(6), 2.5, 3)).toThrow(/^rows: expected an integer/);
    expect(() => new DenseMatrix(new Float64Array(6), 2, '3' as unknown as number)).toThrow(TypeError);
    expect(() => new DenseMatrix(new Float64Array([1, NaN]), 1, 2)).toThrow(/^data: element 1 is NaN/);
    expect(() => new DenseMatrix(new Float64Array([-Infinity, 0]), 1, 2)).toThrow(/^data: element 0 is -Infinity/);
  });

  it('fromRows copies rows and rejects ragged input', () => {
    const X = DenseMatrix.fromRows([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(X.data)).toEqual([1, 2, 3, 4]);
    expect(() => DenseMatrix.fromRows([[1, 2], [3]])).toThrow(/^rows: row 1 has length 1/);
    expect(() => DenseMatrix.fromRows([])).toThrow(RangeError);
  });
});

describe('CsrMatrix', () => {
  const make = () =>
    new CsrMatrix(3, 4, new Int32Array([0, 2, 2, 5]), new Int32Array([0, 3, 1, 2, 3]), new Float64Array([1, 2, 3, 4, 5]));

  it('holds its arrays by reference', () => {
    const indptr = new Int32Array([0, 1]);
    const indices = new Int32Array([2]);
    const values = new Float64Array([7]);
    const X = new CsrMatrix(1, 3, indptr, indices, values);
    expect(X.kind).toBe('csr');
    expect(X.indptr).toBe(indptr);
    expect(X.indices).toBe(indices);
    expect(X.values).toBe(values);
    expect(X.nnz).toBe(1);
    expect(make().nnz).toBe(5); // an empty row (row 1) is fine
  });

  it('validates lengths and indptr', () => {
    const v = new Float64Array([1, 2]);
    const idx = new Int32Array([0, 1]);
    expect(() => new CsrMatrix(2, 2, new Int32Array([0, 1]), idx, v)).toThrow(/^indptr: expected an Int32Array of length 3/);
    expect(() => new CsrMatrix(2, 2, new Int32Array([1, 1, 2]), idx, v)).toThrow(/^indptr: indptr\[0\] must be 0/);
    expect(() => new CsrMatrix(2, 2, new Int32Array([0, 1, 3]), idx, v)).toThrow(/^indptr: indptr\[rows\]/);
    expect(() => new CsrMatrix(2, 2, new Int32Array([0, 2, 1]), idx, new Float64Array([1]).subarray(0, 1))).toThrow(/^values: /);
    expect(() => new CsrMatrix(3, 2, new Int32Array([0, 2, 1, 2]), idx, v)).toThrow(/^indptr: must be non-decreasing/);
    expect(() => new CsrMatrix(2, 2, new Int32Array([0, 1, 2]), new Float64Array([0, 1]) as unknown as Int32Array, v)).toThrow(TypeError);
    expect(() => new CsrMatrix(2, 2, new Int32Array([0, 1, 2]), idx, new Float32Array(2) as unknown as Float64Array)).toThrow(
      /^values: expected a Float64Array/,
    );
  });

  it('rejects out-of-range, unsorted and duplicate column indices, naming the row', () => {
    const ptr = new Int32Array([0, 1, 3]);
    const v = new Float64Array([1, 2, 3]);
    expect(() => new CsrMatrix(2, 3, ptr, new Int32Array([0, 1, 3]), v)).toThrow(/^indices: row 1 has column index 3 .*outside \[0, 3\)/);
    expect(() => new CsrMatrix(2, 3, ptr, new Int32Array([-1, 1, 2]), v)).toThrow(/^indices: row 0 has column index -1/);
    expect(() => new CsrMatrix(2, 3, ptr, new Int32Array([0, 2, 1]), v)).toThrow(/^indices: row 1 has an unsorted column index 1 after 2/);
    expect(() => new CsrMatrix(2, 3, ptr, new Int32Array([0, 2, 2]), v)).toThrow(/^indices: row 1 has a duplicate column index 2/);
    expect(() => new CsrMatrix(2, 3, ptr, new Int32Array([0, 2, 1]), v)).toThrow(RangeError);
  });

  it('rejects non-finite values', () => {
    expect(() => new CsrMatrix(1, 2, new Int32Array([0, 2]), new Int32Array([0, 1]), new Float64Array([1, Infinity]))).toThrow(
      /^values: element 1 is Infinity/,
    );
  });

  it('fromUnsorted sorts each row and sums duplicates into new arrays', () => {
    const indptr = new Int32Array([0, 4, 4, 6]);
    const indices = new Int32Array([3, 1, 3, 0, 2, 2]);
    const values = new Float64Array([1, 2, 10, 4, 0.5, 0.25]);
    const X = CsrMatrix.fromUnsorted(3, 4, indptr, indices, values);
    expect(Array.from(X.indptr)).toEqual([0, 3, 3, 4]);
    expect(Array.from(X.indices)).toEqual([0, 1, 3, 2]);
    expect(Array.from(X.values)).toEqual([4, 2, 11, 0.75]);
    // Inputs untouched.
    expect(Array.from(indices)).toEqual([3, 1, 3, 0, 2, 2]);
    expect(X.indices).not.toBe(indices);
    expect(() => CsrMatrix.fromUnsorted(1, 2, new Int32Array([0, 1]), new Int32Array([2]), new Float64Array([1]))).toThrow(
      /^indices: row 0 has column index 2/,
    );
  });
});

describe('withBias', () => {
  it('appends a constant-1 column last to a dense matrix (new arrays)', () => {
    const X = new DenseMatrix(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3);
    const B = withBias(X) as DenseMatrix;
    expect(B.kind).toBe('dense');
    expect(B.cols).toBe(4);
    expect(Array.from(B.data)).toEqual([1, 2, 3, 1, 4, 5, 6, 1]);
    expect(Array.from(X.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('appends a constant-1 column last to a CSR matrix, including empty rows', () => {
    const X = new CsrMatrix(3, 2, new Int32Array([0, 1, 1, 3]), new Int32Array([1, 0, 1]), new Float64Array([5, 6, 7]));
    const B = withBias(X) as CsrMatrix;
    expect(B.kind).toBe('csr');
    expect(B.cols).toBe(3);
    expect(Array.from(B.indptr)).toEqual([0, 2, 3, 6]);
    expect(Array.from(B.indices)).toEqual([1, 2, 2, 0, 1, 2]);
    expect(Array.from(B.values)).toEqual([5, 1, 1, 6, 7, 1]);
  });

  it('rejects anything but a data matrix', () => {
    expect(() => withBias({ kind: 'dense' } as unknown as DenseMatrix)).toThrow(/^X: expected a DenseMatrix or a CsrMatrix/);
    expect(() => checkDataMatrix('X', null)).toThrow(TypeError);
  });
});
