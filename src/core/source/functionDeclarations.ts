/**
 * Function and method declarations of a source file, read from its syntax tree (tree-sitter, the
 * grammars the lint already bundles): what a document-symbol provider would answer, for the five
 * languages Trace Lens lints, whether or not a language extension is installed. Also knows what
 * providers leave out: the package or namespace, and where the annotations above a signature start.
 * No `vscode` here: the extension turns the result into lenses through symbolMatching.
 */
import type { Language, Node, Query, Tree } from 'web-tree-sitter';
import { webTreeSitter } from '../lint/grammarLoader';
import { familyOf, type LanguageFamily, type LanguageId } from '../lint/languages';
import type { TreeCache } from '../lint/treeCache';
import { SymbolKindValue, type SymbolNode } from './symbolMatching';

/** 0-based, inclusive lines. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

export type DeclarationKind = 'function' | 'method' | 'constructor';

export interface FunctionDeclaration {
  /** As declared: `checkout`, `__init__`, `constructor`, `Serve`. */
  name: string;
  kind: DeclarationKind;
  /** Package / namespace segments: `['com','example']` (Java), `['Shop','Orders']` (C#), `['orders']` (Go); empty for Python and JS. */
  namespace: string[];
  /** Enclosing classes, structs, interfaces or functions, outermost first; a Go method's receiver type. */
  containers: string[];
  /**
   * From the first decorator or annotation (or `export`) to the line where the body opens: the lens
   * goes on its first line, so it sits above the whole declaration as a reader sees it.
   */
  signature: LineRange;
  /** The line of the name, where a hover answers. */
  nameLine: number;
  /** Undefined for declarations without a body (abstract and interface methods). */
  body?: LineRange;
}

export interface SourceOutline {
  declarations: FunctionDeclaration[];
  /**
   * The same declarations as the document-symbol tree the lens index matches against (namespaces
   * and classes as containers, Go methods named `(*T).Name` as gopls does), so matching stays one
   * piece of code whichever source the symbols came from.
   */
  symbols: SymbolNode[];
}

/** Above this many declarations the file is generated: the rest are left out (as symbolMatching caps symbols). */
const MAX_DECLARATIONS = 50_000;

type Shape =
  /** A function; `kind` says what it is when directly inside a type. */
  | { role: 'function'; isConstructor?: boolean }
  /** A class-like container named by its `name` field. */
  | { role: 'type' }
  /** A namespace with a body (C# `namespace X { }`, TS `namespace X { }`). */
  | { role: 'namespace' }
  /** A declaration that puts the rest of the file in a package: Java `package`, Go `package`, C# `namespace X;`. */
  | { role: 'file-namespace' };

/** Node types per language family; functions that are values (arrows, lambdas) are named by where they are assigned. */
const SHAPES: Readonly<Record<LanguageFamily, Readonly<Record<string, Shape>>>> = {
  java: {
    method_declaration: { role: 'function' },
    constructor_declaration: { role: 'function', isConstructor: true },
    compact_constructor_declaration: { role: 'function', isConstructor: true },
    class_declaration: { role: 'type' },
    interface_declaration: { role: 'type' },
    enum_declaration: { role: 'type' },
    record_declaration: { role: 'type' },
    annotation_type_declaration: { role: 'type' },
    package_declaration: { role: 'file-namespace' },
  },
  csharp: {
    method_declaration: { role: 'function' },
    constructor_declaration: { role: 'function', isConstructor: true },
    local_function_statement: { role: 'function' },
    class_declaration: { role: 'type' },
    struct_declaration: { role: 'type' },
    interface_declaration: { role: 'type' },
    record_declaration: { role: 'type' },
    record_struct_declaration: { role: 'type' },
    namespace_declaration: { role: 'namespace' },
    file_scoped_namespace_declaration: { role: 'file-namespace' },
  },
  go: {
    function_declaration: { role: 'function' },
    method_declaration: { role: 'function' },
    package_clause: { role: 'file-namespace' },
  },
  python: {
    function_definition: { role: 'function' },
    class_definition: { role: 'type' },
  },
  js: {
    function_declaration: { role: 'function' },
    generator_function_declaration: { role: 'function' },
    method_definition: { role: 'function' },
    // Named by their variable, property, field or assignment; anonymous callbacks are no lens target.
    arrow_function: { role: 'function' },
    function_expression: { role: 'function' },
    function: { role: 'function' },
    generator_function: { role: 'function' },
    class_declaration: { role: 'type' },
    abstract_class_declaration: { role: 'type' },
    class: { role: 'type' },
    interface_declaration: { role: 'type' },
    internal_module: { role: 'namespace' },
    module: { role: 'namespace' },
  },
};

/** Wrappers whose first line is the declaration's first line as a reader sees it. */
const LEADING_WRAPPERS = new Set(['decorated_definition', 'export_statement']);

