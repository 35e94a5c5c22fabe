/**
 * Everything the detail pane shows about one span, computed on request (the columns carry
 * only what drawing needs). Values are flattened to display strings here so the webview
 * never interprets span data; it only puts these strings into text nodes.
 */
import type { AttributeValue, Attributes, Span } from '../model/trace';
import { SpanFlag } from './columnLayout';
import { fullSpanOf, type WaterfallLayout } from './layout';
import { codeAttributeLocation } from '../source/codeLocation';
import { parseStackTraceLines } from '../source/stackTrace';
import { revisionOf, type SpanRevision } from '../source/revision';

/** Longest value sent to the webview; longer ones are cut and say how much is missing. */
export const DETAIL_VALUE_LIMIT = 16_384;

export interface DetailAttribute {
  key: string;
  value: string;
  type: 'string' | 'int' | 'double' | 'bool' | 'bytes' | 'array' | 'map' | 'empty';
}

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  function?: string;
  /** The commit the line was recorded at, so the host can carry it to the working tree. */
  revision?: string;
}

/** A printed line of a stack trace; with a file when it names a frame, which the pane links to its source. */
export interface DetailStackFrame {
  text: string;
  function?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface DetailEvent {
  /** ns from the span start. */
  offsetNs: number;
  name: string;
  attributes: DetailAttribute[];
  /** Parsed `exception.stacktrace`, when the event carries one. */
  stack?: DetailStackFrame[];
}

export interface DetailLink {
  traceId: string;
  spanId: string;
  attributes: DetailAttribute[];
}

export interface SpanDetail {
  row: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  statusCode: string;
  statusMessage?: string;
  service: string;
  scopeName: string;
  scopeVersion?: string;
  startUnixNs: string;
  /** ns from the trace start, after any clock-skew adjustment. */
  startOffsetNs: number;
  durationNs: number;
  selfNs: number;
  critical: boolean;
  attributes: { span: DetailAttribute[]; resource: DetailAttribute[]; scope: DetailAttribute[] };
  events: DetailEvent[];
  links: DetailLink[];
  /** From `code.*` attributes (old and new semantic-convention names). */
  source?: SourceLocation;
  /** Parsed `code.stacktrace`: where the span was started from. */
  stack?: DetailStackFrame[];
  /** The revision the span's lines belong to (`vcs.ref.head.revision`, a commit in `service.version`). */
  revision?: SpanRevision;
  /** Explanations of flags (orphan, clock skew, duplicate id...). */
  notes: string[];
  dropped: { attributes: number; events: number; links: number };
}

function clip(s: string): string {
  return s.length > DETAIL_VALUE_LIMIT ? `${s.slice(0, DETAIL_VALUE_LIMIT)}… (${s.length - DETAIL_VALUE_LIMIT} more characters)` : s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Bytes shown as base64, as OTLP JSON does; written by hand because this module also runs in the browser. */
function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i], b = bytes[i + 1], c = bytes[i + 2];
    out += B64[a >> 2] + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]
      + (b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)])
      + (c === undefined ? '=' : B64[c & 63]);
  }
  return out;
}

function toJsonish(v: AttributeValue): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return toBase64(v);
  if (Array.isArray(v)) return v.map(toJsonish);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonish(x);
    return out;
  }
  return v;
}

export function formatAttributeValue(v: AttributeValue): { value: string; type: DetailAttribute['type'] } {
  if (v === null) return { value: '', type: 'empty' };
  if (typeof v === 'string') return { value: clip(v), type: 'string' };
  if (typeof v === 'boolean') return { value: String(v), type: 'bool' };
  if (typeof v === 'bigint') return { value: v.toString(), type: 'int' };
  if (typeof v === 'number') return { value: String(v), type: Number.isInteger(v) ? 'int' : 'double' };
  if (v instanceof Uint8Array) return { value: clip(toBase64(v)), type: 'bytes' };
  if (Array.isArray(v)) return { value: clip(JSON.stringify(toJsonish(v))), type: 'array' };
  return { value: clip(JSON.stringify(toJsonish(v))), type: 'map' };
}

