// Smoke test of the backend harness: each real server starts on loopback,
// accepts the canonical test trace and returns it by id (raw HTTP).
// Run: npx mocha --require tsx/cjs --timeout 600000 test/backends/servers.smoke.test.ts
// TRACE_LENS_BACKENDS=jaeger limits the servers covered.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isBindConflict, requestedServers, startNamedServer, startPrometheus, type RunningServer } from './harness/servers';
import { sendTestTrace } from './harness/sendTestTrace';
import { traceByIdUrl, waitForTrace } from './harness/waitForTrace';

for (const name of requestedServers()) {
  describe(`backend harness: ${name}`, function () {
    // A cold build of a Go server takes many minutes on 2 cores.
    this.timeout(30 * 60_000);
    let server: RunningServer | undefined;

    before(async function () {
      server = await startNamedServer(name);
    });

    after(async function () {
      await server?.stop();
    });

    it('returns the sent trace by id', async function () {
      assert.ok(server);
      const sent = await sendTestTrace(server);
      const fetched = await waitForTrace(server, sent.traceId, { spanCount: sent.spans.length });
      assert.equal(fetched.status, 200);
      assert.equal(fetched.spanCount, sent.spans.length);
      // Every sent span id appears in the answer (hex in both APIs).
      for (const span of sent.spans) {
        assert.ok(fetched.body.includes(span.spanId), `${name}: span ${span.spanId} (${span.name}) missing`);
      }
    });

    it('answers a trace that does not exist with 404', async function () {
      assert.ok(server);
      const res = await fetch(traceByIdUrl(server, '0123456789abcdef0123456789abcdef'));
      await res.arrayBuffer();
      assert.equal(res.status, 404);
    });

    it('stops and frees its port', async function () {
      assert.ok(server);
      const url = server.queryUrl;
      await server.stop();
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2_000) }));
      server = undefined;
    });
  });
}

describe('backend harness: a port taken before the server binds it', function () {
  this.timeout(120_000);

  it("is told apart from other failures by the server's own words (Prometheus), so the start is tried again on fresh ports", async () => {
    // Whatever connects (the harness asking whether the server is ready) is closed at once.
    const holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    assert.ok(address && typeof address === 'object');
    try {
      const failure = await startPrometheus({ scrapeTargets: ['127.0.0.1:9'], port: address.port }).then(
        (p) => p.stop().then(() => undefined),
        (err: unknown) => err,
      );
      assert.ok(failure instanceof Error, 'Prometheus cannot start on a port in use');
      assert.ok(isBindConflict(failure), failure.message);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    assert.equal(isBindConflict(new Error('prometheus failed to start: not ready after 60000 ms')), false);
  });
});
