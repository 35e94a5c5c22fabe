// The gRPC transport of Jaeger traces by id, against local grpc-js servers: what the client does
// with TLS, cancellation, deadlines and oversized answers. What Jaeger itself answers is proven
// against the real server in test/backends/jaeger.contract.test.ts.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { GET_TRACE_PATH, JaegerGrpcTraces } from '../../../src/core/backends/jaegerGrpc';
import { BackendTimeoutError, CancelledError, ResponseTooLargeError, TlsError } from '../../../src/core/errors';
import { selfSignedCertificate, type SelfSignedCertificate } from './selfSignedCertificate';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const same = (b: Buffer): Buffer => b;

type Handler = (call: grpc.ServerWritableStream<Buffer, Buffer>) => void;

/** A gRPC server with GetTrace answered by `handler`; TLS when a key and certificate are given. */
async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<{ url: string; calls: () => number; close: () => void }> {
  const server = new grpc.Server();
  let calls = 0;
  server.register(GET_TRACE_PATH, (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    calls++;
    handler(call);
  }, same, same, 'serverStream');
  const credentials = tls ? grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls.key), cert_chain: Buffer.from(tls.cert) }]) : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, calls: () => calls, close: () => server.forceShutdown() };
}

function client(url: string, options: Partial<ConstructorParameters<typeof JaegerGrpcTraces>[0]> = {}): JaegerGrpcTraces {
  return new JaegerGrpcTraces({ url, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024, ...options });
}

describe("Jaeger's gRPC transport", () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    while (closers.length > 0) closers.pop()?.();
  });
  const started = async (handler: Handler, tls?: { key: string; cert: string }) => {
    const s = await startServer(handler, tls);
    closers.push(s.close);
    return s;
  };
  const made = (url: string, options?: Partial<ConstructorParameters<typeof JaegerGrpcTraces>[0]>) => {
    const c = client(url, options);
    closers.push(() => c.close());
    return c;
  };

  it('stops reading an answer past maxResponseBytes', async () => {
    const s = await started((call) => {
      call.write(Buffer.alloc(2 * 1024 * 1024, 1));
      call.end();
    });
    await assert.rejects(made(s.url).fetch(TRACE_ID), (e: unknown) => e instanceof ResponseTooLargeError && e.userMessage.includes('maxResponseMB'));
  });

  it('cancels a call that has not answered when its signal aborts', async () => {
    let cancelled = false;
    const s = await started((call) => call.on('cancelled', () => { cancelled = true; }));
    const abort = new AbortController();
    const fetching = made(s.url).fetch(TRACE_ID, { signal: abort.signal });
    const until = Date.now() + 10_000;
    while (s.calls() === 0 && Date.now() < until) await new Promise((r) => setImmediate(r));
    abort.abort();
    await assert.rejects(fetching, CancelledError);
    while (!cancelled && Date.now() < until) await new Promise((r) => setImmediate(r));
    assert.ok(cancelled, 'the server saw the call cancelled');
  });

  it('gives up at the deadline of traceLens.backend.timeoutMs with a timeout, not "unreachable"', async () => {
    const s = await started(() => undefined);
    await assert.rejects(made(s.url, { timeoutMs: 1_000 }).fetch(TRACE_ID), (e: unknown) => e instanceof BackendTimeoutError && e.timeoutMs === 1_000);
  });

  describe('TLS with a self-signed certificate', () => {
    let tls: SelfSignedCertificate;
    before(() => {
      tls = selfSignedCertificate();
    });

    it('fails with TlsError naming the CA setting when the certificate is not trusted', async () => {
      const s = await started((call) => call.end(), tls);
      await assert.rejects(made(s.url).fetch(TRACE_ID), (e: unknown) => e instanceof TlsError && /caCertificate/.test(e.userMessage));
    });

    it('reads the answer when that certificate is given as the CA', async () => {
      const answer = Buffer.from([0x0a, 0x00]);
      const s = await started((call) => {
        call.write(answer);
        call.end();
      }, tls);
      const { body } = await made(s.url, { extraCertificates: [tls.cert] }).fetch(TRACE_ID);
      assert.deepEqual(Buffer.from(body), answer);
    });
  });
});
