import { locationLabel, qualifiedFunctionName } from '../source/codeLocation';
import { parseFunctionName } from '../source/functionName';
import type { FunctionNameParts } from '../source/functionName';
import { formatPathResolution } from '../source/pathMapping';
import type { PathResolution, SourcePathResolver } from '../source/pathMapping';
import { normalizeSourcePath, pathIdentity, stripExtension } from '../source/sourcePath';
import type { NormalizedPath } from '../source/sourcePath';
import type { SpanNameSite } from '../source/spanNameScanner';
import { flattenFunctions, matchFunction } from '../source/symbolMatching';
import type { FunctionSymbol, MatchReason, SymbolNode } from '../source/symbolMatching';
import { buildHoverMarkdown } from './hoverMarkdown';
import type { LocationStats } from './latencyStats';
import { compileLensTemplate, DEFAULT_LENS_TEMPLATE } from './lensText';
import type { LensFormatter, LensTextOptions } from './lensText';

export type LensReason = MatchReason | 'span-name' | 'qualified-name';

/** One CodeLens to show: put it on `line` (0-based), title `text`, command args from `locationKey`. */
export interface FunctionLens {
  line: number;
  /** Lines the lens covers (the function, or the span-name call line): hovers inside it show these stats. */
  range: { startLine: number; endLine: number };
  /** The line of the function's name (the lens line for span-name lenses): hovers answer from `line` to here. */
  nameLine: number;
  text: string;
  locationKey: string;
  reason: LensReason;
}

export interface HoverResult {
  markdown: string;
  locationKey: string;
  range: { startLine: number; endLine: number };
  /** See FunctionLens.nameLine. */
  nameLine: number;
}

export interface FunctionLensIndexOptions extends LensTextOptions {
  template?: string;
  /** The statistics window, for hover labels ("last 1h"). */
  lookbackMs: number;
  /** Documents whose lenses are kept ready. Default 64. */
  maxCachedDocuments?: number;
  /**
   * Where a line recorded at a revision is in the working tree's copy of `path`, if already known
   * (lineMapping.ts through git); undefined uses the line as recorded. Synchronous: the editor paths
   * never wait; the caller learns the answer in the background and places the statistics again.
   */
  lineFor?: (path: string, line: number, revision: string) => number | undefined;
}

interface Placement {
  stats: LocationStats;
  parts?: FunctionNameParts;
  /** The workspace file the location resolved to. */
  path?: string;
}

interface DocCache {
  symbols: readonly SymbolNode[];
  sites: readonly SpanNameSite[] | undefined;
  generation: number;
  lenses: FunctionLens[];
}

/**
 * The editor paths' view of the statistics: which lenses a document gets and
 * what its hovers say, answered from memory. Statistics are placed on files once
 * per refresh (path mapping is cached by the resolver); a document's lenses are
 * computed once per (symbols, statistics) pair in O(symbols + its locations) and
 * then served from cache. No I/O anywhere.
 */
export class FunctionLensIndex {
  private stats = new Map<string, LocationStats>();
  private texts = new Map<string, string>();
  private hovers = new Map<string, string>();
  private byDoc = new Map<string, Placement[]>();
  private fileless = new Map<string, Placement[]>();
  private byName = new Map<string, LocationStats>();
  private resolutions = new Map<string, PathResolution>();
  private matchDetails = new Map<string, string>();
  /** Documents whose lenses placed a location known only by qualified name: more than one is an ambiguity Explain reports. */
  private filelessDocs = new Map<string, Set<string>>();
  private readonly docs = new Map<string, DocCache>();
  private format: LensFormatter;
  private lookbackMs: number;
  private readonly maxDocs: number;
  private readonly lineFor: FunctionLensIndexOptions['lineFor'];
  private statsGeneration = 0;
  private placedFor = '';

  constructor(
    private readonly resolver: SourcePathResolver,
    options: FunctionLensIndexOptions,
  ) {
    this.format = compileLensTemplate(options.template ?? DEFAULT_LENS_TEMPLATE, options);
    this.lookbackMs = options.lookbackMs;
    this.maxDocs = options.maxCachedDocuments ?? 64;
    this.lineFor = options.lineFor;
  }

  /** Changes when lenses may differ: fire `onDidChangeCodeLenses` when it does. */
  get generation(): string {
    return `${this.statsGeneration}:${this.resolver.version}`;
  }

