import { InvalidPathMappingError } from './sourceErrors';
import { joinLike, normalizeSourcePath, pathIdentity } from './sourcePath';
import type { NormalizedPath } from './sourcePath';
import type { SuffixCandidate, WorkspaceFileIndex } from './workspaceFileIndex';
import { containingFolder } from './workspaceContainment';
import { countOf } from '../text/plural';

/** One `traceLens.pathMappings` entry: a path prefix in span data and the local folder it stands for. */
export interface PathMapping {
  from: string;
  to: string;
}

export interface WorkspaceFolderRef {
  name: string;
  path: string;
}

export type PathRule = 'pathMapping' | 'exact' | 'relative' | 'suffix' | 'unverifiedMapping';

export interface ExplainStep {
  rule: PathRule | 'normalize';
  outcome: 'matched' | 'skipped' | 'rejected';
  detail: string;
}

/** What `Trace Lens: Explain Source Mapping` shows for one path from span data. */
export interface PathResolution {
  input: string;
  normalized: string;
  /**
   * The local file, as the workspace index spells it (or as a mapping produced it, for
   * `unverifiedMapping`). Always under a workspace folder lexically; the editor still checks the real
   * path (symlinks) before opening it.
   */
  resolved?: string;
  rule?: PathRule;
  ambiguous: boolean;
  candidates: SuffixCandidate[];
  steps: ExplainStep[];
  /** Set when a path mapping matched but was refused because it leads outside the workspace: why. */
  refusal?: string;
}

/** A `traceLens.pathMappings` entry that is never applied, and why. */
export interface RefusedMapping {
  mapping: PathMapping;
  reason: string;
}

/**
 * Replaces `${workspaceFolder}` (the first folder) and `${workspaceFolder:name}` in
 * each mapping. Throws InvalidPathMappingError for entries that are not
 * `{from, to}` strings or name a folder that is not open.
 */
export function substituteWorkspaceFolders(mappings: readonly unknown[], folders: readonly WorkspaceFolderRef[]): PathMapping[] {
  const out: PathMapping[] = [];
  for (const m of mappings) {
    if (typeof m !== 'object' || m === null) throw new InvalidPathMappingError(m, 'not an object');
    const { from, to } = m as Record<string, unknown>;
    if (typeof from !== 'string' || from.trim() === '') throw new InvalidPathMappingError(m, '"from" must be a non-empty string');
    if (typeof to !== 'string' || to.trim() === '') throw new InvalidPathMappingError(m, '"to" must be a non-empty string');
    out.push({ from: substitute(from, folders, m), to: substitute(to, folders, m) });
  }
  return out;
}

function substitute(value: string, folders: readonly WorkspaceFolderRef[], mapping: unknown): string {
  return value.replace(/\$\{workspaceFolder(?::([^}]*))?\}/g, (_all, name: string | undefined) => {
    if (name === undefined) {
      if (folders.length === 0) throw new InvalidPathMappingError(mapping, '${workspaceFolder} is used but no folder is open');
      return folders[0].path;
    }
    const folder = folders.find((f) => f.name === name);
    if (!folder) throw new InvalidPathMappingError(mapping, `no open workspace folder is named "${name}"`);
    return folder.path;
  });
}

interface CompiledMapping {
  source: PathMapping;
  from: NormalizedPath;
}

const MAX_CACHE = 20_000;

/**
 * Turns a path from span data into a workspace file: explicit path mappings first
 * (longest `from` wins), then the path itself, then relative to each workspace
 * folder, then the longest path suffix shared with a workspace file. Results are
 * cached per index version, so the editor paths never resolve twice.
 */
export class SourcePathResolver {
  private mappings: CompiledMapping[] = [];
  private readonly cache = new Map<string, PathResolution>();
  private cacheVersion = -1;

  constructor(
    readonly index: WorkspaceFileIndex,
    mappings: readonly PathMapping[] = [],
  ) {
    this.setMappings(mappings);
  }

