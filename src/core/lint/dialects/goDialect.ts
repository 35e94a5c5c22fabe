/** Go (tree-sitter-go). */
import type { Node } from 'web-tree-sitter';
import { dottedSegments, joinStringParts, jsStyleQuote, namedArgs, unwrapCommon, type CallInfo, type Dialect } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  return node.type === 'interpreted_string_literal' ? joinStringParts(node) : undefined;
}

const unwrap = unwrapCommon;

const segments = dottedSegments({
  names: new Set(['identifier', 'field_identifier', 'package_identifier']),
  member: { selector_expression: ['operand', 'field'] },
  index: { index_expression: ['operand', 'index'] },
  call: { call_expression: 'function' },
  unwrap,
  stringValue,
});

function callInfo(node: Node): CallInfo | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn || !argList) return undefined;
  let nameNode: Node | null = null;
  let receiver: Node | undefined;
  if (fn.type === 'selector_expression') {
    nameNode = fn.childForFieldName('field');
    receiver = fn.childForFieldName('operand') ?? undefined;
  } else if (fn.type === 'identifier') {
    nameNode = fn;
  }
  if (!nameNode) return undefined;
  const args = namedArgs(argList).filter((a) => a.type !== 'variadic_argument');
  return { node, name: nameNode.text, nameNode, receiver, args, named: new Map(), argList };
}

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

export const goDialect: Dialect = {
  family: 'go',
  lineComment: '//',
  stringTypes: new Set(['interpreted_string_literal', 'raw_string_literal']),
  callTypes: new Set(['call_expression']),
  stringValue,
  callInfo,
  segments,
  unwrap,
  // Go attributes are built with attribute.* calls, not map literals.
  mapEntries: () => undefined,
  listElements: (node) => {
    const n = unwrap(node);
    if (n.type !== 'composite_literal') return undefined;
    const body = n.childForFieldName('body');
    return body ? namedArgs(body).map((e) => unwrap(e)) : undefined;
  },
  constantsOf,
  quote: (text) => jsStyleQuote(text, '"'),
};
