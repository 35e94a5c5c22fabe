import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type Transferable } from 'node:worker_threads';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import { toJaegerJson } from '../../../bench/waterfallJaegerJson';
import { generateSdkSpans, toOtlpProtobuf } from '../../../bench/receiverLoadSpans';
import { decodeOtlpProtobuf } from '../../../src/core/receiver/otlpProtobufDecoder';
import type { HostMessage } from '../../../src/core/protocol/waterfallProtocol';
import { BODY_BATCH_BYTES, WaterfallWorkerClient } from '../../../src/webviews/waterfall/workerClient';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { buildSpanDetail } from '../../../src/core/waterfall/spanDetail';
import { traceFromResponse } from '../../../src/core/backends/traceResponse';
import { PREVIEW_PREFIX_BYTES } from '../../../src/core/traceFiles/documentPreview';
import type { WorkerCommand } from '../../../src/webviews/waterfall/workerProtocol';

// The worker's TypeScript entry, loaded through tsx (the extension runs dist/waterfallWorker.js).
const entry = path.resolve(__dirname, '../../../src/webviews/waterfall/layoutWorker.ts');
const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(entry)});`;
const fixtures = path.resolve(__dirname, '../../fixtures/backends');

function client() {
  const posts: HostMessage[] = [];
  const commands: WorkerCommand[] = [];
  const crashes: string[] = [];
  const c = new WaterfallWorkerClient(bootstrap, { post: (m) => posts.push(m), command: (m) => commands.push(m), crashed: (m) => crashes.push(m) }, { eval: true });
  return { c, posts, commands, crashes };
}

/** CPU time (user + system) of the process's main thread, from Linux's per-thread accounting. */
function mainThreadCpuMs(): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('waterfall worker', function () {
  this.timeout(120_000);

  it('parses and lays out in the worker while the host thread stays free, then answers the webview', async () => {
    const bytes = new TextEncoder().encode(toOtlpJson(syntheticTrace({ spans: 30_000, bigSubtree: 0 })));
    const { c, posts, commands, crashes } = client();
    try {
      // The CPU time of this (the host's) thread while the worker parsed: a parse here would cost
      // hundreds of ms. Wall-clock gaps, and even event-loop busy time, also count the time a busy
      // machine leaves the thread waiting for a core, which says nothing about where the work runs.
      const before = mainThreadCpuMs();
      const started = performance.now();
      const loaded = await c.loadDocument(bytes, 'big.json');
      const cpu = mainThreadCpuMs() - before;
      assert.ok(loaded.type === 'loaded');
      assert.equal(loaded.summary.spanCount, 30_000);
      assert.equal(bytes.byteLength, 0, 'the bytes were transferred, not copied');
      assert.ok(cpu < 150, `the host thread used ${cpu} ms of CPU during the ${(performance.now() - started).toFixed(0)} ms load`);

      c.fromWebview({ type: 'ready' });
      await until(() => commands.some((m) => m.type === 'ready'));
      // Before the parse, the spans in the first bytes were posted as rows, saying they are a preview.
      const preview = posts.find((m) => m.type === 'trace');
      assert.ok(preview?.type === 'trace' && preview.columns.rowCount > 0 && preview.columns.rowCount < 30_000, 'a preview of part of the trace');
      assert.match(preview.notice ?? '', /^Still loading: showing the first [\d,]+ spans of the file/);
      c.requestTrace();
      await until(() => posts.filter((m) => m.type === 'trace').length >= 2);
      const trace = posts.filter((m) => m.type === 'trace').at(-1);
      assert.ok(trace?.type === 'trace' && trace.columns.startNs instanceof Float64Array && trace.columns.rowCount === 30_000);
      assert.equal(trace.notice, undefined, 'the whole trace is not called a preview');

      c.fromWebview({ type: 'detail', requestId: 1, row: 5 });
      c.fromWebview({ type: 'detail', requestId: 'x', row: 5 });
      c.fromWebview({ type: 'openSource', location: { file: 'src/a.ts', line: 2 } });
      await until(() => posts.some((m) => m.type === 'detail') && commands.some((m) => m.type === 'openSource'));
      const detail = posts.find((m) => m.type === 'detail');
      assert.ok(detail?.type === 'detail' && detail.requestId === 1 && detail.detail?.attributes.span.length === 10);
      assert.equal(posts.filter((m) => m.type === 'detail').length, 1, 'the malformed request got no answer');
      assert.deepEqual(crashes, []);
    } finally {
      await c.dispose();
    }
  });

  it('rejects with the parse error for a document it cannot read', async () => {
    const { c } = client();
    try {
      await assert.rejects(c.loadDocument(new TextEncoder().encode('{"hello": 1}'), 'odd.json'), (err: Error) => err.name === 'UnknownTraceFileFormatError' && /odd\.json/.test(err.message));
    } finally {
      await c.dispose();
    }
  });

  it('interprets a recorded Jaeger answer in the worker as the client would, and says when the trace is not in it', async () => {
    const body = readFileSync(path.join(fixtures, 'jaeger-2.12.0/v1-trace.json'));
    const response = { traceId: '321cb718f8d3c1298fcb248a07d65ce1', format: 'jaeger-v1' as const, body: new Uint8Array(body), source: "Jaeger's answer", url: 'http://127.0.0.1:16686/api/traces/321cb718f8d3c1298fcb248a07d65ce1' };
    const inProcess = traceFromResponse({ ...response, body: new Uint8Array(body) });
    const { c } = client();
    try {
      const loaded = await c.loadResponse(response, { selectSpanId: inProcess.spans[1].spanId });
      assert.equal(loaded.summary.traceId, response.traceId);
      assert.equal(loaded.summary.spanCount, inProcess.spans.length);
      assert.ok(loaded.workerHeapBytes > 0);
    } finally {
      await c.dispose();
    }
    const other = client();
    try {
      await assert.rejects(other.c.loadResponse({ ...response, traceId: '0af7651916cd43dd8448eb211c80319c', body: new Uint8Array(body) }),
        (err: Error & { userMessage?: string }) => err.name === 'TraceNotFoundError' && /0af7651916cd43dd8448eb211c80319c was not found/.test(err.userMessage ?? ''));
    } finally {
      await other.c.dispose();
    }
  });

  it('follows a streamed OTLP JSON answer as it arrives and lays out what the converters give for it whole', async () => {
    const trace = syntheticTrace({ spans: 3_000, bigSubtree: 500, seed: 4 });
    // Jaeger's v3 answer, big enough to cross in several batches.
    const body = new TextEncoder().encode(`{"result":${toOtlpJson(trace)}}`);
    assert.ok(body.byteLength > 2 * 1024 * 1024);
    const response = { traceId: trace.traceId, format: 'otlp' as const, body: new Uint8Array(0), streamed: true, source: "Jaeger's answer", url: 'http://127.0.0.1:16686/api/v3/traces/x' };
    const expected = traceFromResponse({ ...response, streamed: false, body });
    const { c, posts } = client();
    try {
      // An earlier stream cut short inside a string: the next one starts afresh.
      c.beginResponse()(body.subarray(0, 1_100_000 + 7));
      const sink = c.beginResponse(trace.traceId);
      for (let i = 0; i < body.length; i += 7_001) sink(body.subarray(i, i + 7_001));
      const loaded = await c.loadResponse(response);
      assert.equal(loaded.summary.spanCount, 3_000);
      const layout = buildWaterfall(expected);
      for (let row = 0; row < layout.columns.rowCount; row += 37) c.fromWebview({ type: 'detail', requestId: row, row });
      const asked = Math.ceil(layout.columns.rowCount / 37);
      await until(() => posts.filter((m) => m.type === 'detail').length === asked);
      for (const m of posts) {
        if (m.type !== 'detail') continue;
        assert.ok(m.detail && m.detail.attributes.span.length > 0, `row ${m.row} has attributes`);
        assert.deepEqual(m.detail, buildSpanDetail(layout, m.row));
      }
    } finally {
      await c.dispose();
    }
  });

  it('takes a streamed answer in batches as it arrives, and a new stream replaces what an earlier one left', async () => {
    const body = readFileSync(path.join(fixtures, 'jaeger-2.12.0/v1-trace.json'));
    const response = { traceId: '321cb718f8d3c1298fcb248a07d65ce1', format: 'jaeger-v1' as const, body: new Uint8Array(0), streamed: true, source: "Jaeger's answer", url: 'http://127.0.0.1:16686/api/traces/321cb718f8d3c1298fcb248a07d65ce1' };
    const expected = traceFromResponse({ ...response, streamed: false, body: new Uint8Array(body) });
    const { c, posts } = client();
    try {
      // A stream cut short (a cancelled fetch) left 1.1 MB behind in the worker (a batch's worth
      // crosses at once); the next one starts afresh.
      c.beginResponse()(new Uint8Array(1_100_000).fill(0x78));
      const sink = c.beginResponse();
      for (let i = 0; i < body.length; i += 700) sink(body.subarray(i, i + 700));
      const loaded = await c.loadResponse(response);
      assert.equal(loaded.summary.traceId, response.traceId);
      assert.equal(loaded.summary.spanCount, expected.spans.length);
      // The worker skimmed the answer and decodes a span's attributes when its detail is asked:
      // every row's detail is the one of the trace converted whole.
      const layout = buildWaterfall(expected);
      for (let row = 0; row < layout.columns.rowCount; row++) c.fromWebview({ type: 'detail', requestId: row, row });
      await until(() => posts.filter((m) => m.type === 'detail').length === layout.columns.rowCount);
      for (const m of posts) {
        if (m.type !== 'detail') continue;
        assert.ok(m.detail && m.detail.attributes.span.length + m.detail.events.length > 0, `row ${m.row} has attributes or events`);
        assert.deepEqual(m.detail, buildSpanDetail(layout, m.row));
      }
    } finally {
      await c.dispose();
    }
  });

  it('shows the spans of the first bytes of a streamed answer while the rest has not arrived', async () => {
    const trace = syntheticTrace({ spans: 20_000, bigSubtree: 0 });
    const body = new TextEncoder().encode(toJaegerJson(trace));
    const { c, posts } = client();
    try {
      const sink = c.beginResponse(trace.traceId);
      let sent = 0;
      for (; sent < 400_000; sent += 65_536) sink(body.subarray(sent, sent + 65_536));
      // Only the first 400 kB are in: the rows come from them.
      await until(() => posts.some((m) => m.type === 'trace'));
      const preview = posts.find((m) => m.type === 'trace');
      assert.ok(preview?.type === 'trace' && preview.summary.traceId === trace.traceId && preview.columns.rowCount > 0 && preview.columns.rowCount < 2_000);
      assert.match(preview.notice ?? '', /spans received \(services follow\)/);
      for (; sent < body.byteLength; sent += 65_536) sink(body.subarray(sent, sent + 65_536));
      const loaded = await c.loadResponse({ traceId: trace.traceId, format: 'jaeger-v1', body: new Uint8Array(0), streamed: true, source: 'bench', url: 'http://127.0.0.1/api/traces/x' });
      assert.equal(loaded.summary.spanCount, 20_000);
    } finally {
      await c.dispose();
    }
  });

  it("shows the first spans of a protobuf answer (Jaeger's gRPC), which arrives in whole messages, then the whole trace", async () => {
    // One trace of 3,000 SDK spans (~1 MB), as Jaeger sends a trace: one TracesData message.
    const body = Buffer.from(toOtlpProtobuf(await generateSdkSpans(3_000, 3_000)));
    const response = { traceId: '', format: 'otlp-protobuf' as const, body: new Uint8Array(0), streamed: true, source: "Jaeger's gRPC answer", url: 'http://127.0.0.1:16685' };
    const expected = traceFromResponse({ ...response, streamed: false, body, traceId: decodeOtlpProtobuf(body).spans[0].traceId });
    assert.ok(body.byteLength >= BODY_BATCH_BYTES);
    const { c, posts } = client();
    try {
      // A big chunk that is a view of a bigger buffer is copied: the caller's bytes stay usable.
      const shared = Buffer.alloc(3 * body.byteLength, 0x78);
      c.beginResponse()(shared.subarray(body.byteLength, 2 * body.byteLength));
      assert.equal(shared.byteLength, 3 * body.byteLength);
      assert.equal(shared[body.byteLength], 0x78);
      // As grpc-js hands a message over: a view of its buffer past the frame's 5-byte header. It
      // crosses without a copy, so the buffer is the worker's now.
      const frame = Buffer.alloc(5 + body.byteLength);
      body.copy(frame, 5);
      c.beginResponse(expected.traceId)(frame.subarray(5));
      assert.equal(frame.buffer.byteLength, 0, 'transferred');
      await until(() => posts.some((m) => m.type === 'trace'));
      const preview = posts.find((m) => m.type === 'trace');
      assert.ok(preview?.type === 'trace' && preview.summary.traceId === expected.traceId && preview.columns.rowCount === 200, 'the first 200 spans');
      assert.match(preview.notice ?? '', /showing the first 200 spans decoded/);
      const loaded = await c.loadResponse({ ...response, traceId: expected.traceId });
      assert.equal(loaded.summary.spanCount, 3_000);
      const layout = buildWaterfall(expected);
      assert.deepEqual(loaded.summary, layout.summary);
      // The worker left the attributes in the bytes (decodeOtlpProtobufDeferred): a row's detail decodes them.
      for (let row = 0; row < layout.columns.rowCount; row += 37) c.fromWebview({ type: 'detail', requestId: row, row });
      await until(() => posts.filter((m) => m.type === 'detail').length === Math.ceil(layout.columns.rowCount / 37));
      for (const m of posts) {
        if (m.type !== 'detail') continue;
        assert.ok(m.detail && m.detail.attributes.span.length === 10, `row ${m.row} has its attributes`);
        assert.deepEqual(m.detail, buildSpanDetail(layout, m.row));
      }
    } finally {
      await c.dispose();
    }
  });

  it("shows the first spans of a protobuf answer streamed over HTTP (Tempo's) in chunks that end anywhere, then the whole trace; JSON that starts with a newline stays JSON", async () => {
    const body = Buffer.from(toOtlpProtobuf(await generateSdkSpans(3_000, 3_000)));
    const traceId = decodeOtlpProtobuf(body).spans[0].traceId;
    const response = { traceId, format: 'otlp-protobuf' as const, body: new Uint8Array(0), streamed: true, source: "Tempo's answer", url: 'http://127.0.0.1:3200/api/traces/x' };
    const expected = buildWaterfall(traceFromResponse({ ...response, streamed: false, body })).summary;
    const chunks = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.byteLength / size) }, (_, k) => bytes.slice(k * size, (k + 1) * size));
    const { c, posts } = client();
    try {
      // Chunks of an odd size, as a socket delivers them: no chunk boundary falls on a span's.
      const sink = c.beginResponse(traceId);
      for (const chunk of chunks(body, 16_381)) sink(chunk);
      await until(() => posts.some((m) => m.type === 'trace'));
      const preview = posts.find((m) => m.type === 'trace');
      assert.ok(preview?.type === 'trace' && preview.summary.traceId === traceId && preview.columns.rowCount === 200, 'the first 200 spans, from the first bytes');
      assert.match(preview.notice ?? '', /showing the first 200 spans decoded/);
      assert.deepEqual((await c.loadResponse(response)).summary, expected);

      // OTLP JSON after a newline: its first byte is protobuf's, its first rows say it is JSON.
      const trace = syntheticTrace({ spans: 5_000, bigSubtree: 0 });
      const json = new TextEncoder().encode('\n' + toOtlpJson(trace));
      const otlp = { traceId: trace.traceId, format: 'otlp' as const, body: new Uint8Array(0), streamed: true, source: 'an OTLP answer', url: 'http://127.0.0.1/x' };
      const expectedJson = buildWaterfall(traceFromResponse({ ...otlp, streamed: false, body: json })).summary;
      posts.length = 0;
      const jsonSink = c.beginResponse(trace.traceId);
      for (const chunk of chunks(json, 16_381)) jsonSink(chunk);
      await until(() => posts.some((m) => m.type === 'trace'));
      const jsonPreview = posts.find((m) => m.type === 'trace');
      assert.ok(jsonPreview?.type === 'trace' && jsonPreview.columns.rowCount > 0 && jsonPreview.columns.rowCount < 5_000, 'rows from the JSON\'s first bytes');
      assert.deepEqual((await c.loadResponse(otlp)).summary, expectedJson);
    } finally {
      await c.dispose();
    }
  });

  it('takes a protobuf answer of several messages as their concatenation, and one that says it is JSON as JSON', async () => {
    // Two TracesData messages of one trace: concatenated, they are one message with both halves' spans.
    const spans = await generateSdkSpans(3_000, 3_000);
    const parts = [toOtlpProtobuf(spans.slice(0, 1_500)), toOtlpProtobuf(spans.slice(1_500))];
    const whole = Buffer.concat(parts);
    assert.ok(parts[0].byteLength >= PREVIEW_PREFIX_BYTES, 'the first message is big enough to show rows from');
    const response = { traceId: decodeOtlpProtobuf(whole).spans[0].traceId, format: 'otlp-protobuf' as const, body: new Uint8Array(0), streamed: true, source: "Jaeger's gRPC answer", url: 'http://127.0.0.1:16685' };
    const expected = buildWaterfall(traceFromResponse({ ...response, streamed: false, body: whole })).summary;
    const { c } = client();
    try {
      let sink = c.beginResponse(response.traceId);
      for (const part of parts) sink(new Uint8Array(part));
      assert.deepEqual((await c.loadResponse(response)).summary, expected);
      // The same bytes said to be Jaeger's v1 JSON: the error the JSON path gives them unstreamed.
      const v1 = { ...response, format: 'jaeger-v1' as const, source: "Jaeger's answer" };
      const unstreamed = await c.loadResponse({ ...v1, streamed: false, body: whole }).then(() => undefined, (err: Error) => err);
      assert.ok(unstreamed, 'protobuf is not Jaeger JSON');
      sink = c.beginResponse(response.traceId);
      for (const part of parts) sink(new Uint8Array(part));
      await assert.rejects(c.loadResponse(v1), (err: Error) => err.name === unstreamed.name && err.message === unstreamed.message);
    } finally {
      await c.dispose();
    }
  });

  it('shows the spans of a file\'s first bytes before the file is read whole, and only once', async () => {
    const bytes = new TextEncoder().encode(toOtlpJson(syntheticTrace({ spans: 20_000, bigSubtree: 0 })));
    const { c, posts } = client();
    try {
      c.previewDocument(bytes.slice(0, PREVIEW_PREFIX_BYTES), 'big.json');
      await until(() => posts.some((m) => m.type === 'trace'));
      const preview = posts.find((m) => m.type === 'trace');
      assert.ok(preview?.type === 'trace' && preview.columns.rowCount > 0 && preview.columns.rowCount < 20_000);
      assert.match(preview.notice ?? '', /^Still loading: showing the first [\d,]+ spans of the file/);
      const loaded = await c.loadDocument(bytes, 'big.json');
      assert.ok(loaded.type === 'loaded' && loaded.summary.spanCount === 20_000);
      assert.equal(posts.filter((m) => m.type === 'trace').length, 1, 'the whole file was not previewed again');
    } finally {
      await c.dispose();
    }
  });

  it('asks which trace of a document of several to show, then shows the chosen one', async () => {
    const body = readFileSync(path.join(fixtures, 'jaeger-2.12.0/v1-search-service.json'));
    const { c } = client();
    try {
      const first = await c.loadDocument(new Uint8Array(body), 'search.json');
      assert.ok(first.type === 'choose', 'a document of several traces asks');
      assert.ok(first.choices.length >= 2);
      const pick = first.choices[1];
      assert.ok(pick.spanCount > 0 && pick.rootName.length > 0);
      const shown = await c.show(pick.traceId);
      assert.equal(shown.summary.traceId, pick.traceId);
      assert.equal(shown.summary.spanCount, pick.spanCount);
      assert.deepEqual(new Set(shown.otherTraceIds), new Set(first.choices.filter((x) => x !== pick).map((x) => x.traceId)));
    } finally {
      await c.dispose();
    }
  });

  it('takes an in-memory trace in slices, none of which blocks the host for long', async () => {
    const trace = syntheticTrace({ spans: 40_000, bigSubtree: 0 });
    const { c } = client();
    try {
      // Records, for each message to the worker, how many turns the host's event loop had made:
      // a copy in one synchronous block would post every slice within the same turn. (Wall-clock
      // gaps would also count the time a busy machine leaves this thread waiting for a core.)
      let turns = 0;
      let loading = true;
      const tick = () => { turns++; if (loading) setImmediate(tick); };
      setImmediate(tick);
      const posted: { type: string; turns: number }[] = [];
      const original = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (this: Worker, msg: { type: string }, transfer?: readonly Transferable[]) {
        posted.push({ type: msg.type, turns });
        return original.call(this, msg, transfer);
      } as typeof original;
      let loaded;
      try {
        loaded = await c.loadTrace(trace);
      } finally {
        Worker.prototype.postMessage = original;
        loading = false;
      }
      assert.equal(loaded.summary.spanCount, 40_000);
      assert.equal(loaded.summary.traceId, trace.traceId);
      const slices = posted.filter((p) => p.type === 'addSpans');
      assert.ok(slices.length >= 3, `${slices.length} slices`);
      for (let i = 1; i < slices.length; i++) assert.ok(slices[i].turns > slices[i - 1].turns, `slice ${i} was posted in the same turn as the one before`);
    } finally {
      await c.dispose();
    }
  });

  it('closing the panel is not a crash, and a load cut short by it is a cancellation', async () => {
    const { c, crashes } = client();
    const loading = c.loadDocument(new TextEncoder().encode(toOtlpJson(syntheticTrace({ spans: 20_000, bigSubtree: 0 }))), 'big.json');
    const rejected = assert.rejects(loading, (err: Error) => err.name === 'CancelledError');
    await c.dispose();
    await rejected;
    assert.deepEqual(crashes, [], 'terminating the worker is reported as nothing');
  });
});
