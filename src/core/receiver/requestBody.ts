import type { IncomingMessage } from 'node:http';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import type { InputType, ZlibOptions } from 'node:zlib';
import { TraceLensError } from '../errors';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from './receiverErrors';

/**
 * Reads a request body into one buffer, refusing it as soon as it passes
 * `limitBytes` (checked against Content-Length first, then while streaming), and
 * decompresses it with the same cap on the output so a gzip bomb costs at most
 * `limitBytes` of memory.
 */
export async function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) {
    throw new UnsupportedMediaTypeError(`Unsupported Content-Encoding: ${encoding}`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(limitBytes);

  const raw = await readCapped(req, limitBytes);
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return decompress(gunzip, raw, limitBytes);
    case 'deflate':
      // HTTP "deflate" means zlib-wrapped, but some clients send raw deflate.
      try {
        return await decompress(inflate, raw, limitBytes);
      } catch (err) {
        if (err instanceof PayloadTooLargeError) throw err;
        return decompress(inflateRaw, raw, limitBytes);
      }
    case 'br':
      return decompress(brotliDecompress, raw, limitBytes);
    default:
      return raw;
  }
}

/** A compressed body that does not decompress: the request is malformed. */
export class CorruptBodyError extends TraceLensError {}

function readCapped(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        chunks.length = 0;
        finish(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (err: Error): void => finish(err);
    const onClose = (): void => {
      if (!req.complete) finish(new Error('Request aborted by the client'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

type ZlibFn = (buf: InputType, options: ZlibOptions, callback: (err: Error | null, result: Buffer) => void) => void;

function decompress(fn: ZlibFn, raw: Buffer, limitBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // maxOutputLength makes zlib stop at the cap instead of inflating a bomb fully.
    fn(raw, { maxOutputLength: limitBytes }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(new PayloadTooLargeError(limitBytes));
      } else reject(new CorruptBodyError(`Body does not decompress: ${err.message}`));
    });
  });
}
