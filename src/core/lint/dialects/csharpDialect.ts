/** C# (tree-sitter-c-sharp). */
import type { Node } from 'web-tree-sitter';
import { defineDialect, dottedSegments, joinStringParts, namedArgs, unwrapCommon, type ConstantLookup, type KeyValueEntry, type MemberTable } from '../dialect';

function stringValue(node: Node): string | undefined {
  switch (node.type) {
    case 'string_literal':
      return joinStringParts(node);
    case 'verbatim_string_literal':
      return node.text.slice(2, -1).replace(/""/g, '"');
    case 'raw_string_literal':
      return node.text.replace(/^"{3,}/, '').replace(/"{3,}$/, '').trim();
    default:
      return undefined;
  }
}

const unwrap = unwrapCommon;

const member: MemberTable = { member_access_expression: ['expression', 'name'] };

const segments = dottedSegments({
  names: new Set(['identifier', 'predefined_type', 'this_expression', 'this']),
  member,
  call: { invocation_expression: 'function' },
  unwrap,
  stringValue,
  special(n, recurse) {
    switch (n.type) {
      case 'conditional_access_expression': {
        // a?.b: the member sits in a member_binding_expression child.
        const obj = n.childForFieldName('condition');
        const binding = n.namedChildren.find((c) => c?.type === 'member_binding_expression');
        const head = obj ? recurse(obj) : undefined;
        const name = binding?.childForFieldName('name');
        return head && name ? [...head, name.text] : head;
      }
      case 'element_access_expression': {
        // a["k"]: the key is the first argument of a bracketed argument list.
        const obj = n.childForFieldName('expression');
        const arg = n.childForFieldName('subscript')?.namedChild(0);
        const key = arg ? stringValue(unwrap(arg)) : undefined;
        const head = obj ? recurse(obj) : undefined;
        return head && key !== undefined ? [...head, key] : undefined;
      }
      default:
        return null;
    }
  },
});

/** `a?.b(...)`: the method sits in a member_binding_expression child. */
function conditionalCallee(fn: Node): { nameNode?: Node | null; receiver?: Node } | null {
  if (fn.type !== 'conditional_access_expression') return null;
  return {
    nameNode: fn.namedChildren.find((c) => c?.type === 'member_binding_expression')?.childForFieldName('name'),
    receiver: fn.childForFieldName('condition') ?? undefined,
  };
}

/** `tags: x` is named; every argument is wrapped in an `argument` node. */
function splitArgs(argList: Node): { args: Node[]; named: Map<string, Node> } {
  const args: Node[] = [];
  const named = new Map<string, Node>();
  for (const a of namedArgs(argList)) {
    if (a.type !== 'argument') continue;
    const value = a.lastNamedChild;
    if (!value) continue;
    const name = a.childForFieldName('name');
    if (name && name !== value) named.set(name.text, value);
    else args.push(value);
  }
  return { args, named };
}

function initializerOf(node: Node): Node | undefined {
  const n = unwrap(node);
  if (n.type === 'initializer_expression') return n;
  if (['object_creation_expression', 'implicit_object_creation_expression', 'array_creation_expression', 'implicit_array_creation_expression'].includes(n.type)) {
    return n.childForFieldName('initializer') ?? n.namedChildren.find((c) => c?.type === 'initializer_expression') ?? undefined;
  }
  return undefined;
}

function mapEntries(node: Node, constants: ConstantLookup): KeyValueEntry[] | undefined {
  const init = initializerOf(node);
  if (!init) return undefined;
  const keyOf = (k: Node): string | undefined => {
    const u = unwrap(k);
    const lit = stringValue(u);
    if (lit !== undefined) return lit;
    const segs = segments(u);
    return segs ? constants.get(segs.join('.')) ?? constants.get(segs[segs.length - 1]) : undefined;
  };
  const out: KeyValueEntry[] = [];
  for (const e of namedArgs(init)) {
    if (e.type === 'assignment_expression') {
      // `["key"] = value`
      const left = e.childForFieldName('left');
      const keyNode = left?.type === 'element_binding_expression' ? left.namedChild(0)?.lastNamedChild ?? left.namedChild(0) : undefined;
      if (!keyNode) continue;
      out.push({ entry: e, keyNode, key: keyOf(keyNode), valueNode: e.childForFieldName('right') ?? undefined });
    } else if (e.type === 'initializer_expression' && e.namedChildCount === 2) {
      // `{ "key", value }`
      const [k, v] = [e.namedChild(0), e.namedChild(1)];
      if (k) out.push({ entry: e, keyNode: k, key: keyOf(k), valueNode: v ?? undefined });
    } else if (e.type === 'object_creation_expression' && /KeyValuePair/.test(e.childForFieldName('type')?.text ?? '')) {
      const args = namedArgs(e.childForFieldName('arguments')).map((a) => a.lastNamedChild ?? a);
      if (args[0]) out.push({ entry: e, keyNode: args[0], key: keyOf(args[0]), valueNode: args[1] });
    }
  }
  return out;
}

function constantsOf(node: Node): Array<[string, string]> {
  if (node.type !== 'field_declaration' && node.type !== 'local_declaration_statement') return [];
  const mods = node.namedChildren.filter((c) => c?.type === 'modifier').map((c) => c?.text);
  const isConst = mods.includes('const') || (mods.includes('static') && mods.includes('readonly')) || /^\s*const\b/.test(node.text);
  if (!isConst) return [];
  const decl = node.namedChildren.find((c) => c?.type === 'variable_declaration');
  const out: Array<[string, string]> = [];
  for (const d of decl?.namedChildren ?? []) {
    if (!d || d.type !== 'variable_declarator') continue;
    const name = d.childForFieldName('name') ?? d.namedChild(0);
    const value = d.namedChildren.find((c) => c !== null && c !== name && stringValue(unwrap(c)) !== undefined);
    const v = value ? stringValue(unwrap(value)) : undefined;
    if (name && v !== undefined) out.push([name.text, v]);
  }
  return out;
}

export const csharpDialect = defineDialect({
  family: 'csharp',
  stringTypes: new Set(['string_literal', 'verbatim_string_literal', 'raw_string_literal', 'interpolated_string_expression']),
  calls: {
    type: 'invocation_expression', callee: 'function', member, names: new Set(['identifier', 'generic_name']),
    special: conditionalCallee, nameOf: (n) => (n.type === 'generic_name' ? n.namedChild(0) : n), split: splitArgs,
  },
  stringValue,
  segments,
  mapEntries,
  listElements: (node) => {
    const n = unwrap(node);
    if (n.type === 'collection_expression' || n.type === 'initializer_expression') return namedArgs(n).map((e) => unwrap(e));
    const init = n.type === 'array_creation_expression' || n.type === 'implicit_array_creation_expression' || n.type === 'object_creation_expression'
      ? n.namedChildren.find((c) => c?.type === 'initializer_expression') : undefined;
    return init ? namedArgs(init).map((e) => unwrap(e)) : undefined;
  },
  constantsOf,
});
