/**
 * Entry of the waterfall worker (bundled to dist/waterfallWorker.js, node/cjs). Owns the one
 * trace of its panel: parses the bytes or takes the spans, lays them out and answers the
 * webview through the same WaterfallSession the tests drive.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { pickTrace } from '../../core/backends/backendClientSupport';
import { JaegerSkimmer, skimJaegerDocument } from '../../core/backends/jaegerSkim';
import { OtlpCutScan } from '../../core/backends/otlpSkim';
import { skimTraceResponse, traceFromResponse } from '../../core/backends/traceResponse';
import { TraceLensError } from '../../core/errors';
import type { Span, Trace } from '../../core/model/trace';
import { OTLP_PROTOBUF_FIRST_BYTE, PREVIEW_PREFIX_BYTES, previewOtlpProtobuf, previewTraces } from '../../core/traceFiles/documentPreview';
import { loadTraceFile, skimTraceFile } from '../../core/traceFiles/loadTraceFile';
import { buildWaterfall, type SpanSource } from '../../core/waterfall/layout';
import { describeTraceChoice } from './traceChoice';
import { WaterfallSession } from './waterfallSession';
import { describeWorkerFailure } from './workerFailure';
import type { FromWorker, LoadViewOptions, ToWorker, WorkerLoad, WorkerResponseChunk } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('layoutWorker must run in a worker thread');

const send = (msg: FromWorker) => port.postMessage(msg);
const session = new WaterfallSession({
  ready: () => send({ type: 'ready' }),
  openSource: (location) => send({ type: 'openSource', location }),
  openTrace: (traceId, spanId) => send({ type: 'openTrace', traceId, spanId }),
  copy: (text) => send({ type: 'copy', text }),
});

/** Spans of an in-memory trace arriving in slices. */
let incoming: Span[] = [];
/**
 * A backend's answer arriving from the network, kept and skimmed as it comes (a Jaeger v1
 * answer is read span by span while the rest arrives; any other gives up at its first bytes).
 */
let body = new JaegerSkimmer();
/** The same answer followed as OTLP JSON while it arrives, once the Jaeger skim has given up on it (otlpSkim.ts). */
let otlpScan = new OtlpCutScan();
/**
 * The answer's pieces, kept as they came, while it looks like OTLP protobuf (Jaeger's gRPC answer,
 * in whole messages; Tempo's, in chunks that end anywhere): neither skim reads protobuf, and
 * copying tens of MB into `body` cost ~30 ms at 100k spans. An answer whose first byte says
 * protobuf may still be JSON that starts with a newline: its first rows tell, and if they are not
 * protobuf the pieces go to the skims after all.
 */
let protobufPieces: Uint8Array[] | undefined;
/** Whether rows were shown from part of the current trace. */
let previewed = false;
/** The document about to be loaded was previewed from its first bytes while it was read. */
let documentPreviewed = false;

/**
 * Shows the spans known so far, before the whole trace is in: the first rows a user sees of a
 * big trace. The laid-out trace replaces them. `traceId`: the trace asked for, else the biggest.
 */
function preview(traces: Trace[] | undefined, traceId: string | undefined, what: string): void {
  previewed = true;
  if (!traces || traces.length === 0) return;
  const trace = traces.find((t) => t.traceId === traceId) ?? traces.reduce((a, b) => (b.spans.length > a.spans.length ? b : a));
  const layout = buildWaterfall(trace);
  const count = trace.spans.length.toLocaleString('en-US');
  const services = trace.spans.every((s) => s.resource.serviceName === '') ? ' (services follow)' : '';
  session.setPreview(layout, `Still loading: showing the first ${count} spans ${what}${services}; the tree settles when the whole trace is in.`);
  const message = session.traceMessage();
  if (message) send({ type: 'post', message });
}

/** An in-memory trace smaller than this is laid out whole about as fast as its first slice. */
const PREVIEW_MIN_SPANS = 10_000;
/** Room for the preview's prefix: a document smaller than this parses whole about as fast. */
const PREVIEW_MIN_DOCUMENT = 2 * PREVIEW_PREFIX_BYTES;
/** The traces of a document that holds several, until one is chosen. */
let documentTraces: Trace[] = [];
let documentBytes = 0;
/** Their spans' attributes, when the document was skimmed (see jaegerSkim.ts). */
let documentSpanSource: SpanSource | undefined;

