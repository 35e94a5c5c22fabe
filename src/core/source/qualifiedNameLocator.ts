/**
 * Which workspace file a span known only by its qualified name comes from (the Java agent's
 * `code.namespace=com.example.Shop` + `code.function=checkout`, `code.function.name` =
 * `github.com/acme/shop/orders.(*Server).Serve` or `orders.service.OrderService.create_order`).
 * The conventions of each language give the files to read first: Java and C# keep a class in a
 * file named after it (Java in folders named after its package), a Python module path is a file
 * path, a Go package path is a go.mod module path plus a folder. When none of those files has the
 * function, every workspace source file that mentions the name is read (JS/TS exports live
 * anywhere). A file counts only when its syntax tree declares the function inside the reported
 * type, package or module; more than one such file is reported as ambiguous, never guessed.
 * No `vscode` and no I/O here: the editor side reads and parses the files this module names.
 */
import { familyOf, languageForPath, type LanguageFamily } from '../lint/languages';
import type { FunctionNameParts } from './functionName';
import { normalizeSourcePath, stripExtension, type NormalizedPath } from './sourcePath';
import type { FunctionSymbol } from './symbolMatching';
import { countOf } from '../text/plural';

/** A Go module of the workspace: the folder of its go.mod and the module path it declares. */
export interface GoModule {
  dir: string;
  path: string;
}

/** One function a qualified name was found at. */
export interface QualifiedNameMatch {
  path: string;
  /** 0-based line of the declaration's first line. */
  line: number;
  /** The symbol's name as declared (`(*Server).Serve`, `checkout`). */
  name: string;
}

export interface QualifiedNameResolution {
  /** Every file whose functions fit the name: one is an answer, more is an ambiguity. */
  matches: QualifiedNameMatch[];
  /** Files read and parsed to find them. */
  searched: number;
  /** The search stopped at the file cap before reading every candidate. */
  truncated: boolean;
}

/** A broad search (no file by convention had the function) reads at most this many files. */
export const MAX_BROAD_SEARCH_FILES = 3_000;

/** `module github.com/acme/shop` (quoted or not) from a go.mod's text. */
export function goModulePath(goModText: string): string | undefined {
  const m = /^\s*module\s+"?([^\s"/][^\s"]*)"?\s*$/m.exec(goModText);
  return m?.[1];
}

/** Folders (segments, as the index spells them) that hold a Go package path, from the workspace's modules. */
function goPackageFolders(packagePath: string, modules: readonly GoModule[]): string[][] {
  const out: string[][] = [];
  for (const m of modules) {
    if (packagePath !== m.path && !packagePath.startsWith(`${m.path}/`)) continue;
    const rest = packagePath.slice(m.path.length).split('/').filter((s) => s !== '');
    out.push([...normalizeSourcePath(m.dir).segments, ...rest]);
  }
  return out;
}

/** A workspace source file as the search looks at it, computed once per index version (not per name). */
export interface SourceFile {
  path: string;
  family: LanguageFamily;
  /** Folder segments, as the index spells them. */
  folder: string[];
  /** Folder segments and the file name without its extension. */
  stem: string[];
  windows: boolean;
}

/** Undefined for files none of the bundled grammars reads. */
export function sourceFileOf(path: string, norm: NormalizedPath = normalizeSourcePath(path)): SourceFile | undefined {
  const language = languageForPath(path);
  if (language === undefined || norm.segments.length === 0) return undefined;
  const folder = norm.segments.slice(0, -1);
  return { path, family: familyOf(language), folder, stem: [...folder, stripExtension(norm.segments[norm.segments.length - 1])], windows: norm.windows };
}

/** Go names have a package path or a receiver in parentheses; others are not Go's. */
function isGoShaped(raw: string, parts: FunctionNameParts): boolean {
  return parts.goPackagePath !== undefined || /\(\*?[\w[\], ]+\)\./.test(raw);
}

/**
 * The files to read for a qualified name, most likely first: `likely` by the languages'
 * conventions, then `broad` (every other source file of a plausible language, to be read only when
 * no likely file has the function, and only those whose text mentions `parts.simple`).
 */
export function candidateFiles(raw: string, parts: FunctionNameParts, files: Iterable<SourceFile>, goModules: readonly GoModule[] = []): { likely: string[]; broad: string[] } {
  const go = isGoShaped(raw, parts);
  const goFolders = parts.goPackagePath !== undefined ? goPackageFolders(parts.goPackagePath, goModules) : [];
  const goPackage = parts.goPackagePath?.slice(parts.goPackagePath.lastIndexOf('/') + 1);
  const typeStem = parts.container !== undefined ? [...parts.qualifier, parts.container] : undefined;
  const likely: string[] = [];
  const broad: string[] = [];
  for (const file of files) {
    const { family, folder, stem } = file;
    if (go !== (family === 'go')) continue;
    let isLikely = false;
    if (family === 'go') {
      if (goFolders.length > 0) isLikely = goFolders.some((f) => sameSegments(f, folder, file.windows));
      else if (goPackage !== undefined) isLikely = folder[folder.length - 1] === goPackage;
    } else if (typeStem !== undefined && stem[stem.length - 1] === parts.container) {
      // `Shop.java`, `OrderService.cs`, `OrderService.ts`: the class's own file.
      isLikely = true;
    } else if (family === 'python' && parts.qualifier.length > 0) {
      // `orders.service.OrderService.create_order`: orders/service.py or orders/service/__init__.py.
      const module = stem[stem.length - 1] === '__init__' ? stem.slice(0, -1) : stem;
      isLikely = endsWith(module, parts.qualifier);
    }
    (isLikely ? likely : broad).push(file.path);
  }
  // A stable order for the few likely files (what Explain lists); the broad ones are read in index order.
  likely.sort();
  return { likely, broad };
}

