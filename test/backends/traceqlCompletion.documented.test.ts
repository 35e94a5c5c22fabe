// TraceQL completion against Grafana Tempo's documented HTTP API, replayed (no Tempo runs; see
// tempo.documented.test.ts): the real TempoClient through the real HTTP client, and the completion
// logic the `.traceql` provider uses.
import assert from 'node:assert/strict';
import type { TempoClient } from '../../src/core/backends/tempoClient';
import { cachedTagSource, completeTraceQL, traceqlCompletionContext } from '../../src/core/traceql/traceqlCompletion';
import { Backends } from '../unit/backends/backendContract';
import { startTempoReplay, type TempoReplay } from './harness/tempoReplay';

describe('TraceQL completion from Tempo\'s tag APIs (documented API, replayed)', function () {
  this.timeout(60_000);
  const backends = new Backends();
  let replay: TempoReplay;
  let client: TempoClient;

  before(async () => {
    replay = await startTempoReplay({ shiftTo: Date.now() });
    client = backends.make({ type: 'tempo', url: replay.url }) as TempoClient;
  });
  after(async () => {
    await backends.dispose();
    await replay?.close();
  });

  /** Labels and texts offered at the `|` of `query`. */
  async function complete(query: string) {
    const offset = query.indexOf('|');
    const text = query.slice(0, offset) + query.slice(offset + 1);
    const items = await completeTraceQL(traceqlCompletionContext(text, offset), client);
    return items.map((i) => `${i.label} => ${i.insertText}`);
  }

  it('offers scoped attribute names and intrinsics where a condition starts', async () => {
    const all = await complete('{ |');
    for (const expected of ['resource.service.name => resource.service.name', 'span.http.route => span.http.route', 'duration => duration', 'span:status => span:status', 'event.exception.type => event.exception.type']) {
      assert.ok(all.includes(expected), `${expected} in ${all.length} items`);
    }
    assert.deepEqual(await complete('{ span.code.f|'), ['code.file.path => code.file.path', 'code.filepath => code.filepath', 'code.function => code.function', 'code.function.name => code.function.name']);
    assert.deepEqual(await complete('{ resource.service.|'), ['service.name => service.name', 'service.version => service.version']);
  });

  it('offers values from the tag-values API: strings quoted, numbers bare, narrowed by the other conditions', async () => {
    assert.deepEqual(await complete('{ resource.service.name = |'), ['checkout => "checkout"', 'frontend => "frontend"']);
    assert.deepEqual(await complete('{ resource.service.name = "fr|'), ['frontend => frontend"']);
    assert.deepEqual(await complete('{ span.http.response.status_code = |'), ['200 => 200', '207 => 207', '402 => 402']);
    const from = replay.requests.length;
    const names = await complete('{ resource.service.name = "frontend" && name = |');
    assert.deepEqual(names.sort(), ['GET /checkout => "GET /checkout"', 'GET /healthz => "GET /healthz"', 'POST /api/checkout => "POST /api/checkout"', 'renderCart => "renderCart"']);
    assert.equal(replay.requests[from].query.q, '{ resource.service.name = "frontend" }', 'Tempo was asked for the values under the other condition');
    assert.deepEqual(await complete('{ status = |'), ['error => error', 'ok => ok', 'unset => unset']);
  });

  it('asks Tempo for the tag names once while the user types, through the cache', async () => {
    const source = cachedTagSource(client);
    const from = replay.requests.length;
    for (const prefix of ['{ s', '{ sp', '{ spa', '{ span']) await completeTraceQL(traceqlCompletionContext(prefix, prefix.length), source);
    assert.equal(replay.requests.slice(from).filter((r) => r.pathname === '/api/v2/search/tags').length, 1);
  });
});