function show(trace: Trace, others: Trace[], options: LoadViewOptions, sourceBytes: number, parseMs: number, spanSource?: SpanSource): void {
  const t0 = performance.now();
  const layout = buildWaterfall(trace, { spanLimit: options.spanLimit, sourceBytes, spanSource });
  session.setLayout(layout, options.selectSpanId);
  // Only the shown trace is kept: the others of the document go with this turn.
  documentTraces = [];
  documentSpanSource = undefined;
  send({
    type: 'loaded', summary: layout.summary, otherTraceIds: others.filter((t) => t !== trace).map((t) => t.traceId),
    parseMs, layoutMs: performance.now() - t0, workerHeapBytes: getHeapStatistics().used_heap_size,
  });
}

function load(msg: WorkerLoad): void {
  const t0 = performance.now();
  switch (msg.type) {
    case 'loadDocument': {
      if (!documentPreviewed && msg.bytes.byteLength >= PREVIEW_MIN_DOCUMENT) preview(previewTraces(msg.bytes.subarray(0, PREVIEW_PREFIX_BYTES), msg.fileName), msg.traceId, 'of the file');
      documentPreviewed = false;
      // A Jaeger or OTLP document is read with its spans' attributes left in the bytes, decoded on
      // demand (jaegerSkim.ts, otlpSkim.ts); any other, or one they leave, the whole way.
      const skimmed = skimJaegerDocument(msg.bytes) ?? skimTraceFile(msg.bytes, { fileName: msg.fileName });
      const spanSource = skimmed?.spans;
      const { traces } = skimmed ?? loadTraceFile(msg.bytes, { fileName: msg.fileName });
      const parseMs = performance.now() - t0;
      if (traces.length === 0) throw new TraceLensError(`${msg.fileName} holds no spans.`);
      if (msg.traceId !== undefined) {
        const trace = traces.find((t) => t.traceId === msg.traceId);
        if (!trace) throw new TraceLensError(`${msg.fileName} no longer holds trace ${msg.traceId}.`);
        show(trace, traces, msg, msg.bytes.byteLength, parseMs, spanSource);
      } else if (traces.length === 1) {
        show(traces[0], traces, msg, msg.bytes.byteLength, parseMs, spanSource);
      } else {
        documentTraces = traces;
        documentSpanSource = spanSource;
        documentBytes = msg.bytes.byteLength;
        send({ type: 'choose', choices: traces.map(describeTraceChoice) });
      }
      return;
    }
    case 'show': {
      const trace = documentTraces.find((t) => t.traceId === msg.traceId);
      if (!trace) throw new TraceLensError(`Trace ${msg.traceId} is not in this document.`);
      show(trace, documentTraces, msg, documentBytes, 0, documentSpanSource);
      return;
    }
    case 'loadResponse': {
      const streamed = body;
      const scan = otlpScan;
      const messages = protobufPieces;
      body = new JaegerSkimmer();
      otlpScan = new OtlpCutScan();
      protobufPieces = undefined;
      // An answer kept as protobuf pieces that says it is another format is read as that format.
      if (messages && msg.response.format !== 'otlp-protobuf') for (const m of messages) follow(streamed, scan, m);
      const response = msg.response.streamed ? { ...msg.response, body: messages && msg.response.format === 'otlp-protobuf' ? oneBuffer(messages) : streamed.bytes() } : msg.response;
      // Jaeger's v1 answer is read from its bytes, attributes on demand (jaegerSkim.ts), and an
      // OTLP JSON answer (Jaeger v3, Tempo) with its spans' attributes left in the bytes
      // (otlpSkim.ts); a trace a skim does not find, or leaves to the converters, takes the full
      // path and its errors.
      const jaeger = response.format === 'jaeger-v1';
      const skimmed = !jaeger ? undefined : msg.response.streamed ? streamed.finish() : skimJaegerDocument(response.body);
      const found = skimmed && pickTrace(skimmed.traces, response.traceId);
      const otlp = found ? undefined : skimTraceResponse(response, undefined, msg.response.streamed ? scan : undefined);
      const trace = found ?? otlp?.trace ?? traceFromResponse(response);
      show(trace, [trace], msg, response.body.byteLength, performance.now() - t0, found ? skimmed.spans : otlp?.spans);
      return;
    }
    case 'loadSpans': {
      const trace: Trace = { traceId: msg.traceId, spans: incoming, warnings: msg.warnings, partial: msg.partial };
      incoming = [];
      show(trace, [trace], msg, 0, 0);
      return;
    }
  }
}

