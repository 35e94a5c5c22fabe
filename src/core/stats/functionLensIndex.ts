import { locationLabel, qualifiedFunctionName } from '../source/codeLocation';
import { parseFunctionName } from '../source/functionName';
import type { FunctionNameParts } from '../source/functionName';
import { formatPathResolution } from '../source/pathMapping';
import type { PathResolution, SourcePathResolver } from '../source/pathMapping';
import { describeQualifiedResolution, qualifiedNameFits, type QualifiedNameMatch, type QualifiedNameResolution } from '../source/qualifiedNameLocator';
import { normalizeSourcePath, pathIdentity, stripExtension } from '../source/sourcePath';
import type { NormalizedPath } from '../source/sourcePath';
import type { SpanNameSite } from '../source/spanNameScanner';
import { flattenFunctions, matchFunction } from '../source/symbolMatching';
import type { FunctionSymbol, MatchReason, SymbolNode } from '../source/symbolMatching';
import { insightHoverSection, insightLensSuffix, type InsightFinding } from '../insights/locationInsights';
import { buildHoverMarkdown } from './hoverMarkdown';
import type { LocationStats } from './latencyStats';
import { compileLensTemplate, DEFAULT_LENS_TEMPLATE } from './lensText';
import type { LensFormatter, LensTextOptions } from './lensText';
import { countOf } from '../text/plural';

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
  /** Placed on its file by the workspace search for its qualified name (no file path in span data). */
  byQualifiedName?: true;
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
  /** Performance insights per location key, from the same pass as the statistics. */
  private insights: ReadonlyMap<string, readonly InsightFinding[]> = new Map();
  private texts = new Map<string, string>();
  private hovers = new Map<string, string>();
  private byDoc = new Map<string, Placement[]>();
  private fileless = new Map<string, Placement[]>();
  private byName = new Map<string, LocationStats>();
  private resolutions = new Map<string, PathResolution>();
  private matchDetails = new Map<string, string>();
  /** Documents whose lenses placed a location known only by qualified name: more than one is an ambiguity Explain reports. */
  private filelessDocs = new Map<string, Set<string>>();
  /** The workspace search's answers, by qualified name (see qualifiedNameLocator.ts); set by the editor side. */
  private qualified: ReadonlyMap<string, QualifiedNameResolution> = new Map();
  /** Per location key: the qualified name searched and what the search found, for Explain. */
  private qualifiedFor = new Map<string, { name: string; resolution: QualifiedNameResolution }>();
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

  /** Replaces the performance insights shown in lens suffixes and hovers. */
  setInsights(byLocation: ReadonlyMap<string, readonly InsightFinding[]>): void {
    this.insights = byLocation;
    this.texts.clear();
    this.hovers.clear();
    this.statsGeneration++;
  }

  insightsFor(locationKey: string): readonly InsightFinding[] {
    return this.insights.get(locationKey) ?? [];
  }

  /**
   * Where the workspace search found the functions of locations known only by qualified name. A name
   * found in one file is placed there (open or not); in several, nowhere (Explain says where); not
   * searched yet or found nowhere, on open documents whose type, package or module agree.
   */
  setQualifiedResolutions(resolutions: ReadonlyMap<string, QualifiedNameResolution>): void {
    this.qualified = resolutions;
    this.texts.clear();
    this.matchDetails.clear();
    this.statsGeneration++;
    this.placedFor = '';
  }

  /**
   * The qualified names of the locations that have no file path, and enough of a name to be looked
   * for (a bare `checkout` could be any function anywhere): what the editor side searches the workspace for.
   */
  qualifiedNamesToResolve(): Map<string, FunctionNameParts> {
    const out = new Map<string, FunctionNameParts>();
    for (const s of this.stats.values()) {
      const named = placeableName(s);
      if (named) out.set(named.name, named.parts);
    }
    return out;
  }

  /** The one workspace file (and line) the search found a location's qualified name in; undefined when none or several. */
  qualifiedMatchOf(locationKey: string): QualifiedNameMatch | undefined {
    this.ensurePlaced();
    const found = this.qualifiedFor.get(locationKey)?.resolution.matches;
    return found?.length === 1 ? found[0] : undefined;
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
      const section = insightHoverSection(this.insightsFor(best.locationKey));
      if (section) md = `${md}\n\n${section}`;
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
    else if (this.qualifiedFor.has(locationKey) && this.qualifiedFor.get(locationKey)!.resolution.matches.length > 0) {
      const { name, resolution } = this.qualifiedFor.get(locationKey)!;
      lines.push(describeQualifiedResolution(name, resolution));
    } else {
      const searched = this.qualifiedFor.get(locationKey);
      if (searched) lines.push(describeQualifiedResolution(searched.name, searched.resolution));
      const docs = [...(this.filelessDocs.get(locationKey) ?? [])];
      if (docs.length === 0 && searched) lines.push('No open document has a function of this qualified name either.');
      else if (docs.length === 0) lines.push('No file path in span data, and no function of the documents opened so far has this qualified name (only open documents are searched).');
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
    const lines = [`Document: ${docPath}`, `${countOf(lenses.length, 'lens', 'lenses')} from ${countOf(this.stats.size, 'location')} with statistics.`];
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
    for (const [key, { name, resolution }] of this.qualifiedFor) {
      if (resolution.matches.length < 2 || !resolution.matches.some((m) => pathIdentity(normalizeSourcePath(m.path)) === pathIdentity(norm))) continue;
      const s = this.stats.get(key);
      near.push(`  ${s ? locationLabel(s.location) : name}: the qualified name ${name} is declared here and in ${countOf(resolution.matches.length - 1, 'other workspace file')} (${resolution.matches.filter((m) => pathIdentity(normalizeSourcePath(m.path)) !== pathIdentity(norm)).slice(0, 5).map((m) => m.path).join(', ')}): ambiguous, so no lens`);
      if (near.length >= 40) break;
    }
    if (near.length > 0) lines.push('Not shown here, with the same file name or an ambiguous qualified name:', ...near);
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
    this.qualifiedFor = new Map();
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
        const named = placeableName(s);
        if (!named) continue;
        const { name, parts } = named;
        const found = this.qualified.get(name);
        if (found) this.qualifiedFor.set(s.keyString, { name, resolution: found });
        if (found && found.matches.length === 1) {
          const id = pathIdentity(normalizeSourcePath(found.matches[0].path));
          let list = this.byDoc.get(id);
          if (!list) this.byDoc.set(id, (list = []));
          list.push({ stats: s, parts, byQualifiedName: true });
          continue;
        }
        // Declared in several workspace files: which one is a guess, so none (Explain lists them).
        if (found && found.matches.length > 1) continue;
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
    if (t === undefined) {
      const suffix = insightLensSuffix(this.insightsFor(s.keyString));
      t = this.format(s, this.lookbackMs);
      if (suffix) t = `${t} · ${suffix}`;
      this.texts.set(s.keyString, t);
    }
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
          if (p.byQualifiedName) {
            this.matchDetails.set(p.stats.keyString, `${m.fn.name} matches the qualified name ${qualifiedFunctionName(p.stats.location) ?? ''}`);
            offer(m.fn, p.stats, 'qualified-name');
            continue;
          }
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
            if (!c.parts || !qualifiedNameFits(c.parts, fn, stem)) continue;
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

/** A location without a file path whose function name says enough to be looked for: namespace, type or package. */
function placeableName(s: LocationStats): { name: string; parts: FunctionNameParts } | undefined {
  const loc = s.location;
  if (loc.filePath !== undefined || loc.functionName === undefined) return undefined;
  const name = qualifiedFunctionName(loc) ?? loc.functionName;
  const parts = parseFunctionName(name);
  // A bare name without file, namespace or type could be any function anywhere: not placed.
  if (parts.simple === '' || (parts.container === undefined && parts.qualifier.length === 0 && parts.goPackagePath === undefined)) return undefined;
  return { name, parts };
}
