/**
 * Entry of the compare worker (bundled to dist/compareWorker.js, node/cjs). Holds the two traces
 * of its panel's comparison: parses them with the same functions the waterfall worker uses
 * (loadTraceFile, traceFromResponse) and matches them with compareTraces.
 */
import { parentPort } from 'node:worker_threads';
import { traceFromResponse } from '../../core/backends/traceResponse';
import { compareTraces } from '../../core/compare/traceComparison';
import { TraceLensError } from '../../core/errors';
import type { Span, Trace } from '../../core/model/trace';
import { loadTraceFile } from '../../core/traceFiles/loadTraceFile';
import { describeTraceChoice } from '../waterfall/traceChoice';
import { describeWorkerFailure } from '../waterfall/workerFailure';
import type { CompareSide, CompareSource, FromCompareWorker, ToCompareWorker } from './compareWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('compareWorker must run in a worker thread');
const send = (msg: FromCompareWorker) => port.postMessage(msg);

interface SideState {
  /** Spans of an in-memory trace arriving in slices. */
  incoming: Span[];
  /** The traces of a document that holds several, until one is picked. */
  candidates: Trace[];
  trace?: Trace;
}
const sides: Record<CompareSide, SideState> = { left: { incoming: [], candidates: [] }, right: { incoming: [], candidates: [] } };

function chosen(side: SideState, trace: Trace, requestId: number, parseMs: number): FromCompareWorker {
  side.trace = trace;
  side.candidates = [];
  return { type: 'loaded', requestId, trace: describeTraceChoice(trace), parseMs };
}

function load(side: SideState, source: CompareSource, requestId: number): FromCompareWorker {
  const t0 = performance.now();
  side.trace = undefined;
  switch (source.kind) {
    case 'document': {
      const { traces } = loadTraceFile(source.bytes, { fileName: source.fileName });
      if (traces.length === 0) throw new TraceLensError(`${source.fileName} holds no spans.`);
      if (source.traceId !== undefined) {
        const trace = traces.find((t) => t.traceId === source.traceId);
        if (!trace) throw new TraceLensError(`${source.fileName} does not hold trace ${source.traceId}.`);
        return chosen(side, trace, requestId, performance.now() - t0);
      }
      if (traces.length === 1) return chosen(side, traces[0], requestId, performance.now() - t0);
      side.candidates = traces;
      return { type: 'choose', requestId, choices: traces.map(describeTraceChoice) };
    }
    case 'response':
      return chosen(side, traceFromResponse(source.response), requestId, performance.now() - t0);
    case 'spans': {
      const trace: Trace = { traceId: source.traceId, spans: side.incoming, warnings: source.warnings, partial: source.partial };
      side.incoming = [];
      return chosen(side, trace, requestId, 0);
    }
  }
}

function handle(msg: Exclude<ToCompareWorker, { type: 'addSpans' }>): FromCompareWorker {
  switch (msg.type) {
    case 'load': return load(sides[msg.side], msg.source, msg.requestId);
    case 'pick': {
      const side = sides[msg.side];
      const trace = side.candidates.find((t) => t.traceId === msg.traceId);
      if (!trace) throw new TraceLensError(`Trace ${msg.traceId} is not in this document.`);
      return chosen(side, trace, msg.requestId, 0);
    }
    case 'compare': {
      const { left, right } = sides;
      if (!left.trace || !right.trace) throw new TraceLensError('Both traces must be loaded before they are compared.');
      const t0 = performance.now();
      const comparison = compareTraces(left.trace, right.trace, msg.options);
      return { type: 'compared', requestId: msg.requestId, comparison, compareMs: performance.now() - t0 };
    }
  }
}

port.on('message', (msg: ToCompareWorker) => {
  if (msg.type === 'addSpans') {
    for (const s of msg.spans) sides[msg.side].incoming.push(s);
    return;
  }
  try {
    send(handle(msg));
  } catch (err) {
    send({ type: 'failed', requestId: msg.requestId, ...describeWorkerFailure(err) });
  }
});
