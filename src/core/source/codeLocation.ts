import type { CodeLocationKey } from '../model/codeLocationKey';
import type { AttributeValue, Attributes, Span } from '../model/trace';
import { parseFunctionName } from './functionName';
import { normalizeSourcePath, pathIdentity } from './sourcePath';
import { revisionOf } from './revision';
import { parseStackTrace, topUserFrame } from './stackTrace';
import type { StackFrame } from './stackTrace';

/** Where a location came from, best first. */
export type LocationSource = 'code' | 'code.stacktrace' | 'exception.stacktrace' | 'span.name';

/** A span's code location: the statistics key plus the line and column, when reported. */
export interface SpanLocation extends CodeLocationKey {
  /** 1-based, as in the semantic conventions. */
  lineNumber?: number;
  columnNumber?: number;
  /** The commit `lineNumber` belongs to (revision.ts), when the span names one: lines follow local edits through git. */
  revision?: string;
  source: LocationSource;
}

export interface ExtractOptions {
  /** Narrows "the top user frame" of stack traces, e.g. to frames that map to a workspace file. */
  isUserFrame?: (frame: StackFrame) => boolean;
}

/** Span data is hostile: names and paths are cut to this length before they become keys. */
export const MAX_LOCATION_TEXT = 1024;
const MAX_LINE = 10_000_000;

export function attributeString(v: AttributeValue | undefined): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '') return undefined;
  return s.length > MAX_LOCATION_TEXT ? s.slice(0, MAX_LOCATION_TEXT) : s;
}

/** Positive line / column numbers sent as int, double, bigint or numeric string. */
export function attributeInt(v: AttributeValue | undefined): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = v > 0n && v <= BigInt(MAX_LINE) ? Number(v) : NaN;
  else if (typeof v === 'string' && /^\s*\d{1,9}\s*$/.test(v)) n = Number(v);
  else return undefined;
  return Number.isInteger(n) && n > 0 && n <= MAX_LINE ? n : undefined;
}

/**
 * The code location of a span, from (in order) the current `code.*` attributes
 * (`code.file.path`, `code.function.name`, `code.line.number`, `code.column.number`),
 * the older ones (`code.filepath`, `code.function` + `code.namespace`, `code.lineno`,
 * `code.column`), the top user frame of `code.stacktrace`, and finally the span
 * name. Exception stack traces are not used here: they name where an error was
 * thrown, which splits one operation's statistics by outcome; see exceptionLocationOf.
 */
export function extractCodeLocation(span: Span, options: ExtractOptions = {}): SpanLocation {
  const a = span.attributes;
  const fromCode = codeAttributeLocation(a);
  if (fromCode) return withRevision(fromCode, span);
  const stack = a['code.stacktrace'];
  if (typeof stack === 'string') {
    const frame = topUserFrame(parseStackTrace(stack), options.isUserFrame);
    if (frame) return withRevision(frameLocation(frame, 'code.stacktrace'), span);
  }
  return { spanName: truncate(span.name), source: 'span.name' };
}

/** The location the `code.*` attributes alone name (both generations), without the revision; undefined without a file or function. */
export function codeAttributeLocation(a: Attributes): SpanLocation | undefined {
  const filePath = attributeString(a['code.file.path']) ?? attributeString(a['code.filepath']);
  const functionName = attributeString(a['code.function.name']) ?? attributeString(a['code.function']);
  if (filePath === undefined && functionName === undefined) return undefined;
  const loc: SpanLocation = { source: 'code' };
  if (filePath !== undefined) loc.filePath = filePath;
  if (functionName !== undefined) loc.functionName = functionName;
  const namespace = attributeString(a['code.namespace']);
  if (namespace !== undefined) loc.namespace = namespace;
  const line = attributeInt(a['code.line.number']) ?? attributeInt(a['code.lineno']);
  if (line !== undefined) loc.lineNumber = line;
  const column = attributeInt(a['code.column.number']) ?? attributeInt(a['code.column']);
  if (column !== undefined) loc.columnNumber = column;
  return loc;
}

/**
 * Where the span's exception events say the failure happened (the top user frame
 * of the last `exception` event with a stack trace). A hint for placing
 * span-name statistics when the source has no literal span name to match.
 */
export function exceptionLocationOf(span: Span, options: ExtractOptions = {}): SpanLocation | undefined {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const e = span.events[i];
    if (e.name !== 'exception') continue;
    const stack = e.attributes['exception.stacktrace'];
    if (typeof stack !== 'string') continue;
    const frame = topUserFrame(parseStackTrace(stack), options.isUserFrame);
    if (frame) return frameLocation(frame, 'exception.stacktrace');
  }
  return undefined;
}

export function frameLocation(frame: StackFrame, source: LocationSource): SpanLocation {
  const loc: SpanLocation = { source };
  if (frame.filePath !== undefined) loc.filePath = truncate(frame.filePath);
  if (frame.functionName !== undefined) loc.functionName = truncate(frame.functionName);
  if (frame.lineNumber !== undefined) loc.lineNumber = frame.lineNumber;
  if (frame.columnNumber !== undefined) loc.columnNumber = frame.columnNumber;
  return loc;
}

/** Adds the span's revision to a location with a line (nothing to carry through git without one). */
export function withRevision(loc: SpanLocation, span: Span): SpanLocation {
  if (loc.lineNumber === undefined) return loc;
  const revision = revisionOf(span.attributes, span.resource.attributes);
  if (revision !== undefined) loc.revision = revision.commit;
  return loc;
}

function truncate(s: string): string {
  return s.length > MAX_LOCATION_TEXT ? s.slice(0, MAX_LOCATION_TEXT) : s;
}

/**
 * The function's fully qualified name whichever convention sent it: the old
 * `code.namespace` + `code.function` pair and the new qualified
 * `code.function.name` give the same string.
 */
export function qualifiedFunctionName(key: CodeLocationKey): string | undefined {
  const fn = key.functionName;
  const ns = key.namespace;
  if (fn === undefined) return undefined;
  if (ns === undefined || ns === '') return fn;
  if (fn.startsWith(`${ns}.`) || fn.startsWith(`${ns}::`) || fn.startsWith(`${ns}\\`)) return fn;
  return `${ns}.${fn}`;
}

/**
 * The stable index key of a location: `code\0<normalized path>\0<qualified function>`
 * or `name\0<span name>`. The line is left out so every span of one function lands
 * together; paths are normalized (separators, `file://`, case on Windows), so the
 * same file reported two ways is one location.
 */
export function locationKeyString(key: CodeLocationKey): string {
  if (key.filePath === undefined && key.functionName === undefined) return `name\u0000${key.spanName ?? ''}`;
  const path = key.filePath !== undefined ? pathIdentity(normalizeSourcePath(key.filePath)) : '';
  return `code\u0000${path}\u0000${qualifiedFunctionName(key) ?? ''}`;
}

/** A short human label: `OrderService.process`, `orders/service.py:process` or `"span name"`. */
export function locationLabel(key: CodeLocationKey): string {
  const q = qualifiedFunctionName(key);
  if (q !== undefined) {
    const parts = parseFunctionName(q);
    if (parts.simple !== '') return parts.container !== undefined ? `${parts.container}.${parts.simple}` : parts.simple;
  }
  if (key.filePath !== undefined) {
    const n = normalizeSourcePath(key.filePath);
    return n.segments.slice(-2).join('/');
  }
  return `"${key.spanName ?? ''}"`;
}
