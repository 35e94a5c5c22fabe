/**
 * Reading the CLI's input files (trace files, source files, .gitignore files), which come from
 * checkouts and artifacts nobody vetted: a size cap per file, enforced while reading (a FIFO or a
 * file that grows reports no honest size up front), and the `--max-file-size` flag that moves it.
 */
import * as fs from 'node:fs';
import { formatByteSize, parseByteSize } from '../core/files/byteSize';
import { terminalText } from '../core/text/terminalText';
import { UsageError, type CliIo } from './cliIo';

/** A trace of ~60k spans in OTLP JSON; `inspect` takes more with `--max-file-size`. */
export const DEFAULT_MAX_TRACE_FILE_BYTES = 64 * 1024 * 1024;
/** Hand-written source is far below this; bigger files are generated or minified. */
export const DEFAULT_MAX_SOURCE_FILE_BYTES = 2 * 1024 * 1024;

export const MAX_FILE_SIZE_FLAG = '--max-file-size';

/** The value of `--max-file-size` (`16M`, `2MiB`, `500k`, bytes). */
export function parseMaxFileSize(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new UsageError(`${MAX_FILE_SIZE_FLAG} expects a size such as 16M, 2MiB or 500k, got "${value}"`);
  return bytes;
}

/** `size` is the file's declared size, or (`exact: false`) how far reading got before passing the cap. */
export type CappedRead = { ok: true; bytes: Buffer } | { ok: false; size: number; exact: boolean };

const CHUNK = 1024 * 1024;

/** Reads a whole file unless it holds more than `maxBytes`; file-system errors are thrown as they are. */
export function readFileCapped(file: string, maxBytes: number): CappedRead {
  const fd = fs.openSync(file, 'r');
  try {
    const declared = fs.fstatSync(fd).size;
    if (declared > maxBytes) return { ok: false, size: declared, exact: true };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the cap is enough to know it is too large.
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      chunks.push(n === buffer.length ? buffer : buffer.subarray(0, n));
      total += n;
      if (total > maxBytes) return { ok: false, size: total, exact: false };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The stderr line for a skipped file. */
export function reportTooLarge(io: CliIo, shownName: string, read: { size: number; exact: boolean }, maxBytes: number): void {
  const size = read.exact ? formatByteSize(read.size) : `more than ${formatByteSize(maxBytes)}`;
  io.stderr(terminalText`trace-lens: skipped ${shownName}: it is ${size}, above the limit of ${formatByteSize(maxBytes)} (raise it with ${MAX_FILE_SIZE_FLAG})\n`);
}