/**
 * Adds `chunk` to an answer that arrives as text: read by the Jaeger skim, else followed as OTLP
 * JSON (so that when its last byte is in only JSON.parse of what is left and the converters
 * remain), its first rows shown from its first bytes.
 */
function follow(text: JaegerSkimmer, scan: OtlpCutScan, chunk: Uint8Array, traceId?: string): void {
  text.add(chunk);
  if (!previewed && text.bytes().byteLength >= PREVIEW_PREFIX_BYTES) {
    const prefix = text.bytes();
    preview(previewTraces(prefix.subarray(0, Math.min(prefix.byteLength, 2 * PREVIEW_PREFIX_BYTES)), 'the answer'), traceId, 'received');
  }
  if (!text.reading) scan.advance(text.paddedBytes(), false, text.bytes().byteLength);
}

/**
 * A piece of a backend's answer: kept as it came while the answer looks like protobuf, its first
 * rows shown once its first bytes are in; otherwise followed by the skims.
 */
function receiveChunk(msg: WorkerResponseChunk): void {
  if (msg.first) {
    body = new JaegerSkimmer();
    otlpScan = new OtlpCutScan();
    previewed = false;
    protobufPieces = msg.bytes[0] === OTLP_PROTOBUF_FIRST_BYTE ? [] : undefined;
  }
  if (!protobufPieces) {
    follow(body, otlpScan, msg.bytes, msg.traceId);
    return;
  }
  protobufPieces.push(msg.bytes);
  if (previewed || protobufPieces.reduce((n, piece) => n + piece.byteLength, 0) < PREVIEW_PREFIX_BYTES) return;
  // Its first rows from its first bytes (for gRPC, the first message, whole).
  const protobuf = previewOtlpProtobuf(protobufPieces.length === 1 ? protobufPieces[0] : Buffer.concat(protobufPieces));
  if (protobuf) {
    preview(protobuf, msg.traceId, 'decoded');
    return;
  }
  const pieces = protobufPieces;
  protobufPieces = undefined;
  for (const piece of pieces) follow(body, otlpScan, piece, msg.traceId);
}

/** Messages as one buffer: the first itself when it is the only one. */
function oneBuffer(messages: Uint8Array[]): Uint8Array {
  return messages.length === 1 ? messages[0] : Buffer.concat(messages);
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'webview': {
      const reply = session.handle(msg.message);
      if (reply) send({ type: 'post', message: reply });
      return;
    }
    case 'postTrace': {
      const trace = session.traceMessage();
      if (trace) send({ type: 'post', message: trace });
      // After the rows: finding the insights must not delay the first paint, nor hold detail requests.
      if (trace) {
        void session.insightsMessage().then((insights) => {
          if (insights) send({ type: 'post', message: insights });
          // The marks are an extra: if finding them fails, the trace stays on screen without them.
        }, () => undefined);
      }
      return;
    }
    case 'addSpans':
      if (incoming.length === 0) previewed = false;
      for (const s of msg.spans) incoming.push(s);
      if (!previewed && incoming.length < msg.total && msg.total >= PREVIEW_MIN_SPANS) {
        preview([{ traceId: msg.traceId, spans: incoming.slice(), warnings: [] }], msg.traceId, `of ${msg.total.toLocaleString('en-US')}`);
      }
      return;
    case 'previewDocument':
      preview(previewTraces(msg.bytes, msg.fileName), msg.traceId, 'of the file');
      documentPreviewed = true;
      return;
    case 'responseChunk':
      receiveChunk(msg);
      return;
    default:
      try {
        load(msg);
      } catch (err) {
        send({ type: 'failed', ...describeWorkerFailure(err) });
      }
  }
});
