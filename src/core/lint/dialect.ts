/**
 * What the source rules need to know about one language's syntax tree, so rule logic is
 * written once. Each dialect maps its grammar's node types onto these few shapes.
 */
import type { Node } from 'web-tree-sitter';
import type { LanguageFamily } from './languages';

export interface CallInfo {
  node: Node;
  /** Last segment of the callee: `startSpan` for `tracer.startSpan(...)`. */
  name: string;
  /** The node naming the callee's last segment, for ranges. */
  nameNode: Node;
  /** What the method is called on; undefined for a bare function call. */
  receiver?: Node;
  /** Positional arguments, unwrapped (C# `argument` nodes, Python splats excluded). */
  args: Node[];
  /** Named / keyword arguments (`attributes=` in Python, `tags:` in C#). */
  named: Map<string, Node>;
  /** The argument list node, `(` … `)`. */
  argList?: Node;
}

/** Same-file string constants by name (`KEY`, `ATTR.TOKEN`). */
export interface ConstantLookup {
  get(name: string): string | undefined;
}

export interface KeyValueEntry {
  /** Removable unit: the pair, keyword, initializer element. */
  entry: Node;
  keyNode: Node;
  /** Literal key text, or undefined when computed from a non-constant. */
  key?: string;
  valueNode?: Node;
}

export interface Dialect {
  family: LanguageFamily;
  /** Prefix of a line comment. */
  lineComment: string;
  /** Node types that are string literals (with or without interpolation). */
  stringTypes: ReadonlySet<string>;
  callTypes: ReadonlySet<string>;
  /** Content of a string literal without interpolation; undefined otherwise. */
  stringValue(node: Node): string | undefined;
  callInfo(node: Node): CallInfo | undefined;
  /** `a.b.c()` → ["a","b","c"]; subscripts with literal keys included; undefined for other shapes. */
  segments(node: Node): string[] | undefined;
  /** Unwraps parentheses, casts, awaits, non-null assertions. */
  unwrap(node: Node): Node;
  /** Entries of an object/dict/initializer literal used as an attribute map; undefined if not one. */
  mapEntries(node: Node, constants: ConstantLookup): KeyValueEntry[] | undefined;
  /** Elements of an array/list literal, or undefined. */
  listElements(node: Node): Node[] | undefined;
  /** Constant string declarations this node makes: `const KEY = "x"` → ["KEY","x"]. */
  constantsOf(node: Node): Array<[string, string]>;
  /** Quotes text as this language's plain string literal. */
  quote(text: string): string;
}

/** Type names of common wrapper nodes across grammars. */
const WRAPPERS = new Set([
  'parenthesized_expression', 'as_expression', 'non_null_expression', 'await_expression', 'satisfies_expression',
  'type_assertion', 'cast_expression', 'argument', 'expression_list', 'literal_element', 'checked_expression',
]);

export function unwrapCommon(node: Node): Node {
  let n = node;
  for (let i = 0; i < 8 && WRAPPERS.has(n.type); i++) {
    let inner: Node | null;
    switch (n.type) {
      case 'cast_expression':
        inner = n.childForFieldName('value') ?? n.lastNamedChild;
        break;
      case 'type_assertion':
      case 'argument':
        inner = n.lastNamedChild;
        break;
      case 'expression_list':
        // Keep multi-value lists (`a, b`) whole.
        inner = n.namedChildCount === 1 ? n.namedChild(0) : null;
        break;
      default:
        inner = n.namedChild(0);
    }
    if (!inner) break;
    n = inner;
  }
  return n;
}

export function namedArgs(list: Node | null): Node[] {
  if (!list) return [];
  return list.namedChildren.filter((c): c is Node => c !== null && !c.type.includes('comment'));
}

export function jsStyleQuote(text: string, q: '"' | "'"): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(q === '"' ? /"/g : /'/g, `\\${q}`).replace(/\n/g, '\\n');
  return `${q}${escaped}${q}`;
}

/** Decodes the common backslash escapes; exotic ones are left as written. */
export function unescapeCommon(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'u': return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
      case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
      default: return e;
    }
  });
}

/** The parts of a string literal joined, escape sequences decoded; undefined when a part interpolates. */
export function joinStringParts(node: Node, interpolation?: string): string | undefined {
  let out = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === interpolation) return undefined;
    out += c.type === 'escape_sequence' ? unescapeCommon(c.text) : c.text;
  }
  return out;
}

/** Member access: node type → [object field, property field]; shared by segments and calls. */
export type MemberTable = Readonly<Record<string, readonly [string, string]>>;

/** How one grammar spells dotted expressions such as `a.b["c"].d()`, for `dottedSegments`. */
export interface SegmentGrammar {
  /** Node types that are one segment by themselves (identifiers, `this`). */
  names: ReadonlySet<string>;
  /** Member access: node type → [object field, property field]. */
  member: MemberTable;
  /** Subscript with a literal key: node type → [object field, index field]. */
  index?: Readonly<Record<string, readonly [string, string]>>;
  /** Calls, whose segments are their callee's: node type → function field. */
  call?: Readonly<Record<string, string>>;
  unwrap(node: Node): Node;
  stringValue(node: Node): string | undefined;
  /** Forms the tables cannot express; return `null` for "not this form". */
  special?(node: Node, segments: (n: Node) => string[] | undefined): string[] | undefined | null;
}

