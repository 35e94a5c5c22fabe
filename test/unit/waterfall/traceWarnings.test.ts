// #15 bug 8: one hostile trace, three ways in (an OTLP JSON file, a Jaeger JSON file, the built-in
// receiver). The panel must say the same, correctly counted, whichever way it came: the tree is
// inspected once (spanTree.ts), not partly by the converters and partly by the layout.
import assert from 'node:assert/strict';
import { loadTraceFile } from '../../../src/core/traceFiles/loadTraceFile';
import { decodeOtlpJson } from '../../../src/core/receiver/otlpJsonDecoder';
import { SpanStore } from '../../../src/core/receiver/spanStore';
import { buildWaterfall } from '../../../src/core/waterfall/layout';
import { SpanFlag } from '../../../src/core/waterfall/columnLayout';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const EPOCH_MS = 1_700_000_000_000;
const id = (n: number) => n.toString(16).padStart(16, '0');

// root 1; 2 names itself; 3 ⇄ 4 (a two-span loop: one becomes a root, the other stays nested under it);
// 5's parent is missing; 6 starts 5 ms before its parent (same service, so no skew shift).
const SPANS: { n: number; parent?: number; start: number; end: number }[] = [
  { n: 1, start: 0, end: 100 },
  { n: 2, parent: 2, start: 10, end: 20 },
  { n: 3, parent: 4, start: 10, end: 20 },
  { n: 4, parent: 3, start: 12, end: 18 },
  { n: 5, parent: 99, start: 30, end: 40 },
  { n: 6, parent: 1, start: -5, end: 50 },
];

function otlpDocument(): unknown {
  const nanos = (ms: number) => String(BigInt(EPOCH_MS + ms) * 1_000_000n);
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
      scopeSpans: [{
        scope: { name: 'test' },
        spans: SPANS.map((s) => ({
          traceId: TRACE_ID, spanId: id(s.n), ...(s.parent !== undefined ? { parentSpanId: id(s.parent) } : {}),
          name: `op${s.n}`, kind: 1, startTimeUnixNano: nanos(s.start), endTimeUnixNano: nanos(s.end),
        })),
      }],
    }],
  };
}

function jaegerDocument(): unknown {
  const micros = (ms: number) => (EPOCH_MS + ms) * 1000;
  return {
    data: [{
      traceID: TRACE_ID,
      processes: { p1: { serviceName: 'shop', tags: [] } },
      spans: SPANS.map((s) => ({
        traceID: TRACE_ID, spanID: id(s.n), operationName: `op${s.n}`, processID: 'p1',
        references: s.parent !== undefined ? [{ refType: 'CHILD_OF', traceID: TRACE_ID, spanID: id(s.parent) }] : [],
        startTime: micros(s.start), duration: (s.end - s.start) * 1000, tags: [],
      })),
    }],
  };
}

function fromFile(doc: unknown) {
  const [trace] = loadTraceFile(JSON.stringify(doc), { fileName: 'hostile.json' }).traces;
  return buildWaterfall(trace);
}

function fromReceiver() {
  const decoded = decodeOtlpJson(otlpDocument() as Parameters<typeof decodeOtlpJson>[0]);
  const store = new SpanStore();
  try {
    store.addSpans(decoded.spans);
    const trace = store.peekTrace(TRACE_ID);
    assert.ok(trace, 'the receiver holds the trace');
    return buildWaterfall(trace);
  } finally {
    store.dispose();
  }
}

const EXPECTED = [
  '1 span(s) reference a parent that is not in the trace (it may be incomplete); they are shown as roots.',
  // The self-parent and the two-span loop: two loops, two roots (span 4 stays nested under 3).
  '2 parent cycle(s) were broken (a span naming itself as its parent is one); the earliest span of each is shown as a root.',
  '1 span(s) start before or end after their parent.',
];

describe('trace warnings are the same from every source (#15 bug 8)', () => {
  it('an OTLP file, a Jaeger file and the receiver give the same, correctly counted warnings', () => {
    const sources = { otlpFile: fromFile(otlpDocument()), jaegerFile: fromFile(jaegerDocument()), receiver: fromReceiver() };
    // Same words whatever the source, before what the words are.
    for (const [name, layout] of Object.entries(sources)) assert.deepEqual(layout.summary.warnings, sources.receiver.summary.warnings, name);
    assert.deepEqual(sources.receiver.summary.warnings, EXPECTED);
  });

  it('shows as roots exactly the spans the warnings count, whatever the source', () => {
    for (const layout of [fromFile(otlpDocument()), fromFile(jaegerDocument()), fromReceiver()]) {
      const c = layout.columns;
      const roots: string[] = [];
      for (let r = 0; r < c.rowCount; r++) if (c.parent[r] < 0) roots.push(layout.strings.names[c.name[r]]);
      // op1 (the root), op2 (self-parent), op3 (earliest of its loop), op5 (orphan); op4 is nested.
      assert.deepEqual(roots.sort(), ['op1', 'op2', 'op3', 'op5']);
      const row4 = Array.from({ length: c.rowCount }, (_, r) => r).find((r) => layout.strings.names[c.name[r]] === 'op4')!;
      assert.equal(layout.strings.names[c.name[c.parent[row4]]], 'op3');
      const cycleRoots = Array.from(c.flags).filter((f) => f & SpanFlag.cycleBroken).length;
      assert.equal(cycleRoots, 2);
    }
  });
});
