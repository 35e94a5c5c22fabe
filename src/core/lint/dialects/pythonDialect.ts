/** Python (tree-sitter-python). */
import type { Node } from 'web-tree-sitter';
import { dottedSegments, jsStyleQuote, namedArgs, unescapeCommon, unwrapCommon, type CallInfo, type ConstantLookup, type Dialect, type KeyValueEntry } from '../dialect';

function stringValue(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const v = stringValue(c);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  const raw = /^[a-zA-Z]*[rR]/.test(node.child(0)?.text ?? '');
  let out = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content') out += raw ? c.text : unescapeCommon(c.text);
    else if (c.type === 'escape_sequence') out += unescapeCommon(c.text);
  }
  return out;
}

function unwrap(node: Node): Node {
  let n = unwrapCommon(node);
  if (n.type === 'await') n = n.namedChild(0) ?? n;
  return n;
}

const segments = dottedSegments({
  names: new Set(['identifier']),
  member: { attribute: ['object', 'attribute'] },
  index: { subscript: ['value', 'subscript'] },
  call: { call: 'function' },
  unwrap,
  stringValue,
});

function callInfo(node: Node): CallInfo | undefined {
  if (node.type !== 'call') return undefined;
  const fn = node.childForFieldName('function');
  const argList = node.childForFieldName('arguments');
  if (!fn || !argList || argList.type !== 'argument_list') return undefined;
  let nameNode: Node | null = null;
  let receiver: Node | undefined;
  if (fn.type === 'attribute') {
    nameNode = fn.childForFieldName('attribute');
    receiver = fn.childForFieldName('object') ?? undefined;
  } else if (fn.type === 'identifier') {
    nameNode = fn;
  }
  if (!nameNode) return undefined;
  const args: Node[] = [];
  const named = new Map<string, Node>();
  for (const a of namedArgs(argList)) {
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (k && v) named.set(k.text, v);
    } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') {
      args.push(a);
    }
  }
  return { node, name: nameNode.text, nameNode, receiver, args, named, argList };
}

function mapEntries(node: Node, constants: ConstantLookup): KeyValueEntry[] | undefined {
  const n = unwrap(node);
  if (n.type !== 'dictionary') return undefined;
  const out: KeyValueEntry[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type !== 'pair') continue;
    const keyNode = c.childForFieldName('key');
    if (!keyNode) continue;
    let key = stringValue(keyNode);
    if (key === undefined) {
      const segs = segments(keyNode);
      key = segs ? constants.get(segs.join('.')) : undefined;
    }
    out.push({ entry: c, keyNode, key, valueNode: c.childForFieldName('value') ?? undefined });
  }
  return out;
}

function constantsOf(node: Node): Array<[string, string]> {
  if (node.type !== 'assignment') return [];
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right || left.type !== 'identifier') return [];
  const stmt = node.parent;
  const scope = stmt?.parent;
  // Module and class level assignments, or UPPER_CASE anywhere: Python's constants by convention.
  const moduleOrClass = scope?.type === 'module' || scope?.parent?.type === 'class_definition';
  if (!moduleOrClass && !/^[A-Z][A-Z0-9_]*$/.test(left.text)) return [];
  const v = stringValue(right);
  return v === undefined ? [] : [[left.text, v]];
}

export const pythonDialect: Dialect = {
  family: 'python',
  lineComment: '#',
  stringTypes: new Set(['string', 'concatenated_string']),
  callTypes: new Set(['call']),
  stringValue,
  callInfo,
  segments,
  unwrap,
  mapEntries,
  listElements: (node) => {
    const n = unwrap(node);
    return n.type === 'list' || n.type === 'tuple' || n.type === 'set' ? namedArgs(n) : undefined;
  },
  constantsOf,
  quote: (text) => jsStyleQuote(text, '"'),
};