export function toDetailAttributes(attrs: Attributes | undefined): DetailAttribute[] {
  if (!attrs) return [];
  const out: DetailAttribute[] = [];
  for (const [key, v] of Object.entries(attrs)) out.push({ key: clip(key), ...formatAttributeValue(v) });
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** `code.*` attributes (the stable names and the older ones), read as the statistics read them; only a location with a file. */
export function sourceLocationOf(attrs: Attributes): SourceLocation | undefined {
  const loc = codeAttributeLocation(attrs);
  if (loc?.filePath === undefined) return undefined;
  return { file: loc.filePath, line: loc.lineNumber, column: loc.columnNumber, function: loc.functionName };
}

/** Every printed line of a stack trace, its frame (read as the statistics read it) flattened beside the text. */
export function detailStack(text: string): DetailStackFrame[] {
  return parseStackTraceLines(text).map(({ text: line, frame }) => {
    const out: DetailStackFrame = { text: line };
    if (frame?.functionName !== undefined) out.function = frame.functionName;
    if (frame?.filePath !== undefined) out.file = frame.filePath;
    if (frame?.lineNumber !== undefined) out.line = frame.lineNumber;
    if (frame?.columnNumber !== undefined) out.column = frame.columnNumber;
    return out;
  });
}

const FLAG_NOTES: [number, string][] = [
  [SpanFlag.orphan, 'Its parent span is not in the trace (it may have been dropped or not yet received).'],
  [SpanFlag.cycleBroken, 'Its parent chain looped back to it; the loop was broken and it is shown as a root.'],
  [SpanFlag.duplicateId, 'Another span of this trace has the same span id.'],
  [SpanFlag.skewAdjusted, 'Shifted to sit inside its parent: the two services\' clocks disagree (clock-skew adjustment).'],
  [SpanFlag.clockSkew, 'Starts before or ends after its parent.'],
];

export function buildSpanDetail(layout: WaterfallLayout, row: number): SpanDetail | undefined {
  if (!Number.isInteger(row) || row < 0 || row >= layout.columns.rowCount) return undefined;
  const node = layout.rowToNode[row];
  const span: Span = fullSpanOf(layout, node);
  const { columns } = layout;
  const flags = columns.flags[row];
  const spanStartOffset = columns.startNs[row];
  const originalStart = Number(span.startTimeUnixNano - layout.tree.originNs);
  const revision = revisionOf(span.attributes, span.resource.attributes);
  const source = sourceLocationOf(span.attributes);
  if (source && revision) source.revision = revision.commit;
  const codeStack = span.attributes['code.stacktrace'];
  const events: DetailEvent[] = span.events.map((ev) => {
    const stackText = ev.attributes['exception.stacktrace'];
    return {
      offsetNs: Number(ev.timeUnixNano - layout.tree.originNs) - originalStart,
      name: clip(ev.name),
      attributes: toDetailAttributes(ev.attributes),
      stack: typeof stackText === 'string' && stackText.length > 0 ? detailStack(stackText) : undefined,
    };
  });
  return {
    row,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: clip(span.name),
    kind: span.kind,
    statusCode: span.status.code,
    statusMessage: span.status.message !== undefined ? clip(span.status.message) : undefined,
    service: clip(span.resource.serviceName),
    scopeName: clip(span.scope.name),
    scopeVersion: span.scope.version,
    startUnixNs: span.startTimeUnixNano.toString(),
    startOffsetNs: spanStartOffset,
    durationNs: columns.durationNs[row],
    selfNs: columns.selfNs[row],
    critical: (flags & SpanFlag.critical) !== 0,
    attributes: {
      span: toDetailAttributes(span.attributes),
      resource: toDetailAttributes(span.resource.attributes),
      scope: toDetailAttributes(span.scope.attributes),
    },
    events,
    links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: toDetailAttributes(l.attributes) })),
    source,
    stack: typeof codeStack === 'string' && codeStack.length > 0 ? detailStack(codeStack) : undefined,
    revision,
    notes: FLAG_NOTES.filter(([bit]) => (flags & bit) !== 0).map(([, text]) => text),
    dropped: {
      attributes: span.droppedAttributesCount ?? 0,
      events: span.droppedEventsCount ?? 0,
      links: span.droppedLinksCount ?? 0,
    },
  };
}
