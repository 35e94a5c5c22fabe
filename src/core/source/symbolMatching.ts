import { parseFunctionName, parseSymbolName } from './functionName';
import type { FunctionNameParts } from './functionName';

/**
 * A document symbol as the editor side hands it over (converted from
 * `vscode.DocumentSymbol`): 0-based lines, `kind` is the `vscode.SymbolKind` number.
 */
export interface SymbolNode {
  name: string;
  kind: number;
  range: { startLine: number; endLine: number };
  selectionLine: number;
  children?: SymbolNode[];
}

/** `vscode.SymbolKind` values used here (the enum is 0-based: File = 0). */
export const SymbolKindValue = {
  Module: 1,
  Namespace: 2,
  Package: 3,
  Class: 4,
  Method: 5,
  Property: 6,
  Field: 7,
  Constructor: 8,
  Enum: 9,
  Interface: 10,
  Function: 11,
  Variable: 12,
  Constant: 13,
  Object: 18,
  Struct: 22,
} as const;

const FUNCTION_KINDS = new Set<number>([SymbolKindValue.Method, SymbolKindValue.Constructor, SymbolKindValue.Function]);
/** JS/TS arrow functions in variables and object properties: matched by name only. */
const WEAK_FUNCTION_KINDS = new Set<number>([SymbolKindValue.Variable, SymbolKindValue.Property, SymbolKindValue.Field, SymbolKindValue.Constant]);
const CONTAINER_KINDS = new Set<number>([
  SymbolKindValue.Class,
  SymbolKindValue.Interface,
  SymbolKindValue.Struct,
  SymbolKindValue.Enum,
  SymbolKindValue.Object,
  SymbolKindValue.Module,
  SymbolKindValue.Namespace,
]);

export interface FunctionSymbol {
  name: string;
  simple: string;
  /** Enclosing class / struct / function, or the Go receiver type. */
  container?: string;
  /**
   * Every enclosing name, outermost first, namespaces split on dots: `['com','example','Shop']` for a
   * Java method whose file declares its package (the bundled parser's symbols do; providers nest
   * namespaces only in some languages). Ends with `container` when there is one.
   */
  scope: string[];
  startLine: number;
  endLine: number;
  selectionLine: number;
  depth: number;
  constructor: boolean;
  /** A variable or property: only matched by name. */
  weak: boolean;
}

const MAX_SYMBOLS = 50_000;
const MAX_DEPTH = 64;

/** Function-like symbols of a document, in source order. */
export function flattenFunctions(symbols: readonly SymbolNode[]): FunctionSymbol[] {
  const out: FunctionSymbol[] = [];
  const walk = (nodes: readonly SymbolNode[], container: string | undefined, scope: readonly string[], depth: number): void => {
    for (const n of nodes) {
      if (out.length >= MAX_SYMBOLS || depth > MAX_DEPTH) return;
      if (typeof n?.name !== 'string' || typeof n.range?.startLine !== 'number') continue;
      const strong = FUNCTION_KINDS.has(n.kind);
      const weak = !strong && WEAK_FUNCTION_KINDS.has(n.kind) && n.range.endLine > n.range.startLine;
      let next = container;
      let nextScope = scope;
      if (strong || weak) {
        const parsed = parseSymbolName(n.name);
        const fn: FunctionSymbol = {
          name: n.name,
          simple: parsed.simple,
          startLine: n.range.startLine,
          endLine: n.range.endLine,
          selectionLine: typeof n.selectionLine === 'number' ? n.selectionLine : n.range.startLine,
          depth,
          constructor: n.kind === SymbolKindValue.Constructor || parsed.simple === 'constructor' || parsed.simple === '__init__',
          weak,
          scope: parsed.receiver !== undefined ? [...scope, parsed.receiver] : [...scope],
        };
        const c = parsed.receiver ?? container;
        if (c !== undefined) fn.container = c;
        out.push(fn);
        if (strong) {
          next = parsed.simple;
          nextScope = [...fn.scope, parsed.simple];
        }
      } else if (CONTAINER_KINDS.has(n.kind)) {
        next = parseSymbolName(n.name).simple;
        // `namespace Shop.Orders` is two qualifier segments, as span names spell them.
        nextScope = n.kind === SymbolKindValue.Namespace || n.kind === SymbolKindValue.Module ? [...scope, ...next.split('.').filter((p) => p !== '')] : [...scope, next];
      } else if (n.kind === SymbolKindValue.Package) {
        // A package wraps a file's classes (the bundled parser's Java and Go symbols): a qualifier, not a container.
        nextScope = [...scope, ...n.name.split('.').filter((p) => p !== '')];
      }
      if (Array.isArray(n.children) && n.children.length > 0) walk(n.children, next, nextScope, depth + 1);
    }
  };
  walk(symbols, undefined, [], 0);
  out.sort((a, b) => a.startLine - b.startLine || a.depth - b.depth);
  return out;
}

