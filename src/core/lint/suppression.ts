/** `trace-lens-disable-next-line [RULE, ...]` and `trace-lens-disable-line [RULE, ...]` comments. */
import type { Node } from 'web-tree-sitter';
import type { SourceRuleId, TextEdit } from './findings';
import type { LineIndex } from './textEdits';

const DIRECTIVE = /trace-lens-disable-(next-line|line)\b([^\n*]*)/g;

/** Line → rule ids suppressed there; an empty set means every rule. */
export type Suppressions = Map<number, Set<string>>;

export function collectSuppressions(comments: readonly Node[]): Suppressions {
  const out: Suppressions = new Map();
  for (const c of comments) {
    for (const m of c.text.matchAll(DIRECTIVE)) {
      const line = m[1] === 'next-line' ? c.endPosition.row + 1 : c.startPosition.row;
      const ids = (m[2].match(/\b(?:SN|SD)\d{3}\b/g) ?? []) as string[];
      const set = out.get(line) ?? new Set<string>();
      // A bare directive silences everything on the line, even if another names rules.
      if (ids.length === 0) set.add('*');
      for (const id of ids) set.add(id);
      out.set(line, set);
    }
  }
  return out;
}

export function isSuppressed(s: Suppressions, line: number, ruleId: string): boolean {
  const set = s.get(line);
  return !!set && (set.has('*') || set.has(ruleId));
}

export function suppressionEdit(line: number, ruleId: SourceRuleId, lineComment: string, index: LineIndex): TextEdit {
  const indent = index.indentOf(line);
  return { range: { startLine: line, startColumn: 0, endLine: line, endColumn: 0 }, newText: `${indent}${lineComment} trace-lens-disable-next-line ${ruleId}\n` };
}
