/**
 * Turns the flat span list of a trace into a forest that is safe to walk: exact duplicates
 * dropped, orphans and parent cycles turned into flagged roots, children in start order and
 * clock skew between processes adjusted the way Jaeger's adjuster does it. Everything is
 * index based (typed arrays) because traces reach hundreds of thousands of spans.
 * The one place a trace's tree is judged and its warnings counted: files, backends and the
 * receiver hand spans over with their parent ids as sent (see traceAssembly.ts).
 */
import type { Span, Trace } from '../model/trace';
import { SpanFlag } from './columnLayout';
import { runSync, YIELD_MASK, type Steps } from '../timeSlicing';

export interface SpanTree {
  /** The spans kept, node i = spans[i]. */
  spans: Span[];
  /** Absolute start of the trace (minimum adjusted start), ns since the epoch. */
  originNs: bigint;
  /** Adjusted start and end, ns offsets from `originNs`. */
  startNs: Float64Array;
  endNs: Float64Array;
  /** Parent node or -1. */
  parent: Int32Array;
  /** Children of node i are `childList[childStart[i] .. childStart[i + 1])`, in start order. */
  childStart: Int32Array;
  childList: Int32Array;
  /** Roots in start order. */
  roots: Int32Array;
  /** The root the header and the critical path describe: the earliest true root, else the earliest root. */
  primaryRoot: number;
  /** SpanFlag bits found while building (orphan, cycle, duplicate, skew). */
  flags: Uint16Array;
  warnings: string[];
}

/** A span whose id was already seen with the same name and times is the same span reported twice. */
function isExactDuplicate(a: Span, b: Span): boolean {
  return a.name === b.name && a.startTimeUnixNano === b.startTimeUnixNano && a.endTimeUnixNano === b.endTimeUnixNano
    && a.parentSpanId === b.parentSpanId;
}

/** Jaeger's adjuster compares hosts; we have resources, and a different service means a different clock. */
function sameClock(a: Span, b: Span): boolean {
  if (a.resource === b.resource) return true;
  if (a.resource.serviceName !== b.resource.serviceName) return false;
  return a.resource.attributes['host.name'] === b.resource.attributes['host.name'];
}

export function buildSpanTree(trace: Trace): SpanTree {
  return runSync(spanTreeSteps(trace));
}

/** buildSpanTree as resumable steps (see timeSlicing.ts). */
export function* spanTreeSteps(trace: Trace): Steps<SpanTree> {
  // One function per pass: V8 optimizes each on its own (one function of many loops was
  // deoptimized at the start of each loop it had not run yet, and a fresh worker's first trace
  // paid that every time).
  const warnings: string[] = [];
  const { spans, byId, flags } = yield* uniqueSpans(trace, warnings);
  const n = spans.length;
  const parent = yield* linkParents(spans, byId, flags, warnings);
  const { startNs, endNs, origin } = yield* offsets(spans);
  const { childStart, childList, roots } = yield* childLists(parent, startNs);
  const adjusted = yield* adjustSkew(spans, parent, childStart, childList, roots, startNs, endNs, flags, warnings);
  // The shifts may have moved the earliest start: re-base on it.
  let min = Infinity;
  for (let i = 0; i < n; i++) if (startNs[i] < min) min = startNs[i];
  let originNs = origin;
  if (n > 0 && min !== 0) {
    for (let i = 0; i < n; i++) { startNs[i] -= min; endNs[i] -= min; }
    originNs += BigInt(Math.round(min));
  }
  if (adjusted > 0) {
    // Starts changed: keep children in start order.
    const byStart = startOrder(startNs);
    for (let i = 0; i < n; i++) {
      const a = childStart[i], b = childStart[i + 1];
      if (b - a > 1) childList.subarray(a, b).sort(byStart);
    }
    roots.sort(byStart);
  }

  let primaryRoot = -1;
  for (let k = 0; k < roots.length; k++) {
    const r = roots[k];
    if (!spans[r].parentSpanId) { primaryRoot = r; break; }
  }
  if (primaryRoot < 0 && roots.length > 0) primaryRoot = roots[0];

  return { spans, originNs, startNs, endNs, parent, childStart, childList, roots, primaryRoot, flags, warnings };
}

