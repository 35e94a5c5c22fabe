/** Python (tree-sitter-python). */
import type { Node } from 'web-tree-sitter';
import { defineDialect, dottedSegments, namedArgs, unescapeCommon, unwrapCommon, type ConstantLookup, type KeyValueEntry, type MemberTable } from '../dialect';

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

const member: MemberTable = { attribute: ['object', 'attribute'] };

const segments = dottedSegments({
  names: new Set(['identifier']),
  member,
  index: { subscript: ['value', 'subscript'] },
  call: { call: 'function' },
  unwrap,
  stringValue,
});

/** Keyword arguments are named; `*args` and `**kwargs` are neither. */
function splitArgs(argList: Node): { args: Node[]; named: Map<string, Node> } {
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
  return { args, named };
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

export const pythonDialect = defineDialect({
  family: 'python',
  lineComment: '#',
  stringTypes: new Set(['string', 'concatenated_string']),
  calls: { type: 'call', callee: 'function', argList: 'argument_list', member, names: new Set(['identifier']), split: splitArgs },
  stringValue,
  segments,
  unwrap,
  mapEntries,
  listTypes: new Set(['list', 'tuple', 'set']),
  constantsOf,
});
