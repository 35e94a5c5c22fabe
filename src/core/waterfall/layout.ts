/**
 * Lays a trace out for the webview: the span tree in depth-first order as typed-array columns
 * and string tables (see columnLayout.ts), plus what the host keeps to answer detail requests.
 */
import type { Span, Trace } from '../model/trace';
import { DISPLAY_NAME_LIMIT, SpanFlag, type WaterfallColumns, type WaterfallStrings, type WaterfallSummary } from './columnLayout';
import { computeCriticalPath, type CriticalPath } from './criticalPath';
import { computeSelfTimes } from './selfTime';
import { buildSpanTree, spanTreeSteps, type SpanTree } from './spanTree';
import { runSliced, runSync, YIELD_MASK, type Steps } from '../timeSlicing';

/** docs/performance.md: above this the waterfall switches to a windowed mode and says so. */
export const WINDOW_SPAN_LIMIT = 250_000;
/** Estimated in-memory size limit of the trace for the same switch (parsed spans cost ~1.55 KB each). */
export const WINDOW_BYTE_LIMIT = 200 * 1024 * 1024;

export interface WaterfallLayout {
  tree: SpanTree;
  columns: WaterfallColumns;
  strings: WaterfallStrings;
  summary: WaterfallSummary;
  criticalPath: CriticalPath;
  /** Tree node of each row and the reverse. */
  rowToNode: Int32Array;
  nodeToRow: Int32Array;
  /** See LayoutOptions.spanSource. */
  spanSource?: SpanSource;
}

/**
 * Where the attributes of spans read without them come from (the Jaeger skim,
 * src/core/backends/jaegerSkim.ts): the detail and the search decode them on demand.
 */
export interface SpanSource {
  /** The span with all it carries. */
  full(span: Span): Span;
  /**
   * Whether an attribute of the span matches a search (traceSearch.ts: `needle`, and `key` for a
   * `key=value` search, both lower case), told without decoding the span; undefined when it
   * cannot be told so, and the search decodes it (`full`).
   */
  attributesMatch(span: Span, needle: string, key: string | undefined): boolean | undefined;
  /** `full(span).attributes` without the copy of the span, where a source has them so (a search reads every span's). */
  attributes?(span: Span): Span['attributes'];
}

/** Traces read without (some of) their spans' attributes, and where those come from (the Jaeger and OTLP skims). */
export interface SkimmedTraces {
  /** Their spans lack the attributes `spans` decodes. */
  traces: Trace[];
  /**
   * `full`: the span with everything the converter gives it (times and events as assembly
   * repaired them); `attributesMatch`: a search's test of its attributes, read from the bytes.
   */
  spans: SpanSource;
}

export interface LayoutOptions {
  spanLimit?: number;
  /** Size of the trace as fetched, when known; above WINDOW_BYTE_LIMIT the trace is windowed too. */
  sourceBytes?: number;
  /** For spans read without their attributes. */
  spanSource?: SpanSource;
}

/** Node `node` of the layout's tree with its attributes decoded (see SpanSource). */
export function fullSpanOf(layout: WaterfallLayout, node: number): Span {
  const span = layout.tree.spans[node];
  return layout.spanSource ? layout.spanSource.full(span) : span;
}

const KIND_CODE: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

export function shortenForDisplay(text: string): string {
  return text.length > DISPLAY_NAME_LIMIT ? `${text.slice(0, DISPLAY_NAME_LIMIT)}…` : text;
}

function isException(name: string): boolean {
  return name === 'exception';
}

/** Keeps the earliest spans when the trace is too big to show whole. */
function windowTrace(trace: Trace, options: LayoutOptions): { trace: Trace; note?: string } {
  const limit = options.spanLimit ?? WINDOW_SPAN_LIMIT;
  const bytes = options.sourceBytes ?? 0;
  const byteCap = bytes > WINDOW_BYTE_LIMIT ? Math.floor(trace.spans.length * (WINDOW_BYTE_LIMIT / bytes)) : Infinity;
  const cap = Math.min(limit, byteCap);
  if (trace.spans.length <= cap) return { trace };
  const sorted = trace.spans.slice().sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
  const kept = sorted.slice(0, cap);
  const note = `Windowed mode: showing the first ${cap.toLocaleString('en-US')} of ${trace.spans.length.toLocaleString('en-US')} spans (by start time).`;
  // The note is `summary.windowed` (shown once); not repeated among the warnings.
  return { trace: { ...trace, spans: kept }, note };
}

