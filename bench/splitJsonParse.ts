/*
 * How fast this machine can turn a JSON answer into values when two threads share the work: the
 * least any JSON path of the waterfall could spend reading its bytes. The bytes sit in shared
 * memory; each of two worker threads decodes and JSON.parses half of the answer's span list
 * (split at a span boundary), both at once. Compared with JSON.parse of the whole answer on one
 * thread, in the same process, it tells whether "bytes → interactive ≤ 1.2 × JSON.parse" leaves
 * room for the rest of the path (layout, columns, paint) on this machine.
 */
import { Worker } from 'node:worker_threads';
import { median } from './hostMeasures';

/** Each half, as a list: `[` + the spans between two boundaries + `]`; answers its span count and time. */
const HALF_PARSER = `
const { parentPort, workerData } = require('node:worker_threads');
const bytes = new Uint8Array(workerData.shared);
parentPort.on('message', ({ from, to }) => {
  const t0 = performance.now();
  const spans = JSON.parse('[' + Buffer.from(bytes.buffer, from, to - from).toString('utf8') + ']');
  parentPort.postMessage({ ms: performance.now() - t0, spans: spans.length });
});
`;

export interface SplitParse {
  /** Both halves parsed, from the first request to the last answer (median of the runs). */
  splitMs: number;
  /** The slower half's own parse time, in its thread (median). */
  slowerHalfMs: number;
  spans: number;
}

/**
 * `bytes`: a Jaeger v1 answer (`{"data":[{"traceID":…,"spans":[…],"processes":…}]}`) as the
 * bench generates it; `gc` runs before each run, as it does before each JSON.parse alone.
 */
export async function splitJsonParse(bytes: Buffer, gc: () => void, runs = 3): Promise<SplitParse> {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  const text = bytes.toString('latin1');
  const listStart = text.indexOf('"spans":[') + '"spans":['.length;
  const listEnd = text.lastIndexOf('],"processes":');
  // A boundary between two spans past the middle: `},{"traceID":` cannot be inside a JSON string.
  const boundary = text.indexOf('},{"traceID":', listStart + Math.floor((listEnd - listStart) / 2)) + 1;
  if (listStart < '"spans":['.length || listEnd < 0 || boundary <= 0) throw new Error('not a Jaeger v1 answer as the bench writes it');
  const workers = [0, 1].map(() => new Worker(HALF_PARSER, { eval: true, workerData: { shared }, execArgv: [] }));
  const parse = (w: Worker, from: number, to: number) =>
    new Promise<{ ms: number; spans: number }>((resolve, reject) => {
      const failed = (err: Error) => reject(err);
      w.once('error', failed);
      w.once('message', (m: { ms: number; spans: number }) => {
        w.off('error', failed);
        resolve(m);
      });
      w.postMessage({ from, to });
    });
  try {
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
    const split: number[] = [];
    const slower: number[] = [];
    let spans = 0;
    for (let i = 0; i < runs; i++) {
      gc();
      const t0 = performance.now();
      const [a, b] = await Promise.all([parse(workers[0], listStart, boundary), parse(workers[1], boundary + 1, listEnd)]);
      split.push(performance.now() - t0);
      slower.push(Math.max(a.ms, b.ms));
      spans = a.spans + b.spans;
    }
    return { splitMs: median(split), slowerHalfMs: median(slower), spans };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