interface Scope {
  /** Where the node that opened the scope ends. */
  endIndex: number;
  name: string;
  role: 'function' | 'type' | 'namespace';
  symbol: SymbolNode;
}

/**
 * The outline of `text`: parses it with the cache's parser for `language` (incrementally, when
 * `cacheKey` names a document parsed before) and reads the declarations off the tree.
 */
export async function outlineSource(trees: TreeCache, text: string, language: LanguageId, cacheKey?: string): Promise<SourceOutline> {
  const tree: Tree | null = await trees.parse(text, language, cacheKey);
  if (!tree) return { declarations: [], symbols: [] };
  try {
    return outlineTree(tree, language);
  } finally {
    tree.delete();
  }
}

/**
 * The outline of a parsed tree. One query finds the declaration nodes inside the wasm module, and
 * only those are read from JavaScript: a full cursor walk of a 5,000-line file took longer than
 * parsing it.
 */
export function outlineTree(tree: Tree, language: LanguageId): SourceOutline {
  const family = familyOf(language);
  const shapes = SHAPES[family];
  const declarations: FunctionDeclaration[] = [];
  const roots: SymbolNode[] = [];
  /** Where top-level symbols go: the root, or the file's package once one is declared. */
  let top = roots;
  let namespace: string[] = [];
  const scopes: Scope[] = [];
  const nodes = declarationQuery(tree.language, shapes).captures(tree.rootNode).map((c) => c.node);
  // Outer before inner at the same start, so the stack of open scopes nests.
  nodes.sort((x, y) => x.startIndex - y.startIndex || y.endIndex - x.endIndex);
  for (const node of nodes) {
    if (declarations.length >= MAX_DECLARATIONS) break;
    while (scopes.length > 0 && scopes[scopes.length - 1].endIndex <= node.startIndex) scopes.pop();
    const shape = shapes[node.type];
    if (!shape) continue;
    const parentSymbols = scopes.length > 0 ? (scopes[scopes.length - 1].symbol.children ??= []) : top;
    if (shape.role === 'file-namespace') {
      const name = namespaceName(node);
      if (name !== undefined && scopes.length === 0) {
        namespace = [...namespace, ...name.split('.')];
        const pkg: SymbolNode = { name, kind: SymbolKindValue.Package, range: { startLine: node.startPosition.row, endLine: tree.rootNode.endPosition.row }, selectionLine: node.startPosition.row, children: [] };
        top.push(pkg);
        top = pkg.children!;
      }
    } else if (shape.role === 'type' || shape.role === 'namespace') {
      const nameNode = node.childForFieldName('name');
      if (!nameNode) continue;
      const name = nameNode.text;
      const symbol: SymbolNode = {
        name,
        kind: shape.role === 'type' ? SymbolKindValue.Class : SymbolKindValue.Namespace,
        range: { startLine: leadingStart(node, family), endLine: node.endPosition.row },
        selectionLine: nameNode.startPosition.row,
        children: [],
      };
      parentSymbols.push(symbol);
      scopes.push({ endIndex: node.endIndex, name, role: shape.role, symbol });
    } else {
      const fn = functionOf(node, family, shape.isConstructor === true);
      if (!fn) continue;
      const enclosing = scopes[scopes.length - 1];
      const inType = enclosing !== undefined && enclosing.role === 'type';
      const kind: DeclarationKind = fn.isConstructor ? 'constructor' : inType || fn.receiver !== undefined ? 'method' : 'function';
      const containers = scopes.filter((x) => x.role !== 'namespace').map((x) => x.name);
      if (fn.receiver !== undefined) containers.push(fn.receiver.type);
      const startLine = leadingStart(fn.outer, family);
      const signatureEnd = fn.body ? (fn.body.previousSibling?.endPosition.row ?? fn.body.startPosition.row) : node.endPosition.row;
      const decl: FunctionDeclaration = {
        name: fn.name,
        kind,
        namespace: [...namespace, ...scopes.filter((x) => x.role === 'namespace').flatMap((x) => x.name.split('.'))],
        containers,
        signature: { startLine, endLine: Math.max(startLine, signatureEnd) },
        nameLine: fn.nameLine,
      };
      if (fn.body) decl.body = { startLine: fn.body.startPosition.row, endLine: fn.body.endPosition.row };
      declarations.push(decl);
      const symbol: SymbolNode = {
        // gopls spells methods `(*T).Name`; parseSymbolName reads the receiver back from it.
        name: fn.receiver !== undefined ? `(${fn.receiver.pointer ? '*' : ''}${fn.receiver.type}).${fn.name}` : fn.name,
        kind: kind === 'constructor' ? SymbolKindValue.Constructor : kind === 'method' ? SymbolKindValue.Method : SymbolKindValue.Function,
        range: { startLine, endLine: Math.max(startLine, fn.outer.endPosition.row) },
        selectionLine: fn.nameLine,
        children: [],
      };
      parentSymbols.push(symbol);
      scopes.push({ endIndex: node.endIndex, name: fn.name, role: 'function', symbol });
    }
  }
  return { declarations, symbols: roots };
}

