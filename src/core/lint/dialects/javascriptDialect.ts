/** TypeScript, TSX and JavaScript: the three grammars share these node types. */
import type { Node } from 'web-tree-sitter';
import { dottedSegments, joinStringParts, jsStyleQuote, namedArgs, unwrapCommon, type CallInfo, type ConstantLookup, type Dialect, type KeyValueEntry } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type === 'string') return joinStringParts(node);
  if (node.type === 'template_string') return joinStringParts(node, 'template_substitution');
  return undefined;
}

function unwrap(node: Node): Node {
  return unwrapCommon(node);
}

const segments = dottedSegments({
  names: new Set(['identifier', 'property_identifier', 'private_property_identifier', 'shorthand_property_identifier', 'this', 'super']),
  member: { member_expression: ['object', 'property'] },
  index: { subscript_expression: ['object', 'index'] },
  call: { call_expression: 'function' },
  unwrap,
  stringValue,
});

function callInfo(node: Node): CallInfo | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn || !argList || argList.type !== 'arguments') return undefined;
  const target = unwrap(fn);
  let nameNode: Node | null = null;
  let receiver: Node | undefined;
  if (target.type === 'member_expression') {
    nameNode = target.childForFieldName('property');
    receiver = target.childForFieldName('object') ?? undefined;
  } else if (target.type === 'identifier') {
    nameNode = target;
  }
  if (!nameNode) return undefined;
  return { node, name: nameNode.text, nameNode, receiver, args: namedArgs(argList), named: new Map(), argList };
}

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

export const javascriptDialect: Dialect = {
  family: 'js',
  lineComment: '//',
  stringTypes: new Set(['string', 'template_string']),
  callTypes: new Set(['call_expression']),
  stringValue,
  callInfo,
  segments,
  unwrap,
  mapEntries,
  listElements: (node) => {
    const n = unwrap(node);
    return n.type === 'array' ? namedArgs(n) : undefined;
  },
  constantsOf,
  quote: (text) => jsStyleQuote(text, "'"),
};
