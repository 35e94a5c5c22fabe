/**
 * Entry of the function flame graph's worker (bundled to dist/functionFlameWorker.js, node/cjs): takes
 * the traces (the receiver's spans in slices, a backend's answers as bytes), parses and merges them
 * with functionFlameSteps, off the extension host's thread.
 */
import { parentPort } from 'node:worker_threads';
import { traceFromResponse } from '../../core/backends/traceResponse';
import { functionFlameSteps } from '../../core/flame/functionFlame';
import type { Span, Trace } from '../../core/model/trace';
import { runSync } from '../../core/timeSlicing';
import { describeWorkerFailure } from '../waterfall/workerFailure';
import type { FromFunctionFlameWorker, ToFunctionFlameWorker } from './functionFlameWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('functionFlameWorker must run in a worker thread');
const send = (msg: FromFunctionFlameWorker) => port.postMessage(msg);

const traces: Trace[] = [];
let incoming: Span[] = [];

port.on('message', (msg: ToFunctionFlameWorker) => {
  switch (msg.type) {
    case 'spans':
      for (const s of msg.spans) incoming.push(s);
      if (msg.last) { traces.push({ traceId: msg.traceId, spans: incoming, warnings: [] }); incoming = []; }
      return;
    case 'response':
      // A trace that does not parse is left out; the merge says how many traces it read.
      try { traces.push(traceFromResponse(msg.response)); } catch { /* counted by its absence */ }
      return;
    case 'merge':
      try {
        const t0 = performance.now();
        const flame = runSync(functionFlameSteps(traces, msg.locationKey, msg.label));
        send({ type: 'merged', requestId: msg.requestId, flame, mergeMs: performance.now() - t0 });
      } catch (err) {
        send({ type: 'failed', requestId: msg.requestId, ...describeWorkerFailure(err) });
      }
  }
});
