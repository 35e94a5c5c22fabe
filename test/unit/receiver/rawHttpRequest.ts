import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A bare HTTP/1.1 request to the receiver. Resolves on the response even when
 * the server cuts the upload short (after a 413), which is what a client sees.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body?: Buffer | Uint8Array | ((write: (chunk: Buffer) => boolean, end: () => void) => void),
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', (err) => !settled && reject(err));
    });
    req.on('error', (err) => {
      // EPIPE/ECONNRESET after the server answered early is expected; the response handler settles.
      const early = (err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (early) setTimeout(() => !settled && reject(err), 10_000).unref();
      else reject(err);
    });
    if (typeof body === 'function') body((c) => req.write(c), () => req.end());
    else req.end(body);
  });
}