  /** Replaces all statistics (a new snapshot, or local + server merged). */
  setStats(stats: readonly LocationStats[], lookbackMs: number = this.lookbackMs): void {
    this.stats = new Map(stats.map((s) => [s.keyString, s]));
    this.lookbackMs = lookbackMs;
    this.texts.clear();
    this.hovers.clear();
    this.matchDetails.clear();
    this.statsGeneration++;
    this.placedFor = '';
  }

  /** Throws InvalidLensTemplateError (keep the previous template then). */
  setTemplate(template: string, options: LensTextOptions = {}): void {
    this.format = compileLensTemplate(template, options);
    this.texts.clear();
    this.statsGeneration++;
  }

  statsFor(locationKey: string): LocationStats | undefined {
    return this.stats.get(locationKey);
  }

  /** The lenses of one document. `docPath` as the editor knows it (fsPath); `sites` from scanSpanNameCalls on its text. */
  lensesFor(docPath: string, symbols: readonly SymbolNode[], sites?: readonly SpanNameSite[]): FunctionLens[] {
    this.ensurePlaced();
    const norm = normalizeSourcePath(docPath);
    const id = pathIdentity(norm);
    const gen = this.statsGeneration;
    const cached = this.docs.get(id);
    if (cached && cached.symbols === symbols && cached.sites === sites && cached.generation === gen) return cached.lenses;
    const lenses = this.compute(norm, id, symbols, sites);
    this.docs.delete(id);
    if (this.docs.size >= this.maxDocs) this.docs.delete(this.docs.keys().next().value as string);
    this.docs.set(id, { symbols, sites, generation: gen, lenses });
    return lenses;
  }

  /** The hover at a 0-based line: the span-name call on that line, else the innermost function with statistics. */
  hoverAt(docPath: string, line: number, symbols: readonly SymbolNode[], sites?: readonly SpanNameSite[]): HoverResult | undefined {
    const lenses = this.lensesFor(docPath, symbols, sites);
    let best: FunctionLens | undefined;
    for (const l of lenses) {
      if (line < l.range.startLine || line > l.range.endLine) continue;
      if (!best || l.range.endLine - l.range.startLine < best.range.endLine - best.range.startLine) best = l;
    }
    if (!best) return undefined;
    let md = this.hovers.get(best.locationKey);
    if (md === undefined) {
      const s = this.stats.get(best.locationKey);
      if (!s) return undefined;
      md = buildHoverMarkdown(s, { lookbackMs: this.lookbackMs });
      this.hovers.set(best.locationKey, md);
    }
    return { markdown: md, locationKey: best.locationKey, range: best.range, nameLine: best.nameLine };
  }

  /** Locations whose file could not be placed in the workspace, with the resolver's explanation. */
  unresolved(): Array<{ stats: LocationStats; resolution: PathResolution }> {
    this.ensurePlaced();
    const out: Array<{ stats: LocationStats; resolution: PathResolution }> = [];
    for (const s of this.stats.values()) {
      const r = this.resolutions.get(s.keyString);
      if (r && r.resolved === undefined) out.push({ stats: s, resolution: r });
    }
    return out;
  }

  /** Text for "Trace Lens: Explain Source Mapping" about one location. */
  explain(locationKey: string): string {
    this.ensurePlaced();
    const s = this.stats.get(locationKey);
    if (!s) return `No statistics for ${locationKey.split('\u0000').join(' ')}.`;
    const lines = [`Location: ${locationLabel(s.location)} (from ${s.source})`];
    const r = this.resolutions.get(locationKey);
    if (r) lines.push(formatPathResolution(r));
    else if (s.location.spanName !== undefined && s.location.functionName === undefined) lines.push(`Matched by the literal span name "${s.location.spanName}" at tracer call sites.`);
    else {
      const docs = [...(this.filelessDocs.get(locationKey) ?? [])];
      if (docs.length === 0) lines.push('No file path in span data, and no function of the documents opened so far has this qualified name (only open documents are searched).');
      else if (docs.length === 1) lines.push(`No file path in span data: matched by qualified function name in ${docs[0]}.`);
      else lines.push(`No file path in span data, and the qualified name fits functions in ${docs.length} open documents (${docs.slice(0, 5).join(', ')}${docs.length > 5 ? ', …' : ''}): ambiguous, so each shows the lens; a \`code.file.path\` attribute would say which.`);
    }
    const detail = this.matchDetails.get(locationKey);
    if (detail) lines.push(`Function: ${detail}`);
    return lines.join('\n');
  }