/** `a.b.c()` → ["a","b","c"] for any grammar described by a SegmentGrammar. */
export function dottedSegments(grammar: SegmentGrammar): (node: Node) => string[] | undefined {
  const segments = (node: Node): string[] | undefined => {
    const n = grammar.unwrap(node);
    if (grammar.names.has(n.type)) return [n.text];
    const member = grammar.member[n.type];
    if (member) {
      const obj = n.childForFieldName(member[0]);
      const prop = n.childForFieldName(member[1]);
      const head = obj ? segments(obj) : undefined;
      return head && prop ? [...head, prop.text] : undefined;
    }
    const index = grammar.index?.[n.type];
    if (index) {
      const obj = n.childForFieldName(index[0]);
      const key = n.childForFieldName(index[1]);
      const head = obj ? segments(obj) : undefined;
      const text = key ? grammar.stringValue(grammar.unwrap(key)) : undefined;
      return head && text !== undefined ? [...head, text] : undefined;
    }
    const call = grammar.call?.[n.type];
    if (call) {
      const fn = n.childForFieldName(call);
      return fn ? segments(fn) : undefined;
    }
    const special = grammar.special?.(n, segments);
    return special === null ? undefined : special;
  };
  return segments;
}

/** How one grammar spells a call `receiver.name(args)`, for `callInfoOf`. */
export interface CallGrammar {
  /** The call's node type. */
  type: string;
  /** Field holding the callee; absent where the call node names the method itself (Java). */
  callee?: string;
  /** Required type of the `arguments` field; any type when absent. */
  argList?: string;
  /** Callees of the form `receiver.name`. */
  member: MemberTable;
  /** Callee node types that are the name themselves. */
  names: ReadonlySet<string>;
  /** Unwraps the callee before it is matched (`(a.b)()`). */
  unwrapCallee?(node: Node): Node;
  /** Callee forms the tables cannot express; `null` for "not this form". */
  special?(callee: Node): { nameNode?: Node | null; receiver?: Node } | null;
  /** The identifier inside a name node that carries more (`Foo<T>` → `Foo`). */
  nameOf?(node: Node): Node | null;
  /** Splits the arguments into positional and named ones; default: all positional. */
  split?(argList: Node): { args: Node[]; named: Map<string, Node> };
}

/** `callInfo` for any grammar described by a CallGrammar. */
export function callInfoOf(grammar: CallGrammar): (node: Node) => CallInfo | undefined {
  return (node) => {
    if (node.type !== grammar.type) return undefined;
    const fn = grammar.callee === undefined ? node : node.childForFieldName(grammar.callee);
    const argList = node.childForFieldName('arguments');
    if (!fn || !argList || (grammar.argList !== undefined && argList.type !== grammar.argList)) return undefined;
    const target = grammar.unwrapCallee ? grammar.unwrapCallee(fn) : fn;
    let nameNode: Node | null | undefined = null;
    let receiver: Node | undefined;
    const member = grammar.member[target.type];
    if (member) {
      nameNode = target.childForFieldName(member[1]);
      receiver = target.childForFieldName(member[0]) ?? undefined;
    } else if (grammar.names.has(target.type)) {
      nameNode = target;
    } else {
      ({ nameNode, receiver } = grammar.special?.(target) ?? {});
    }
    if (nameNode && grammar.nameOf) nameNode = grammar.nameOf(nameNode);
    if (!nameNode) return undefined;
    const { args, named } = grammar.split?.(argList) ?? { args: namedArgs(argList), named: new Map<string, Node>() };
    return { node, name: nameNode.text, nameNode, receiver, args, named, argList };
  };
}

/** A dialect's own facts; what most grammars share is filled in by `defineDialect`. */
export interface DialectSpec extends Omit<Dialect, 'callTypes' | 'callInfo' | 'lineComment' | 'unwrap' | 'mapEntries' | 'listElements' | 'quote'> {
  calls: CallGrammar;
  /** List literals whose named children are the elements (`[a, b]`), for the default `listElements`. */
  listTypes?: ReadonlySet<string>;
  /** Default: the named children of a `listTypes` node. */
  listElements?(node: Node): Node[] | undefined;
  /** Default `//`. */
  lineComment?: string;
  /** Default `unwrapCommon`. */
  unwrap?(node: Node): Node;
  /** Default: no map literals (attributes are built with calls). */
  mapEntries?(node: Node, constants: ConstantLookup): KeyValueEntry[] | undefined;
  /** Default: double quotes. */
  quote?(text: string): string;
}

export function defineDialect({ calls, listTypes, ...spec }: DialectSpec): Dialect {
  const unwrap = spec.unwrap ?? unwrapCommon;
  return {
    lineComment: '//',
    unwrap,
    mapEntries: () => undefined,
    listElements: (node) => {
      const n = unwrap(node);
      return listTypes?.has(n.type) ? namedArgs(n) : undefined;
    },
    quote: (text) => jsStyleQuote(text, '"'),
    ...spec,
    callTypes: new Set([calls.type]),
    callInfo: callInfoOf(calls),
  };
}
