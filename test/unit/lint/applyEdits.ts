import type { TextEdit } from '../../../src/core/lint/findings';

/** Applies non-overlapping edits (0-based line/column) to text, last first. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, col: number) => (line < starts.length ? starts[line] + col : text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.startLine, b.range.startColumn) - offset(a.range.startLine, a.range.startColumn));
  let out = text;
  for (const e of sorted) {
    const s = offset(e.range.startLine, e.range.startColumn);
    const end = offset(e.range.endLine, e.range.endColumn);
    out = out.slice(0, s) + e.newText + out.slice(end);
  }
  return out;
}