const queries = new WeakMap<Language, Query>();

/** One query per loaded grammar: every node type of the table that the grammar has (grammar versions differ). */
function declarationQuery(language: Language, shapes: Readonly<Record<string, Shape>>): Query {
  let query = queries.get(language);
  if (!query) {
    const types = Object.keys(shapes).filter((t) => language.idForNodeType(t, true) !== null);
    query = new (webTreeSitter().Query)(language, `[${types.map((t) => `(${t})`).join(' ')}] @declaration`);
    queries.set(language, query);
  }
  return query;
}

interface FunctionShape {
  name: string;
  nameLine: number;
  /** The node whose lines the function covers: the declaration, or the variable / property holding an arrow. */
  outer: Node;
  body?: Node;
  isConstructor: boolean;
  receiver?: { type: string; pointer: boolean };
}

function functionOf(node: Node, family: LanguageFamily, constructor: boolean): FunctionShape | undefined {
  const body = node.childForFieldName('body') ?? undefined;
  const nameNode = node.childForFieldName('name');
  if (nameNode) {
    const name = nameNode.text;
    const fn: FunctionShape = {
      name,
      nameLine: nameNode.startPosition.row,
      outer: node,
      isConstructor: constructor || (family === 'js' && name === 'constructor') || (family === 'python' && name === '__init__'),
    };
    if (body) fn.body = body;
    if (family === 'go' && node.type === 'method_declaration') {
      const receiver = goReceiver(node);
      if (receiver) fn.receiver = receiver;
    }
    return fn;
  }
  if (family !== 'js') return undefined;
  // `const price = () => …`, `{ run: function () {} }`, `handler = async () => {}` in a class, `exports.x = function …`.
  const holder = node.parent;
  if (!holder) return undefined;
  let named: Node | null = null;
  switch (holder.type) {
    case 'variable_declarator':
      if (holder.childForFieldName('value')?.id === node.id) named = holder.childForFieldName('name');
      break;
    case 'pair':
      if (holder.childForFieldName('value')?.id === node.id) named = holder.childForFieldName('key');
      break;
    case 'public_field_definition':
    case 'field_definition':
      if (holder.childForFieldName('value')?.id === node.id) named = holder.childForFieldName('name') ?? holder.childForFieldName('property');
      break;
    case 'assignment_expression': {
      const left = holder.childForFieldName('left');
      if (holder.childForFieldName('right')?.id === node.id && left) named = left.type === 'member_expression' ? left.childForFieldName('property') : left;
      break;
    }
    default:
      return undefined;
  }
  if (!named || !/^[\w$]+$/.test(named.text)) return undefined;
  // The statement is what a reader sees as the declaration (`export const x = …` starts at `export`).
  const outer = holder.type === 'variable_declarator' && holder.parent ? holder.parent : holder.type === 'assignment_expression' && holder.parent?.type === 'expression_statement' ? holder.parent : holder;
  const fn: FunctionShape = { name: named.text, nameLine: named.startPosition.row, outer, isConstructor: false };
  if (body) fn.body = body;
  return fn;
}

/** `func (s *Server[T]) Serve()` → `Server`, pointer. */
function goReceiver(node: Node): { type: string; pointer: boolean } | undefined {
  const param = node.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  let type = param?.childForFieldName('type') ?? null;
  let pointer = false;
  for (let i = 0; i < 4 && type; i++) {
    if (type.type === 'type_identifier') return { type: type.text, pointer };
    if (type.type === 'pointer_type') pointer = true;
    type = type.type === 'generic_type' ? type.childForFieldName('type') : type.namedChild(0);
  }
  return undefined;
}

/** `package com.example;` → `com.example`; Go `package orders`; C# `namespace Shop.Orders;`. */
function namespaceName(node: Node): string | undefined {
  const named = node.childForFieldName('name') ?? node.namedChildren.find((c) => c !== null && /identifier|qualified_name/.test(c.type)) ?? null;
  const text = named?.text.replace(/\s+/g, '');
  return text && /^[\w.]+$/.test(text) ? text : undefined;
}

/**
 * The first line of a declaration as a reader sees it: Java and C# annotations are inside the
 * node already; Python decorators and JS `export` wrap it; TypeScript decorators of class members
 * are the siblings just before it.
 */
function leadingStart(node: Node, family: LanguageFamily): number {
  let outer = node;
  for (let i = 0; i < 2 && outer.parent && LEADING_WRAPPERS.has(outer.parent.type); i++) outer = outer.parent;
  let start = outer.startPosition.row;
  if (family === 'js') {
    for (let prev = outer.previousNamedSibling; prev && prev.type === 'decorator'; prev = prev.previousNamedSibling) start = prev.startPosition.row;
  }
  return start;
}