export function buildWaterfall(input: Trace, options: LayoutOptions = {}): WaterfallLayout {
  const { trace, note } = windowTrace(input, options);
  return { ...runSync(layoutSteps(input, trace, buildSpanTree(trace), note)), spanSource: options.spanSource };
}

/**
 * The same work in slices, one per turn of the event loop (timeSlicing.ts), so the
 * extension host keeps answering while a big trace is laid out. (A worker thread would need
 * the parsed Trace copied over by structured clone, which costs more than the layout itself:
 * ~0.6-1 s per 20k spans measured, against ~0.15-0.5 s to lay out 100k.)
 */
export async function buildWaterfallAsync(input: Trace, options: LayoutOptions = {}): Promise<WaterfallLayout> {
  const { trace, note } = windowTrace(input, options);
  const tree = await runSliced(spanTreeSteps(trace));
  return { ...(await runSliced(layoutSteps(input, trace, tree, note))), spanSource: options.spanSource };
}

// Each pass is its own function, as in spanTree.ts: V8 optimizes them one by one.
function* layoutSteps(input: Trace, trace: Trace, tree: SpanTree, note: string | undefined): Steps<WaterfallLayout> {
  const { spans, endNs } = tree;
  const n = spans.length;
  const rows = yield* preorderRows(tree);
  const { rowToNode, nodeToRow } = rows;
  yield;
  const selfNodes = computeSelfTimes(tree);
  yield;
  const criticalPath = computeCriticalPath(tree, tree.primaryRoot);
  yield;
  const critical = new Uint8Array(n);
  for (const v of criticalPath.nodes) critical[v] = 1;
  const { columns, names, services, errorCount } = yield* rowColumns(tree, rows, selfNodes, critical);

  let traceEnd = 0;
  for (let i = 0; i < n; i++) if (endNs[i] > traceEnd) traceEnd = endNs[i];
  const primary = tree.primaryRoot >= 0 ? spans[tree.primaryRoot] : undefined;
  const summary: WaterfallSummary = {
    traceId: input.traceId,
    rootName: primary ? shortenForDisplay(primary.name) : '(no spans)',
    rootService: primary ? shortenForDisplay(primary.resource.serviceName) : '',
    startUnixNs: tree.originNs.toString(),
    durationNs: traceEnd,
    spanCount: n,
    totalSpanCount: input.spans.length,
    errorCount,
    serviceCount: services.length,
    windowed: note,
    partial: input.partial === true,
    warnings: [...trace.warnings, ...tree.warnings].slice(0, 50).map(shortenForDisplay),
    criticalRows: criticalPath.nodes.map((v) => nodeToRow[v]),
  };
  return { tree, columns, strings: { names, services }, summary, criticalPath, rowToNode, nodeToRow };
}

interface PreorderRows {
  rowToNode: Int32Array;
  nodeToRow: Int32Array;
  depth: Int32Array;
  parentRow: Int32Array;
  subtreeSize: Int32Array;
}