const startOrder = (startNs: Float64Array) => (a: number, b: number) => startNs[a] - startNs[b] || a - b;

/** 1. Ids: drop exact duplicates, keep different spans that share an id (flagged). */
function* uniqueSpans(trace: Trace, warnings: string[]): Steps<{ spans: Span[]; byId: Map<string, number>; flags: Uint16Array }> {
  // Most traces repeat no id: one map operation a span tells so, where telling duplicates apart takes two.
  const distinct = new Map<string, number>();
  for (let k = 0; k < trace.spans.length; k++) {
    if ((k & YIELD_MASK) === 0) yield;
    distinct.set(trace.spans[k].spanId, k);
  }
  if (distinct.size === trace.spans.length) return { spans: trace.spans.slice(), byId: distinct, flags: new Uint16Array(trace.spans.length) };
  const byId = new Map<string, number>();
  const spans: Span[] = [];
  const dupFlag: number[] = [];
  let exactDuplicates = 0;
  let sharedIds = 0;
  for (let k = 0; k < trace.spans.length; k++) {
    if ((k & YIELD_MASK) === 0) yield;
    const span = trace.spans[k];
    const seen = byId.get(span.spanId);
    if (seen !== undefined) {
      if (isExactDuplicate(spans[seen], span)) { exactDuplicates++; continue; }
      sharedIds++;
      dupFlag[seen] = 1;
      dupFlag[spans.length] = 1;
    } else {
      byId.set(span.spanId, spans.length);
    }
    spans.push(span);
  }
  if (exactDuplicates > 0) warnings.push(`${exactDuplicates} duplicate span(s) were reported twice and are shown once.`);
  if (sharedIds > 0) warnings.push(`${sharedIds} span(s) share their span id with another span; children attach to the first.`);
  const flags = new Uint16Array(spans.length);
  for (let i = 0; i < spans.length; i++) if (dupFlag[i]) flags[i] |= SpanFlag.duplicateId;
  return { spans, byId, flags };
}

/** 2. Parents, then 3. cycles broken: a span naming itself, a missing span or a span of a loop becomes a root. */
function* linkParents(spans: Span[], byId: Map<string, number>, flags: Uint16Array, warnings: string[]): Steps<Int32Array> {
  const n = spans.length;
  const parent = new Int32Array(n).fill(-1);
  let orphans = 0;
  // A span naming itself is the shortest parent cycle: counted with the cycles below.
  let selfParents = 0;
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === 0) yield;
    const pid = spans[i].parentSpanId;
    if (!pid) continue;
    const p = byId.get(pid);
    if (p === undefined) { flags[i] |= SpanFlag.orphan; orphans++; continue; }
    if (p === i) { flags[i] |= SpanFlag.cycleBroken; selfParents++; continue; }
    parent[i] = p;
  }
  if (orphans > 0) warnings.push(`${orphans} span(s) reference a parent that is not in the trace (it may be incomplete); they are shown as roots.`);
  const cycles = yield* breakCycles(spans, parent, flags);
  // One span per loop becomes a root, so loops broken = spans shown as roots for it; the others stay nested.
  const loops = cycles + selfParents;
  if (loops > 0) warnings.push(`${loops} parent cycle(s) were broken (a span naming itself as its parent is one); the earliest span of each is shown as a root.`);
  return parent;
}

/** Walks each parent chain once (iteratively, chains can be 100k long); the number of loops broken. */
function* breakCycles(spans: Span[], parent: Int32Array, flags: Uint16Array): Steps<number> {
  const n = spans.length;
  const state = new Uint8Array(n); // 0 new, 1 on the current path, 2 done
  const path: number[] = [];
  let cycles = 0;
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === 0) yield;
    if (state[i] !== 0) continue;
    let v = i;
    while (v !== -1 && state[v] === 0) { state[v] = 1; path.push(v); v = parent[v]; }
    if (v !== -1 && state[v] === 1) {
      // v is on the current path: the loop is path[indexOf(v)..]. Break it at its earliest span.
      const from = path.lastIndexOf(v);
      let cut = v;
      for (let k = from; k < path.length; k++) {
        const c = path[k];
        if (spans[c].startTimeUnixNano < spans[cut].startTimeUnixNano) cut = c;
      }
      parent[cut] = -1;
      flags[cut] |= SpanFlag.cycleBroken;
      cycles++;
    }
    for (const p of path) state[p] = 2;
    path.length = 0;
  }
  return cycles;
}