export type MatchReason = 'line' | 'name' | 'name-near-line' | 'line-name-mismatch';

export interface FunctionMatch {
  fn: FunctionSymbol;
  reason: MatchReason;
  /** Human explanation for "Explain Source Mapping". */
  detail: string;
}

export interface LocationForMatching {
  /** 1-based, as in span data. */
  lineNumber?: number;
  functionName?: string;
  namespace?: string;
}

/** How far (in lines) a same-named function may be from the reported line to count as drift. */
export const LINE_DRIFT = 200;

/**
 * Finds the function a location refers to: by line (innermost function containing
 * it), checked against the reported function name; when the line lands in another
 * function but a function with the reported name exists (local edits moved the
 * code), the name wins. Returns undefined when neither works.
 */
export function matchFunction(fns: readonly FunctionSymbol[], loc: LocationForMatching, parsedName?: FunctionNameParts): FunctionMatch | undefined {
  const line = loc.lineNumber !== undefined ? loc.lineNumber - 1 : undefined;
  const byLine = line !== undefined ? innermostContaining(fns, line) : undefined;
  const want = parsedName ?? (loc.functionName !== undefined ? parseFunctionName(loc.functionName, loc.namespace) : undefined);
  if (!want || want.simple === '') {
    return byLine ? { fn: byLine, reason: 'line', detail: `line ${line! + 1} is inside ${byLine.name}` } : undefined;
  }
  if (byLine && namesAgree(byLine, want)) return { fn: byLine, reason: 'line', detail: `line ${line! + 1} is inside ${byLine.name}, whose name matches` };

  let best: FunctionSymbol | undefined;
  let bestScore = -Infinity;
  for (const fn of fns) {
    if (!namesAgree(fn, want)) continue;
    let score = 0;
    if (want.container !== undefined && fn.container !== undefined) score += fn.container === want.container ? 4 : -2;
    if (fn.weak) score -= 1;
    if (line !== undefined) score -= Math.min(Math.abs(fn.startLine - line), 100_000) / 100_000;
    if (score > bestScore) {
      bestScore = score;
      best = fn;
    }
  }
  if (best) {
    if (line === undefined) return { fn: best, reason: 'name', detail: `no line reported; ${best.name} has the reported name` };
    const distance = line < best.startLine ? best.startLine - line : line > best.endLine ? line - best.endLine : 0;
    return distance <= LINE_DRIFT
      ? { fn: best, reason: 'name-near-line', detail: `line ${line + 1} is ${byLine ? `inside ${byLine.name}` : 'outside any function'}, but ${best.name} (${distance} lines away) has the reported name` }
      : { fn: best, reason: 'name', detail: `line ${line + 1} is far from ${best.name} (${distance} lines), matched by name` };
  }
  if (byLine) return { fn: byLine, reason: 'line-name-mismatch', detail: `no function named ${want.simple}; line ${line! + 1} is inside ${byLine.name}` };
  return undefined;
}

export function innermostContaining(fns: readonly FunctionSymbol[], line: number): FunctionSymbol | undefined {
  let best: FunctionSymbol | undefined;
  for (const fn of fns) {
    if (fn.startLine > line) break;
    if (fn.weak || line > fn.endLine) continue;
    if (!best || fn.depth > best.depth || (fn.depth === best.depth && fn.startLine >= best.startLine)) best = fn;
  }
  return best;
}

function namesAgree(fn: FunctionSymbol, want: FunctionNameParts): boolean {
  if (fn.simple === want.simple) return true;
  if (want.constructor && fn.constructor) return want.container === undefined || fn.container === undefined || fn.container === want.container;
  return false;
}