/** Rows in depth-first pre-order, with an explicit stack (hostile chains are deep). */
function* preorderRows(tree: SpanTree): Steps<PreorderRows> {
  const { childStart, childList, roots } = tree;
  const n = tree.spans.length;
  const rowToNode = new Int32Array(n);
  const nodeToRow = new Int32Array(n);
  const depth = new Int32Array(n);
  const parentRow = new Int32Array(n);
  const subtreeSize = new Int32Array(n);
  const stack: number[] = [];
  const nodeDepth = new Int32Array(n);
  let row = 0;
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]);
  while (stack.length > 0) {
    if ((row & YIELD_MASK) === 0) yield;
    const v = stack.pop()!;
    rowToNode[row] = v;
    nodeToRow[v] = row;
    depth[row] = nodeDepth[v];
    const p = tree.parent[v];
    parentRow[row] = p >= 0 ? nodeToRow[p] : -1;
    row++;
    for (let k = childStart[v + 1] - 1; k >= childStart[v]; k--) {
      const c = childList[k];
      nodeDepth[c] = nodeDepth[v] + 1;
      stack.push(c);
    }
  }
  // Subtree sizes bottom-up: in pre-order every row comes after its parent.
  subtreeSize.fill(1);
  for (let r = n - 1; r >= 0; r--) if (parentRow[r] >= 0) subtreeSize[parentRow[r]] += subtreeSize[r];
  return { rowToNode, nodeToRow, depth, parentRow, subtreeSize };
}

/** The rows' columns, and the tables of names and services they index. */
function* rowColumns(tree: SpanTree, rows: PreorderRows, selfNodes: Float64Array, critical: Uint8Array): Steps<{ columns: WaterfallColumns; names: string[]; services: string[]; errorCount: number }> {
  const { spans, startNs, endNs } = tree;
  const { rowToNode, depth, parentRow, subtreeSize } = rows;
  const n = spans.length;
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const services: string[] = [];
  const serviceIndex = new Map<string, number>();
  const startCol = new Float64Array(n);
  const durationCol = new Float64Array(n);
  const selfCol = new Float64Array(n);
  const serviceCol = new Int32Array(n);
  const nameCol = new Int32Array(n);
  const kindCol = new Uint8Array(n);
  const flagsCol = new Uint16Array(n);
  const eventStart = new Int32Array(n + 1);
  let eventCount = 0;
  for (let r = 0; r < n; r++) eventCount += spans[rowToNode[r]].events.length;
  const eventTimeNs = new Float64Array(eventCount);
  const eventIsError = new Uint8Array(eventCount);
  let errorCount = 0;
  let e = 0;
  for (let r = 0; r < n; r++) {
    if ((r & YIELD_MASK) === 0) yield;
    const v = rowToNode[r];
    const span: Span = spans[v];
    startCol[r] = startNs[v];
    durationCol[r] = endNs[v] - startNs[v];
    selfCol[r] = selfNodes[v];
    let ni = nameIndex.get(span.name);
    if (ni === undefined) { ni = names.length; names.push(shortenForDisplay(span.name)); nameIndex.set(span.name, ni); }
    nameCol[r] = ni;
    const svc = span.resource.serviceName;
    let si = serviceIndex.get(svc);
    if (si === undefined) { si = services.length; services.push(shortenForDisplay(svc)); serviceIndex.set(svc, si); }
    serviceCol[r] = si;
    kindCol[r] = KIND_CODE[span.kind] ?? 0;
    let f = tree.flags[v];
    if (span.status.code === 'error') { f |= SpanFlag.error; errorCount++; }
    if (span.events.length > 0) f |= SpanFlag.hasEvents;
    if (span.links.length > 0) f |= SpanFlag.hasLinks;
    if (critical[v]) f |= SpanFlag.critical;
    eventStart[r] = e;
    if (span.events.length > 0) {
      // Events are stored relative to the span's unadjusted start so a skew shift moves them too
      // (bigint arithmetic, ~0.1 µs: only for spans with events).
      const shift = startNs[v] - Number(span.startTimeUnixNano - tree.originNs);
      for (const ev of span.events) {
        eventTimeNs[e] = Number(ev.timeUnixNano - tree.originNs) + shift;
        if (isException(ev.name)) { eventIsError[e] = 1; f |= SpanFlag.hasException; }
        e++;
      }
    }
    flagsCol[r] = f;
  }
  eventStart[n] = e;
  const columns: WaterfallColumns = {
    rowCount: n, startNs: startCol, durationNs: durationCol, selfNs: selfCol, depth, parent: parentRow, subtreeSize,
    service: serviceCol, name: nameCol, kind: kindCol, flags: flagsCol, eventStart, eventTimeNs, eventIsError,
  };
  return { columns, names, services, errorCount };
}