  /** Mappings must already have `${workspaceFolder}` substituted (see substituteWorkspaceFolders). */
  setMappings(mappings: readonly PathMapping[]): void {
    this.mappings = mappings
      .map((m) => ({ source: m, from: normalizeSourcePath(m.from) }))
      .filter((m) => !m.from.pseudo && m.from.segments.length > 0)
      .sort((a, b) => b.from.segments.length - a.from.segments.length);
    this.cache.clear();
  }

  /**
   * Mappings whose target is not under a workspace folder: never applied, whoever wrote them (a
   * repository's `.vscode/settings.json` must not turn span paths into paths to `~/.ssh`).
   */
  refusedMappings(): RefusedMapping[] {
    const out: RefusedMapping[] = [];
    for (const m of this.mappings) {
      const reason = this.targetRefusal(m.source);
      if (reason !== undefined) out.push({ mapping: m.source, reason });
    }
    return out;
  }

  /** A version that changes whenever a resolution could change. */
  get version(): string {
    return `${this.index.version}:${this.mappings.length}`;
  }

  resolve(input: string): PathResolution {
    if (this.cacheVersion !== this.index.version) {
      this.cache.clear();
      this.cacheVersion = this.index.version;
    }
    const cached = this.cache.get(input);
    if (cached) return cached;
    const result = this.compute(input);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(input, result);
    return result;
  }

  private compute(input: string): PathResolution {
    const norm = normalizeSourcePath(input);
    const steps: ExplainStep[] = [];
    const res: PathResolution = { input, normalized: norm.path, ambiguous: false, candidates: [], steps };
    if (norm.pseudo || norm.segments.length === 0) {
      steps.push({ rule: 'normalize', outcome: 'rejected', detail: `"${input}" is not a file path (runtime-internal or empty)` });
      return res;
    }
    if (norm.path !== input) steps.push({ rule: 'normalize', outcome: 'matched', detail: `normalized to "${norm.path}"` });

    let unverified: string | undefined;
    if (this.mappings.length === 0) steps.push({ rule: 'pathMapping', outcome: 'skipped', detail: 'no traceLens.pathMappings configured' });
    for (const m of this.mappings) {
      if (!isPrefix(m.from, norm)) {
        steps.push({ rule: 'pathMapping', outcome: 'skipped', detail: `"${m.source.from}" is not a prefix` });
        continue;
      }
      const refused = this.targetRefusal(m.source);
      if (refused !== undefined) {
        const detail = `"${m.source.from}" → "${m.source.to}" is refused: ${refused}`;
        steps.push({ rule: 'pathMapping', outcome: 'rejected', detail });
        res.refusal ??= `the path mapping ${detail}`;
        continue;
      }
      const mapped = joinLike(m.source.to, norm.segments.slice(m.from.segments.length));
      if (containingFolder(mapped, this.index.folderPaths) === undefined) {
        // `..` in the rest of the path can climb out of a target that is itself inside.
        const detail = `"${m.source.from}" → "${m.source.to}" gives "${mapped}", which is outside the workspace folders`;
        steps.push({ rule: 'pathMapping', outcome: 'rejected', detail });
        res.refusal ??= `the path mapping ${detail}`;
        continue;
      }
      const known = this.index.lookup(mapped);
      // With an empty index (still building, or no indexed file types) the mapped path is taken as is:
      // it is inside a workspace folder, and the editor checks its real path before opening it.
      if (known !== undefined || this.index.size === 0) {
        steps.push({ rule: 'pathMapping', outcome: 'matched', detail: `"${m.source.from}" → "${m.source.to}" gives "${mapped}"` });
        return { ...res, resolved: known ?? mapped, rule: 'pathMapping' };
      }
      steps.push({ rule: 'pathMapping', outcome: 'rejected', detail: `"${m.source.from}" → "${m.source.to}" gives "${mapped}", which is not a workspace file` });
      unverified ??= mapped;
    }

    if (norm.absolute) {
      const exact = this.index.lookup(norm);
      if (exact !== undefined) {
        steps.push({ rule: 'exact', outcome: 'matched', detail: 'the path is a workspace file as is' });
        return { ...res, resolved: exact, rule: 'exact' };
      }
      steps.push({ rule: 'exact', outcome: 'rejected', detail: 'no workspace file has this exact path' });
    } else {
      for (const folder of this.index.folderPaths) {
        const candidate = joinLike(folder, norm.segments);
        const known = this.index.lookup(candidate);
        if (known !== undefined) {
          steps.push({ rule: 'relative', outcome: 'matched', detail: `relative to the workspace folder "${folder}"` });
          return { ...res, resolved: known, rule: 'relative' };
        }
      }
      steps.push({ rule: 'relative', outcome: 'rejected', detail: 'not found relative to any workspace folder' });
    }

    const suffix = this.index.findBySuffix(norm);
    res.candidates = suffix.candidates;
    if (suffix.path !== undefined) {
      steps.push({ rule: 'suffix', outcome: 'matched', detail: `longest matching suffix: ${suffix.matchedSegments} segment(s)` });
      return { ...res, resolved: suffix.path, rule: 'suffix' };
    }
    if (suffix.ambiguous) {
      const tied = suffix.candidates.filter((c) => c.accepted && c.matchedSegments === suffix.matchedSegments).map((c) => c.path);
      steps.push({
        rule: 'suffix',
        outcome: 'rejected',
        detail: `ambiguous: ${tied.length} files share the longest suffix (${countOf(suffix.matchedSegments, 'segment')}): ${tied.join(', ')}. Add a traceLens.pathMappings entry to choose.`,
      });
      res.ambiguous = true;
    } else if (suffix.candidates.length > 0) {
      steps.push({ rule: 'suffix', outcome: 'rejected', detail: `no candidate is close enough: ${suffix.candidates.map((c) => `${c.path} (${c.reason})`).join('; ')}` });
    } else {
      steps.push({ rule: 'suffix', outcome: 'rejected', detail: 'no workspace file has this file name' });
    }
    if (unverified !== undefined) {
      steps.push({ rule: 'unverifiedMapping', outcome: 'matched', detail: `falling back to the mapped path "${unverified}" (not in the workspace index)` });
      return { ...res, resolved: unverified, rule: 'unverifiedMapping' };
    }
    return res;
  }

