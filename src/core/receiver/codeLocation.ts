import type { CodeLocationKey } from '../backends/traceBackend';
import type { Span } from '../model/trace';

/** A span's code location: the key the statistics use, plus the line where the span was seen, when reported. */
export interface SpanCodeLocation extends CodeLocationKey {
  lineNumber?: number;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'bigint' && v > 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return undefined;
}

/**
 * Reads both generations of the code.* semantic conventions (`code.file.path`,
 * `code.function.name`, `code.line.number` and the older `code.filepath`,
 * `code.function`, `code.namespace`, `code.lineno`). Spans without any code.*
 * attribute are located by their name, which the source scanner matches literally.
 */
export function codeLocationOf(span: Span): SpanCodeLocation {
  const a = span.attributes;
  const filePath = str(a['code.file.path']) ?? str(a['code.filepath']);
  const functionName = str(a['code.function.name']) ?? str(a['code.function']);
  const namespace = str(a['code.namespace']);
  if (filePath === undefined && functionName === undefined) return { spanName: span.name };
  const location: SpanCodeLocation = {};
  if (filePath !== undefined) location.filePath = filePath;
  if (functionName !== undefined) location.functionName = functionName;
  if (namespace !== undefined) location.namespace = namespace;
  const line = int(a['code.line.number']) ?? int(a['code.lineno']);
  if (line !== undefined) location.lineNumber = line;
  return location;
}

/** Index key of a location; the line is left out so every span of one function lands together. */
export function codeLocationKeyString(location: CodeLocationKey): string {
  if (location.filePath === undefined && location.functionName === undefined) return `name\u0000${location.spanName ?? ''}`;
  return `code\u0000${location.filePath ?? ''}\u0000${location.namespace ?? ''}\u0000${location.functionName ?? ''}`;
}
