/** Java (tree-sitter-java). */
import type { Node } from 'web-tree-sitter';
import { defineDialect, dottedSegments, joinStringParts, namedArgs, unescapeCommon, unwrapCommon } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type !== 'string_literal') return undefined;
  if (node.text.startsWith('"""')) {
    const body = node.text.slice(3, -3).replace(/^[^\n]*\n/, '');
    return unescapeCommon(body.replace(/^[ \t]+/gm, ''));
  }
  return joinStringParts(node);
}

const unwrap = unwrapCommon;

const segments = dottedSegments({
  names: new Set(['identifier', 'type_identifier', 'this']),
  member: { field_access: ['object', 'field'] },
  unwrap,
  stringValue,
  // A call is its object's segments plus the method name; the object is optional.
  special(n, recurse) {
    if (n.type !== 'method_invocation') return null;
    const obj = n.childForFieldName('object');
    const name = n.childForFieldName('name');
    if (!name) return undefined;
    if (!obj) return [name.text];
    const head = recurse(obj);
    return head ? [...head, name.text] : undefined;
  },
});

function constantsOf(node: Node): Array<[string, string]> {
  if (node.type !== 'field_declaration' && node.type !== 'local_variable_declaration') return [];
  const mods = node.namedChildren.find((c) => c?.type === 'modifiers');
  if (!mods || !/\bfinal\b/.test(mods.text)) return [];
  const out: Array<[string, string]> = [];
  for (const d of node.childrenForFieldName('declarator')) {
    const name = d?.childForFieldName('name');
    const value = d?.childForFieldName('value');
    const v = value ? stringValue(value) : undefined;
    if (name && v !== undefined) out.push([name.text, v]);
  }
  return out;
}

export const javaDialect = defineDialect({
  family: 'java',
  stringTypes: new Set(['string_literal']),
  // The invocation names its method and optional object itself.
  calls: { type: 'method_invocation', member: { method_invocation: ['object', 'name'] }, names: new Set() },
  stringValue,
  segments,
  listElements: (node) => {
    const n = unwrap(node);
    if (n.type === 'array_initializer') return namedArgs(n);
    if (n.type === 'array_creation_expression') {
      const init = n.childForFieldName('value');
      return init ? namedArgs(init) : undefined;
    }
    if (n.type === 'method_invocation' && /^(of|asList|listOf)$/.test(n.childForFieldName('name')?.text ?? '')) {
      return namedArgs(n.childForFieldName('arguments'));
    }
    return undefined;
  },
  constantsOf,
});