  /**
   * Text for "Explain Source Mapping" run in an editor: the lenses the document
   * gets and why, and locations from span data that look like this file (same
   * file name) but were not placed on it, with the resolver's reasons.
   */
  explainDocument(docPath: string, symbols: readonly SymbolNode[], sites?: readonly SpanNameSite[]): string {
    const lenses = this.lensesFor(docPath, symbols, sites);
    const lines = [`Document: ${docPath}`, `${lenses.length} lens(es) from ${this.stats.size} location(s) with statistics.`];
    for (const l of lenses) {
      const s = this.stats.get(l.locationKey);
      const detail = this.matchDetails.get(l.locationKey);
      lines.push(`  line ${l.line + 1}: ${s ? locationLabel(s.location) : l.locationKey} [${l.reason}]${detail ? ` ${detail}` : ''}`);
    }
    const norm = normalizeSourcePath(docPath);
    const base = norm.segments[norm.segments.length - 1]?.toLowerCase();
    const placedKeys = new Set(lenses.map((l) => l.locationKey));
    const near: string[] = [];
    for (const s of this.stats.values()) {
      if (placedKeys.has(s.keyString) || s.location.filePath === undefined) continue;
      const other = normalizeSourcePath(s.location.filePath);
      if (other.segments[other.segments.length - 1]?.toLowerCase() !== base) continue;
      const r = this.resolutions.get(s.keyString);
      near.push(`  ${locationLabel(s.location)} (${s.location.filePath}): ${r ? (r.resolved !== undefined ? `mapped to ${r.resolved} by ${r.rule}` : r.steps.at(-1)?.detail ?? 'not mapped') : 'not resolved'}${this.matchDetails.has(s.keyString) ? '' : r?.resolved !== undefined && pathIdentity(normalizeSourcePath(r.resolved)) === pathIdentity(norm) ? '; no function in this document matches its line or name' : ''}`);
      if (near.length >= 20) break;
    }
    if (near.length > 0) lines.push('Not shown here, with the same file name:', ...near);
    return lines.join('\n');
  }

  /** The location's line in the working tree: carried from its revision when that is known. */
  private currentLine(p: Placement): number | undefined {
    const { lineNumber, revision } = p.stats.location;
    if (lineNumber === undefined || revision === undefined || p.path === undefined || !this.lineFor) return lineNumber;
    return this.lineFor(p.path, lineNumber, revision) ?? lineNumber;
  }

  private ensurePlaced(): void {
    const key = this.generation;
    if (this.placedFor === key) return;
    this.byDoc = new Map();
    this.fileless = new Map();
    this.byName = new Map();
    this.resolutions = new Map();
    this.filelessDocs = new Map();
    for (const s of this.stats.values()) {
      const loc = s.location;
      if (loc.filePath !== undefined) {
        const r = this.resolver.resolve(loc.filePath);
        this.resolutions.set(s.keyString, r);
        if (r.resolved === undefined) continue;
        const id = pathIdentity(normalizeSourcePath(r.resolved));
        let list = this.byDoc.get(id);
        if (!list) this.byDoc.set(id, (list = []));
        const q = qualifiedFunctionName(loc);
        list.push(q !== undefined ? { stats: s, parts: parseFunctionName(q), path: r.resolved } : { stats: s, path: r.resolved });
      } else if (loc.functionName !== undefined) {
        const parts = parseFunctionName(qualifiedFunctionName(loc) ?? loc.functionName);
        // A bare name without file, namespace or type could be any function anywhere: not placed.
        if (parts.simple === '' || (parts.container === undefined && parts.qualifier.length === 0 && parts.goPackagePath === undefined)) continue;
        let list = this.fileless.get(parts.simple);
        if (!list) this.fileless.set(parts.simple, (list = []));
        list.push({ stats: s, parts });
      } else if (loc.spanName !== undefined) {
        this.byName.set(loc.spanName, s);
      }
    }
    this.docs.clear();
    this.placedFor = key;
  }

  private text(s: LocationStats): string {
    let t = this.texts.get(s.keyString);
    if (t === undefined) this.texts.set(s.keyString, (t = this.format(s, this.lookbackMs)));
    return t;
  }

