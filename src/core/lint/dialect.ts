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

/** How one grammar spells dotted expressions such as `a.b["c"].d()`, for `dottedSegments`. */
export interface SegmentGrammar {
  /** Node types that are one segment by themselves (identifiers, `this`). */
  names: ReadonlySet<string>;
  /** Member access: node type → [object field, property field]. */
  member: Readonly<Record<string, readonly [string, string]>>;
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
