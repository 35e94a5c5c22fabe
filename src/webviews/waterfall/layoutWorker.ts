/**
 * Entry of the waterfall worker (bundle it to dist/waterfallWorker.js, node/cjs). Owns one
 * trace: parses the bytes, lays them out and answers the webview through the same
 * WaterfallSession the in-process path uses.
 */
import { parentPort } from 'node:worker_threads';
import { buildWaterfall } from '../../core/waterfall/layout';
import { loadTraceFile } from '../../core/traceFiles/loadTraceFile';
import { WaterfallSession } from './waterfallSession';
import type { FromWorker, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('layoutWorker must run in a worker thread');

const send = (msg: FromWorker) => port.postMessage(msg);
const session = new WaterfallSession({
  ready: () => send({ type: 'ready' }),
  openSource: (location) => send({ type: 'openSource', location }),
  openTrace: (traceId, spanId) => send({ type: 'openTrace', traceId, spanId }),
  copy: (text) => send({ type: 'copy', text }),
});

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'webview') {
    const reply = session.handle(msg.message);
    if (reply) send({ type: 'post', message: reply });
    return;
  }
  if (msg.type === 'postTrace') {
    const trace = session.traceMessage();
    if (trace) send({ type: 'post', message: trace });
    return;
  }
  try {
    const t0 = performance.now();
    const { traces } = loadTraceFile(msg.bytes, { fileName: msg.fileName });
    const t1 = performance.now();
    const trace = traces.find((t) => t.traceId === msg.traceId) ?? traces[0];
    if (!trace) throw new Error(`${msg.fileName} holds no spans.`);
    const layout = buildWaterfall(trace, { spanLimit: msg.spanLimit, sourceBytes: msg.bytes.byteLength });
    session.setLayout(layout);
    send({
      type: 'loaded', summary: layout.summary, otherTraceIds: traces.filter((t) => t !== trace).map((t) => t.traceId),
      parseMs: t1 - t0, layoutMs: performance.now() - t1,
    });
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? err.message : String(err), errorName: err instanceof Error ? err.name : 'Error' });
  }
});