  private compute(norm: NormalizedPath, id: string, symbols: readonly SymbolNode[], sites: readonly SpanNameSite[] | undefined): FunctionLens[] {
    const placed = this.byDoc.get(id);
    const hasFileless = this.fileless.size > 0;
    const lenses: FunctionLens[] = [];
    // One lens per function: when several keys land on it (one file reported two ways), the busiest wins.
    const byFunction = new Map<FunctionSymbol, { stats: LocationStats; reason: LensReason }>();
    const offer = (fn: FunctionSymbol, stats: LocationStats, reason: LensReason): void => {
      const prev = byFunction.get(fn);
      if (!prev || prev.stats.current.count < stats.current.count) byFunction.set(fn, { stats, reason });
    };
    if ((placed && placed.length > 0) || hasFileless) {
      const fns = flattenFunctions(symbols);
      if (placed) {
        for (const p of placed) {
          const m = matchFunction(fns, { lineNumber: this.currentLine(p) }, p.parts);
          if (!m) continue;
          this.matchDetails.set(p.stats.keyString, m.detail);
          offer(m.fn, p.stats, m.reason);
        }
      }
      if (hasFileless) {
        const stem = norm.segments.length > 0 ? [...norm.segments.slice(0, -1), stripExtension(norm.segments[norm.segments.length - 1])] : [];
        for (const fn of fns) {
          const candidates = this.fileless.get(fn.simple);
          if (!candidates) continue;
          for (const c of candidates) {
            if (!c.parts || !filelessFits(c.parts, fn, stem)) continue;
            this.matchDetails.set(c.stats.keyString, `${fn.name} matches the qualified name ${qualifiedFunctionName(c.stats.location) ?? ''}`);
            let docs = this.filelessDocs.get(c.stats.keyString);
            if (!docs) this.filelessDocs.set(c.stats.keyString, (docs = new Set()));
            docs.add(norm.path);
            offer(fn, c.stats, 'qualified-name');
          }
        }
      }
    }
    for (const [fn, { stats, reason }] of byFunction) {
      const nameLine = fn.selectionLine >= fn.startLine && fn.selectionLine <= fn.endLine ? fn.selectionLine : fn.startLine;
      lenses.push({ line: fn.startLine, range: { startLine: fn.startLine, endLine: fn.endLine }, nameLine, text: this.text(stats), locationKey: stats.keyString, reason });
    }
    if (sites && this.byName.size > 0) {
      const seen = new Set<string>();
      for (const site of sites) {
        const s = this.byName.get(site.name);
        if (!s) continue;
        const key = `${site.line}\u0000${s.keyString}`;
        if (seen.has(key)) continue;
        seen.add(key);
        lenses.push({ line: site.line, range: { startLine: site.line, endLine: site.line }, nameLine: site.line, text: this.text(s), locationKey: s.keyString, reason: 'span-name' });
      }
    }
    lenses.sort((a, b) => a.line - b.line);
    return lenses;
  }
}

/**
 * Whether a document function fits a location known only by qualified name: the
 * file stem ends with the namespace and type (Java `com/x/Svc.java`, Python module
 * `orders/service.py`), the namespace alone (Python `module.Class.method`), the Go
 * package folder, or the function sits in a type of the reported name. Where the
 * source declares its package or namespace (the bundled parser reads it), that
 * must agree with the reported one too: `com.a.Shop.checkout` is not `com.b.Shop`'s.
 */
function filelessFits(parts: FunctionNameParts, fn: FunctionSymbol, stem: readonly string[]): boolean {
  const endsWith = (whole: readonly string[], tail: readonly string[]): boolean => tail.length > 0 && tail.length <= whole.length && tail.every((t, i) => whole[whole.length - tail.length + i] === t);
  if (parts.container !== undefined && fn.container !== undefined) {
    if (fn.container !== parts.container) return false;
    // The shorter path is the tail of the longer: `Shop` (the agent's default package) fits `com.x.Shop`, and a provider's `Shop` fits `com.x.Shop`.
    const reported = [...parts.qualifier, parts.container];
    return reported.length <= fn.scope.length ? endsWith(fn.scope, reported) : endsWith(reported, fn.scope);
  }
  if (parts.goPackagePath !== undefined) {
    const pkg = parts.goPackagePath.slice(parts.goPackagePath.lastIndexOf('/') + 1);
    return stem.length >= 2 && stem[stem.length - 2] === pkg;
  }
  // The symbol is top-level: `orders.service.process` names module `orders/service`, function `process`;
  // or its file declares that package: Go `main.handler` in any folder's `package main`.
  if (parts.container !== undefined) return endsWith(stem, [...parts.qualifier, parts.container]) || endsWith(fn.scope, [...parts.qualifier, parts.container]);
  return endsWith(stem, parts.qualifier);
}
