/** TypeScript, TSX and JavaScript: the three grammars share these node types. */
import type { Node } from 'web-tree-sitter';
import { defineDialect, dottedSegments, joinStringParts, jsStyleQuote, unwrapCommon, type ConstantLookup, type KeyValueEntry, type MemberTable } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type === 'string') return joinStringParts(node);
  if (node.type === 'template_string') return joinStringParts(node, 'template_substitution');
  return undefined;
}

const unwrap = unwrapCommon;

const member: MemberTable = { member_expression: ['object', 'property'] };

const segments = dottedSegments({
  names: new Set(['identifier', 'property_identifier', 'private_property_identifier', 'shorthand_property_identifier', 'this', 'super']),
  member,
  index: { subscript_expression: ['object', 'index'] },
  call: { call_expression: 'function' },
  unwrap,
  stringValue,
});

function propertyKey(key: Node, constants: ConstantLookup): string | undefined {
  switch (key.type) {
    case 'property_identifier':
    case 'shorthand_property_identifier':
      return key.text;
    case 'string':
      return stringValue(key);
    case 'number':
      return key.text;
    case 'computed_property_name': {
      const inner = key.namedChild(0);
      if (!inner) return undefined;
      const lit = stringValue(inner);
      if (lit !== undefined) return lit;
      const segs = segments(inner);
      return segs ? constants.get(segs.join('.')) : undefined;
    }
    default:
      return undefined;
  }
}

function mapEntries(node: Node, constants: ConstantLookup): KeyValueEntry[] | undefined {
  const n = unwrap(node);
  if (n.type !== 'object') return undefined;
  const out: KeyValueEntry[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'pair') {
      const keyNode = c.childForFieldName('key');
      if (!keyNode) continue;
      out.push({ entry: c, keyNode, key: propertyKey(keyNode, constants), valueNode: c.childForFieldName('value') ?? undefined });
    } else if (c.type === 'shorthand_property_identifier') {
      out.push({ entry: c, keyNode: c, key: c.text, valueNode: c });
    }
  }
  return out;
}

function constantsOf(node: Node): Array<[string, string]> {
  if (node.type !== 'lexical_declaration' || node.child(0)?.text !== 'const') return [];
  const out: Array<[string, string]> = [];
  for (const d of node.namedChildren) {
    if (!d || d.type !== 'variable_declarator') continue;
    const name = d.childForFieldName('name');
    const value = d.childForFieldName('value');
    if (!name || name.type !== 'identifier' || !value) continue;
    const v = unwrap(value);
    const s = stringValue(v);
    if (s !== undefined) out.push([name.text, s]);
    else if (v.type === 'object') {
      // `const ATTR = { PASSWORD: 'user.password' }` → `ATTR.PASSWORD`.
      for (const e of mapEntries(v, new Map()) ?? []) {
        const ev = e.valueNode ? stringValue(unwrap(e.valueNode)) : undefined;
        if (e.key !== undefined && ev !== undefined) out.push([`${name.text}.${e.key}`, ev]);
      }
    }
  }
  return out;
}

export const javascriptDialect = defineDialect({
  family: 'js',
  stringTypes: new Set(['string', 'template_string']),
  calls: { type: 'call_expression', callee: 'function', argList: 'arguments', member, names: new Set(['identifier']), unwrapCallee: unwrap },
  stringValue,
  segments,
  mapEntries,
  listTypes: new Set(['array']),
  constantsOf,
  quote: (text) => jsStyleQuote(text, "'"),
});