/** 4. Times as float offsets from the earliest start (bigint arithmetic once per span). */
function* offsets(spans: Span[]): Steps<{ startNs: Float64Array; endNs: Float64Array; origin: bigint }> {
  const n = spans.length;
  let origin = n > 0 ? spans[0].startTimeUnixNano : 0n;
  for (let i = 1; i < n; i++) if (spans[i].startTimeUnixNano < origin) origin = spans[i].startTimeUnixNano;
  const startNs = new Float64Array(n);
  const endNs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === 0) yield;
    const s = spans[i];
    startNs[i] = Number(s.startTimeUnixNano - origin);
    // A span ending before it starts is drawn with zero length.
    endNs[i] = s.endTimeUnixNano > s.startTimeUnixNano ? Number(s.endTimeUnixNano - origin) : startNs[i];
  }
  return { startNs, endNs, origin };
}

/** 5. Children lists (CSR), each in start order. */
function* childLists(parent: Int32Array, startNs: Float64Array): Steps<{ childStart: Int32Array; childList: Int32Array; roots: Int32Array }> {
  const n = parent.length;
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) childStart[parent[i] + 1]++;
  for (let i = 0; i < n; i++) childStart[i + 1] += childStart[i];
  const childList = new Int32Array(childStart[n]);
  const fill = childStart.slice(0, n);
  const rootList: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) childList[fill[parent[i]]++] = i;
    else rootList.push(i);
  }
  const byStart = startOrder(startNs);
  for (let i = 0; i < n; i++) {
    if ((i & YIELD_MASK) === 0) yield;
    const a = childStart[i], b = childStart[i + 1];
    if (b - a > 1) childList.subarray(a, b).sort(byStart);
  }
  rootList.sort(byStart);
  return { childStart, childList, roots: Int32Array.from(rootList) };
}

/** 6. Clock skew, top-down so a shift carries the whole subtree (Jaeger's clockskew adjuster); the spans shifted. */
function* adjustSkew(
  spans: Span[], parent: Int32Array, childStart: Int32Array, childList: Int32Array, roots: Int32Array,
  startNs: Float64Array, endNs: Float64Array, flags: Uint16Array, warnings: string[],
): Steps<number> {
  const shift = new Float64Array(spans.length);
  let adjusted = 0;
  let flagged = 0;
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]);
  let visited = 0;
  while (stack.length > 0) {
    if ((++visited & YIELD_MASK) === 0) yield;
    const v = stack.pop()!;
    const p = parent[v];
    if (p >= 0) {
      let s = startNs[v] + shift[p];
      let e = endNs[v] + shift[p];
      shift[v] = shift[p];
      const ps = startNs[p], pe = endNs[p];
      if (s < ps || e > pe) {
        if (!sameClock(spans[v], spans[p])) {
          const childDur = e - s;
          const parentDur = pe - ps;
          // A longer child cannot fit: align starts. Otherwise centre it, splitting the latency both ways.
          const delta = childDur > parentDur ? ps - s : ps + (parentDur - childDur) / 2 - s;
          shift[v] += delta;
          s += delta;
          e += delta;
          flags[v] |= SpanFlag.skewAdjusted;
          adjusted++;
        }
        if (s < ps || e > pe) { flags[v] |= SpanFlag.clockSkew; flagged++; }
      }
      startNs[v] = s;
      endNs[v] = e;
    }
    for (let k = childStart[v + 1] - 1; k >= childStart[v]; k--) stack.push(childList[k]);
  }
  if (adjusted > 0) warnings.push(`${adjusted} span(s) from another service were shifted into their parent to correct clock skew.`);
  if (flagged > 0) warnings.push(`${flagged} span(s) start before or end after their parent.`);
  return adjusted;
}
