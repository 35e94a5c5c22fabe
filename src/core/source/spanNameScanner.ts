/**
 * Finds literal span names at tracer call sites in source text, for spans without
 * `code.*` attributes. A deliberate fallback heuristic (regular expressions, not a
 * parser: the syntax-tree lint lives elsewhere) limited to these call shapes:
 *   Python  start_as_current_span("x") / start_span("x") (also name="x")
 *   JS/TS   startSpan('x') / startActiveSpan('x') (quotes or a template without `${`)
 *   Go      tracer.Start(ctx, "x")
 *   Java    spanBuilder("x")
 *   C#      StartActivity("x") (also name: "x")
 * Commented-out calls match too; names with escape sequences are skipped.
 */

export interface SpanNameSite {
  name: string;
  /** 0-based line and column of the string literal. */
  line: number;
  column: number;
  call: string;
}

const MAX_TEXT = 5 * 1024 * 1024;
const MAX_SITES = 10_000;

const STR = String.raw`(?:"([^"\\\n]{1,256})"|'([^'\\\n]{1,256})'|` + '`([^`\\\\$\\n]{1,256})`)';
const PATTERNS: ReadonlyArray<{ call: string; re: RegExp }> = [
  { call: 'start_as_current_span', re: new RegExp(String.raw`\b(start_as_current_span|start_span)\s*\(\s*(?:name\s*=\s*)?[rRuU]?` + STR, 'g') },
  { call: 'startSpan', re: new RegExp(String.raw`\b(startSpan|startActiveSpan)\s*(?:<[^>()]*>)?\s*\(\s*` + STR, 'g') },
  { call: 'Start', re: new RegExp(String.raw`\.(Start)\s*\(\s*[A-Za-z_][\w.]*(?:\(\))?\s*,\s*` + STR, 'g') },
  { call: 'spanBuilder', re: new RegExp(String.raw`\b(spanBuilder)\s*\(\s*` + STR, 'g') },
  { call: 'StartActivity', re: new RegExp(String.raw`\b(StartActivity)\s*\(\s*(?:name\s*:\s*)?` + STR, 'g') },
];

export function scanSpanNameCalls(text: string): SpanNameSite[] {
  const src = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const sites: SpanNameSite[] = [];
  for (const { re } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(src); m !== null && sites.length < MAX_SITES; m = re.exec(src)) {
      const name = m[2] ?? m[3] ?? m[4];
      if (name === undefined) continue;
      const literalOffset = m.index + m[0].length - name.length - 1;
      const line = lineOf(lineStarts, literalOffset);
      sites.push({ name, line, column: literalOffset - lineStarts[line], call: m[1] });
    }
  }
  sites.sort((a, b) => a.line - b.line || a.column - b.column);
  return sites;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
