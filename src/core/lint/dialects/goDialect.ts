/** Go (tree-sitter-go). */
import type { Node } from 'web-tree-sitter';
import { defineDialect, dottedSegments, joinStringParts, namedArgs, unwrapCommon, type MemberTable } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  return node.type === 'interpreted_string_literal' ? joinStringParts(node) : undefined;
}

const unwrap = unwrapCommon;

const member: MemberTable = { selector_expression: ['operand', 'field'] };

const segments = dottedSegments({
  names: new Set(['identifier', 'field_identifier', 'package_identifier']),
  member,
  index: { index_expression: ['operand', 'index'] },
  call: { call_expression: 'function' },
  unwrap,
  stringValue,
});


function constantsOf(node: Node): Array<[string, string]> {
  if (node.type !== 'const_spec' && node.type !== 'var_spec') return [];
  const names = node.childrenForFieldName('name');
  const value = node.childForFieldName('value');
  if (!value) return [];
  const values = value.type === 'expression_list' ? namedArgs(value) : [value];
  const out: Array<[string, string]> = [];
  names.forEach((n, i) => {
    const v = values[i] ? stringValue(values[i]) : undefined;
    if (n && v !== undefined) out.push([n.text, v]);
  });
  return out;
}

// Go attributes are built with attribute.* calls, not map literals: no mapEntries.
export const goDialect = defineDialect({
  family: 'go',
  stringTypes: new Set(['interpreted_string_literal', 'raw_string_literal']),
  calls: {
    type: 'call_expression', callee: 'function', member, names: new Set(['identifier']),
    // `f(xs...)`: the spread is no single positional argument.
    split: (argList) => ({ args: namedArgs(argList).filter((a) => a.type !== 'variadic_argument'), named: new Map() }),
  },
  stringValue,
  segments,
  listElements: (node) => {
    const n = unwrap(node);
    if (n.type !== 'composite_literal') return undefined;
    const body = n.childForFieldName('body');
    return body ? namedArgs(body).map((e) => unwrap(e)) : undefined;
  },
  constantsOf,
});
