import type { Span, Trace } from '../model/trace';
import type { ConversionContext } from './conversionContext';

/** Marks a start time the source did not give; replaced by the trace start during assembly. */
export const MISSING_TIME = -1n;

/**
 * Groups converted spans into traces and repairs what would break the tree: duplicate
 * span ids (first wins), missing start times, negative durations, parent cycles. Orphans
 * keep their parent id (the parent may arrive later) and are counted in the warnings.
 * Traces come back in order of first appearance.
 */
export function assembleTraces(spans: Span[], ctx: ConversionContext, partial = false): Trace[] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) {
    let list = byTrace.get(span.traceId);
    if (!list) byTrace.set(span.traceId, (list = []));
    list.push(span);
  }
  const out: Trace[] = [];
  for (const [traceId, list] of byTrace) out.push({ traceId, spans: repair(list, ctx), warnings: [], ...(partial ? { partial } : {}) });
  const warnings = ctx.warnings();
  for (const t of out) t.warnings.push(...warnings);
  return out;
}

function repair(spans: Span[], ctx: ConversionContext): Span[] {
  const index = new Map<string, number>();
  const unique: Span[] = [];
  for (const s of spans) {
    if (index.has(s.spanId)) {
      ctx.count('duplicateSpan');
      continue;
    }
    index.set(s.spanId, unique.length);
    unique.push(s);
  }

  let traceStart: bigint | undefined;
  for (const s of unique) {
    if (s.startTimeUnixNano !== MISSING_TIME && (traceStart === undefined || s.startTimeUnixNano < traceStart)) traceStart = s.startTimeUnixNano;
  }
  for (const s of unique) {
    if (s.startTimeUnixNano === MISSING_TIME) {
      ctx.count('badTime');
      s.startTimeUnixNano = traceStart ?? 0n;
      if (s.endTimeUnixNano === MISSING_TIME) s.endTimeUnixNano = s.startTimeUnixNano;
    }
    if (s.endTimeUnixNano === MISSING_TIME || s.endTimeUnixNano < s.startTimeUnixNano) {
      if (s.endTimeUnixNano !== MISSING_TIME) ctx.count('negativeDuration');
      s.endTimeUnixNano = s.startTimeUnixNano;
    }
    for (const e of s.events) if (e.timeUnixNano === MISSING_TIME) e.timeUnixNano = s.startTimeUnixNano;
  }

  // Parent of each span as an index into `unique`, -1 for roots and orphans.
  const parent = new Int32Array(unique.length);
  for (let i = 0; i < unique.length; i++) {
    const s = unique[i];
    parent[i] = -1;
    if (s.parentSpanId === undefined) continue;
    if (s.parentSpanId === s.spanId) {
      ctx.count('cycle');
      delete s.parentSpanId;
      continue;
    }
    const p = index.get(s.parentSpanId);
    if (p === undefined) ctx.count('orphan');
    else parent[i] = p;
  }
  breakCycles(unique, parent, ctx);
  return unique;
}

/** Walks parent chains with colouring so each span is visited once: O(n) even for deep chains. */
function breakCycles(spans: Span[], parent: Int32Array, ctx: ConversionContext): void {
  const state = new Uint8Array(spans.length); // 0 = unseen, 1 = on the current path, 2 = reaches a root
  const path: number[] = [];
  for (let start = 0; start < spans.length; start++) {
    if (state[start] !== 0) continue;
    path.length = 0;
    let cur = start;
    while (cur !== -1 && state[cur] === 0) {
      state[cur] = 1;
      path.push(cur);
      cur = parent[cur];
    }
    if (cur !== -1 && state[cur] === 1) {
      // `cur` closes a cycle: cut its parent link so it becomes a root.
      ctx.count('cycle');
      delete spans[cur].parentSpanId;
      parent[cur] = -1;
    }
    for (const i of path) state[i] = 2;
  }
}
