/** Helpers turning syntax nodes into ranges and plain text edits. */
import type { Node } from 'web-tree-sitter';
import type { TextEdit, TextRange } from './findings';

export function nodeRange(n: Node): TextRange {
  return { startLine: n.startPosition.row, startColumn: n.startPosition.column, endLine: n.endPosition.row, endColumn: n.endPosition.column };
}

/** Maps string offsets (UTF-16, as web-tree-sitter reports for JS strings) to line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo] };
  }

  offset(line: number, column: number): number {
    return (this.starts[line] ?? this.text.length) + column;
  }

  range(start: number, end: number): TextRange {
    const s = this.position(start);
    const e = this.position(end);
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = this.starts[line + 1] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }

  lineCount(): number {
    return this.starts.length;
  }

  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))?.[0] ?? '';
  }
}

export function replaceNode(n: Node, newText: string, index: LineIndex): TextEdit {
  return { range: index.range(n.startIndex, n.endIndex), newText };
}

export function insertAt(offset: number, newText: string, index: LineIndex): TextEdit {
  return { range: index.range(offset, offset), newText };
}

const LIST_PARENTS = new Set([
  'arguments', 'argument_list', 'object', 'dictionary', 'initializer_expression', 'array', 'list',
  'formal_parameters', 'modifiers', 'annotation_argument_list', 'literal_value', 'parameter_list',
]);
const STATEMENT_TYPES = /^(expression_statement|local_declaration_statement|local_variable_declaration|lexical_declaration)$/;

/**
 * An edit deleting `n`: the whole statement line(s) when `n` is a statement's expression, or the
 * list item with its comma. Returns undefined when deletion would leave broken code.
 */
export function deletionEdit(n: Node, index: LineIndex, chainFrom?: number): TextEdit | undefined {
  if (chainFrom !== undefined) return { range: index.range(chainFrom, n.endIndex), newText: '' };
  let target = n;
  // Unwrap C#'s `argument`, Go's `literal_element` and similar wrappers around list items.
  while (target.parent && (target.parent.type === 'argument' || target.parent.type === 'literal_element')) target = target.parent;
  const parent = target.parent;
  if (!parent) return undefined;
  if (STATEMENT_TYPES.test(parent.type) || (parent.type === 'expression_statement')) return deleteLines(parent, index);
  if (parent.type === 'modifiers' || parent.type === 'decorator') {
    // Java annotations: drop the annotation and the space after it.
    const next = index.text.slice(target.endIndex).match(/^\s*/)?.[0].length ?? 0;
    return { range: index.range(target.startIndex, target.endIndex + next), newText: '' };
  }
  if (LIST_PARENTS.has(parent.type)) {
    const items = parent.namedChildren.filter((c): c is Node => c !== null && !c.type.includes('comment'));
    if (items.length === 1 && (parent.type === 'arguments' || parent.type === 'argument_list')) {
      // The only argument of `span.SetAttributes(attribute.String(..))`: delete the statement.
      const call = parent.parent;
      const stmt = call?.parent;
      if (stmt && STATEMENT_TYPES.test(stmt.type)) return deleteLines(stmt, index);
      return undefined;
    }
    const i = items.findIndex((c) => c.equals(target));
    if (i < 0) return undefined;
    if (i + 1 < items.length) return { range: index.range(target.startIndex, items[i + 1].startIndex), newText: '' };
    if (i > 0) return { range: index.range(items[i - 1].endIndex, target.endIndex), newText: '' };
    return { range: index.range(target.startIndex, target.endIndex), newText: '' };
  }
  return undefined;
}

function deleteLines(stmt: Node, index: LineIndex): TextEdit {
  const startLine = stmt.startPosition.row;
  const endLine = stmt.endPosition.row;
  const before = index.lineText(startLine).slice(0, stmt.startPosition.column);
  const after = index.lineText(endLine).slice(stmt.endPosition.column);
  if (before.trim() === '' && after.trim() === '') {
    return { range: { startLine, startColumn: 0, endLine: endLine + 1, endColumn: 0 }, newText: '' };
  }
  return { range: index.range(stmt.startIndex, stmt.endIndex), newText: '' };
}