  /** Why a mapping's target cannot be used, or undefined when it is under a workspace folder. */
  private targetRefusal(m: PathMapping): string | undefined {
    const folders = this.index.folderPaths;
    if (folders.length === 0) return 'no workspace folder is open, and mappings may only lead into one';
    if (containingFolder(m.to, folders) !== undefined) return undefined;
    return `the target "${m.to}" is outside the workspace folders (${folders.join(', ')})`;
  }
}

function isPrefix(prefix: NormalizedPath, path: NormalizedPath): boolean {
  if (prefix.segments.length > path.segments.length || prefix.absolute !== path.absolute) return false;
  const insensitive = prefix.windows || path.windows;
  for (let i = 0; i < prefix.segments.length; i++) {
    const a = prefix.segments[i];
    const b = path.segments[i];
    if (insensitive ? a.toLowerCase() !== b.toLowerCase() : a !== b) return false;
  }
  // UNC and drive prefixes must agree on kind, not only on segments.
  return pathIdentity(prefix).startsWith('//') === pathIdentity(path).startsWith('//');
}

/** Plain-text rendering of a resolution for the "Explain Source Mapping" output. */
export function formatPathResolution(r: PathResolution): string {
  const lines = [`Path from span data: ${r.input}`];
  for (const s of r.steps) lines.push(`  [${s.outcome}] ${s.rule}: ${s.detail}`);
  if (r.resolved !== undefined) lines.push(`Result: ${r.resolved} (rule: ${r.rule})`);
  else lines.push(r.ambiguous ? 'Result: ambiguous, not mapped' : 'Result: not mapped');
  if (r.candidates.length > 0) {
    lines.push('Candidates:');
    for (const c of r.candidates) lines.push(`  ${c.accepted ? '✓' : '✗'} ${c.path} (${c.matchedSegments} segment(s); ${c.reason})`);
  }
  return lines.join('\n');
}
