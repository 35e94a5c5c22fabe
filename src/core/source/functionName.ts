/**
 * Splits fully qualified function names from span data and stack frames into the
 * parts editors show as symbols: the function's own name and its enclosing type.
 * Handles Java (`com.x.Svc.serve`, `Svc$Inner`, `lambda$serve$0`, `<init>`), Go
 * (`github.com/my/repo/pkg.(*T).Method`, `pkg.T.Method`, `pkg.foo.func1`), Python
 * (`module.Class.method`, `<locals>`), JS (`Class.method`, `new Foo`, `async x`),
 * C# (`Ns.Class.Method`, `.ctor`, `<Method>d__5.MoveNext`), PHP/Rust/Ruby separators.
 */

export interface FunctionNameParts {
  /** The name a document symbol would carry, e.g. `serve`; empty when nothing usable is left. */
  simple: string;
  /** The enclosing class, type or Go receiver type (without `*`), when the name says. */
  container?: string;
  /** Namespace / package / module segments before the container. */
  qualifier: string[];
  /** Go only: the import path, e.g. `github.com/my/repo/pkg`. */
  goPackagePath?: string;
  /** A constructor (`<init>`, `.ctor`, `new Foo`, `__init__`, `constructor`). */
  constructor: boolean;
}

const MAX_NAME_LENGTH = 1024;
const PLAIN_IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const ANONYMOUS = /^(?:func\d+|\d+|<locals>|<lambda>|<anonymous>|<genexpr>|<listcomp>|<dictcomp>|<setcomp>|<module>|anonymous|\$anonfun.*|\$\d+)$/;

export function parseFunctionName(raw: string, namespace?: string): FunctionNameParts {
  let s = raw.length > MAX_NAME_LENGTH ? raw.slice(0, MAX_NAME_LENGTH) : raw;
  s = s.trim().replace(/^(?:async|static|get|set)\s+/, '');
  let ctor = false;
  if (s.startsWith('new ')) {
    s = `${s.slice(4).trim()}.constructor`;
  }
  // C# constructors: `Ns.Class..ctor` / `..cctor`.
  s = s.replace(/\.\.c?ctor\b/, '.<init>');

  let goPackagePath: string | undefined;
  const slash = lastTopLevelSlash(s);
  let prefix = '';
  if (slash >= 0) {
    prefix = s.slice(0, slash + 1);
    s = s.slice(slash + 1);
  }
  let segments = splitTopLevel(s);
  if (slash >= 0 && segments.length > 0) goPackagePath = prefix + segments[0];
  if (namespace !== undefined && namespace.trim() !== '') {
    const ns = splitTopLevel(namespace.trim());
    // Old conventions split Java/PHP names in two; new ones repeat the namespace in the name.
    const alreadyQualified = ns.length > 0 && segments.length > ns.length && ns.every((p, i) => segments[i] === p);
    if (!alreadyQualified) segments = [...ns, ...segments];
  }

  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    let seg = segments[i];
    // C# async state machines and lambdas: `<Method>d__5.MoveNext`, `<Method>b__0_0`.
    const csharp = /^<([^>]+)>[a-z]__/.exec(seg);
    if (csharp) {
      out.push(csharp[1]);
      if (segments[i + 1] === 'MoveNext') i++;
      continue;
    }
    const javaLambda = /^lambda\$([^$]+)\$/.exec(seg);
    if (javaLambda) {
      out.push(javaLambda[1]);
      continue;
    }
    if (seg === '<init>' || seg === 'constructor' || seg === '__init__' || seg === '<clinit>') {
      ctor = true;
      if (seg === '__init__' || seg === 'constructor') out.push(seg);
      else out.push('<init>');
      continue;
    }
    if (ANONYMOUS.test(seg)) continue;
    // Go receivers `(*T)` / `(T)`, generic brackets `Foo[...]`, parameter lists `serve(String)`.
    const receiver = /^\(\*?([^)]*)\)$/.exec(seg);
    if (receiver) seg = receiver[1];
    seg = seg.replace(/\[[^\]]*\]$/, '').replace(/\(.*\)$/, '').replace(/`\d+$/, '');
    if (seg === '') continue;
    out.push(seg);
  }
  // Java inner classes: `Svc$Inner` is the type `Inner` inside `Svc`; `Svc$1` is anonymous in `Svc`.
  const expanded: string[] = [];
  for (const seg of out) {
    if (seg.includes('$') && !seg.startsWith('$')) {
      for (const part of seg.split('$')) if (part !== '' && !/^\d+$/.test(part)) expanded.push(part);
    } else expanded.push(seg);
  }
  let simple = expanded.pop() ?? '';
  let container = expanded.length > 0 ? expanded[expanded.length - 1] : undefined;
  if (simple === '<init>') {
    // Java/C# constructors show up under the class name in document symbols.
    simple = container ?? '';
  }
  if (goPackagePath !== undefined && expanded.length === 1) {
    // `pkg.func`: the only qualifier is the package, not a type.
    container = undefined;
  }
  const qualifier = container !== undefined ? expanded.slice(0, -1) : expanded;
  const parts: FunctionNameParts = { simple, qualifier, constructor: ctor };
  if (container !== undefined) parts.container = container;
  if (goPackagePath !== undefined) parts.goPackagePath = goPackagePath;
  return parts;
}

/** Splits on `.`, `::`, `#` and `\` outside brackets, so `(*T)` and `<locals>` stay whole. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '>' || c === '}') && depth > 0) depth--;
    if (depth === 0) {
      if (c === '.' || c === '#' || c === '\\') {
        out.push(cur);
        cur = '';
        continue;
      }
      if (c === ':' && s[i + 1] === ':') {
        out.push(cur);
        cur = '';
        i++;
        continue;
      }
    }
    cur += c;
  }
  out.push(cur);
  return out.filter((p) => p !== '');
}

function lastTopLevelSlash(s: string): number {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '<') depth++;
    else if ((c === ')' || c === ']' || c === '>') && depth > 0) depth--;
    else if (c === '/' && depth === 0) last = i;
  }
  return last;
}

/**
 * Parts of a document symbol's name as language servers spell it: `serve(String)`
 * (Java), `(*T).Method` (gopls), `Method(int)` (C#), `constructor`, `get foo`.
 */
export function parseSymbolName(name: string): { simple: string; receiver?: string } {
  // Most symbol names are plain identifiers: skip the regular expressions (this runs per symbol per provide).
  if (PLAIN_IDENTIFIER.test(name)) return { simple: name };
  let s = name.trim().replace(/^(?:async|static|get|set)\s+/, '');
  const go = /^\(\*?([^)]*)\)\.(.+)$/.exec(s);
  let receiver: string | undefined;
  if (go) {
    receiver = go[1].replace(/\[.*\]$/, '');
    s = go[2];
  }
  s = s.replace(/\s*:.*$/, '').replace(/\(.*$/, '').replace(/<.*$/, '').replace(/\[.*$/, '').trim();
  return receiver !== undefined ? { simple: s, receiver } : { simple: s };
}
