/**
 * Chunked file reading shared by the readers (readLibsvm, readCsv): the text is never held whole in memory.
 */
import * as fs from 'node:fs';

/** Bytes per read, for the synchronous loop and as the async streams' highWaterMark. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Reads `path` synchronously in CHUNK_BYTES pieces. `onChunk` gets a view of one reused buffer, valid only
 * during the call (consume or copy it there); `onProgress(bytesRead, totalBytes)` follows each chunk.
 */
export function forEachChunkSync(
  path: string, onChunk: (chunk: Buffer) => void, onProgress?: (bytesRead: number, totalBytes: number) => void,
): void {
  const fd = fs.openSync(path, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let read = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      read += n;
      onChunk(n === CHUNK_BYTES ? buf : buf.subarray(0, n));
      onProgress?.(read, total);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Streams `path` in CHUNK_BYTES pieces (the event loop runs between chunks); `onChunk` and `onProgress` as
 * in {@link forEachChunkSync}. The stream is always destroyed, also when a callback throws.
 */
export async function forEachChunk(
  path: string, onChunk: (chunk: Buffer) => void, onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<void> {
  const total = (await fs.promises.stat(path)).size;
  const stream = fs.createReadStream(path, { highWaterMark: CHUNK_BYTES });
  let read = 0;
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      read += b.length;
      onChunk(b);
      onProgress?.(read, total);
    }
  } finally {
    stream.destroy();
  }
}