/** Whether `text` may declare the function: the cheap test before a file is parsed. */
export function mentionsName(text: string, parts: FunctionNameParts): boolean {
  const names = parts.constructor && parts.container !== undefined ? [parts.container] : [parts.simple];
  return names.some((n) => n !== '' && new RegExp(`(?:^|[^\\w$])${n.replace(/[$]/g, '\\$')}(?![\\w$])`).test(text));
}

/**
 * The functions of one file (from symbolMatching's flattenFunctions) that a qualified name refers to.
 * For Go, with the workspace's modules, the file must sit in the package's folder.
 */
export function functionsFitting(parts: FunctionNameParts, fns: readonly FunctionSymbol[], path: string, goModules: readonly GoModule[] = []): FunctionSymbol[] {
  const norm = normalizeSourcePath(path);
  const segments = norm.segments;
  const stem = segments.length > 0 ? [...segments.slice(0, -1), stripExtension(segments[segments.length - 1])] : [];
  if (parts.goPackagePath !== undefined) {
    const folders = goPackageFolders(parts.goPackagePath, goModules);
    if (folders.length > 0 && !folders.some((f) => sameSegments(f, segments.slice(0, -1), norm.windows))) return [];
  }
  return fns.filter((fn) => !fn.weak && namesAgree(fn, parts) && qualifiedNameFits(parts, fn, stem, goModules.length > 0 && parts.goPackagePath !== undefined));
}

function namesAgree(fn: FunctionSymbol, parts: FunctionNameParts): boolean {
  if (fn.simple === parts.simple) return true;
  return parts.constructor && fn.constructor && (parts.container === undefined || fn.container === undefined || fn.container === parts.container);
}

function endsWith(whole: readonly string[], tail: readonly string[]): boolean {
  return tail.length > 0 && tail.length <= whole.length && tail.every((t, i) => whole[whole.length - tail.length + i] === t);
}

function sameSegments(a: readonly string[], b: readonly string[], windows: boolean): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, i) => (windows ? s.toLowerCase() === b[i].toLowerCase() : s === b[i]));
}

/**
 * Whether a function fits a location known only by qualified name: the file stem ends with the
 * namespace and type (Java `com/x/Svc.java`, Python module `orders/service.py`), the namespace
 * alone (Python `module.Class.method`), the Go package folder, or the function sits in a type of
 * the reported name. Where the source declares its package or namespace (the bundled parser reads
 * it), that must agree with the reported one too: `com.a.Shop.checkout` is not `com.b.Shop`'s.
 * `goFolderChecked`: the caller already placed the file in the Go package's folder by its go.mod.
 */
export function qualifiedNameFits(parts: FunctionNameParts, fn: FunctionSymbol, stem: readonly string[], goFolderChecked = false): boolean {
  if (parts.container !== undefined && fn.container !== undefined) {
    if (fn.container !== parts.container) return false;
    if (goFolderChecked) return true;
    // The shorter path is the tail of the longer: `Shop` (the agent's default package) fits `com.x.Shop`, and a provider's `Shop` fits `com.x.Shop`.
    const reported = [...parts.qualifier, parts.container];
    return reported.length <= fn.scope.length ? endsWith(fn.scope, reported) : endsWith(reported, fn.scope);
  }
  if (parts.goPackagePath !== undefined) {
    if (goFolderChecked) return fn.container === undefined;
    const pkg = parts.goPackagePath.slice(parts.goPackagePath.lastIndexOf('/') + 1);
    return stem.length >= 2 && stem[stem.length - 2] === pkg;
  }
  // The symbol is top-level: `orders.service.process` names module `orders/service`, function `process`;
  // or its file declares that package: Go `main.handler` in any folder's `package main`.
  if (parts.container !== undefined) return endsWith(stem, [...parts.qualifier, parts.container]) || endsWith(fn.scope, [...parts.qualifier, parts.container]);
  return endsWith(stem, parts.qualifier);
}

/** For Explain Source Mapping: what the search found. */
export function describeQualifiedResolution(name: string, r: QualifiedNameResolution, relative: (path: string) => string = (p) => p): string {
  const where = r.matches.map((m) => `${relative(m.path)}:${m.line + 1} (${m.name})`);
  const searched = `${countOf(r.searched, 'file')} read${r.truncated ? `, stopped at ${MAX_BROAD_SEARCH_FILES}` : ''}`;
  if (r.matches.length === 1) return `No file path in span data: the workspace search for the qualified name ${name} found it in ${where[0]} (${searched}).`;
  if (r.matches.length === 0) return `No file path in span data, and no workspace file declares the qualified name ${name} (${searched}); only open documents whose class, package or module agree are matched.`;
  return `No file path in span data, and the qualified name ${name} is declared in ${r.matches.length} workspace files: ${where.slice(0, 8).join(', ')}${where.length > 8 ? ', …' : ''}. Ambiguous, so no lens is shown for it: a \`code.file.path\` attribute (or a more qualified \`code.namespace\`) would say which.`;
}
