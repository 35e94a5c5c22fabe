/**
 * A code location key as the statistics use it: the function, and where it lives. Spans,
 * backends' metrics and the editor's functions all meet on it; how a span's attributes become
 * one, and the key's string form, are in src/core/source/codeLocation.ts.
 */
export interface CodeLocationKey {
  filePath?: string;
  functionName?: string;
  namespace?: string;
  /** Span name, for locations found by literal span name rather than `code.*`. */
  spanName?: string;
}
