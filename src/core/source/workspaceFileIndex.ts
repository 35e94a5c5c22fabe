import { basenameOf, normalizeSourcePath, pathIdentity } from './sourcePath';
import type { NormalizedPath } from './sourcePath';

/** One workspace file that shares a trailing run of path segments with a path from span data. */
export interface SuffixCandidate {
  path: string;
  /** Trailing segments equal (case-insensitively) in both paths; the basename counts as one. */
  matchedSegments: number;
  /** Why the candidate was accepted or not, for "Explain Source Mapping". */
  accepted: boolean;
  reason: string;
}

export interface SuffixMatch {
  /** Set only when exactly one accepted candidate has the longest suffix. */
  path?: string;
  matchedSegments: number;
  ambiguous: boolean;
  /** Best first; at most MAX_REPORTED_CANDIDATES. */
  candidates: SuffixCandidate[];
}

interface Entry {
  path: string;
  norm: NormalizedPath;
  lower: string[];
  /** Segments below the workspace folder that holds it (all segments when in none). */
  relativeSegments: number;
}

const MAX_REPORTED_CANDIDATES = 20;

/**
 * The workspace's files, kept current by the editor side (create / delete / rename
 * events), answering "which local file is `/app/src/orders/service.py`?" by the
 * longest common path suffix. Lookups go through a basename map, so their cost
 * depends on how many files share the basename, not on the workspace size.
 */
export class WorkspaceFileIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byBasename = new Map<string, Set<string>>();
  private folders: NormalizedPath[] = [];
  private versionValue = 0;

  constructor(folders: readonly string[] = [], files: Iterable<string> = []) {
    this.setFolders(folders);
    for (const f of files) this.add(f);
  }

  /** Changes on every mutation, so dependants can cache resolutions per version. */
  get version(): number {
    return this.versionValue;
  }

  get size(): number {
    return this.entries.size;
  }

  get folderPaths(): string[] {
    return this.folders.map((f) => f.path);
  }

  setFolders(folders: readonly string[]): void {
    this.folders = folders.map(normalizeSourcePath).filter((f) => !f.pseudo && f.absolute);
    for (const e of this.entries.values()) e.relativeSegments = this.relativeSegmentCount(e.norm);
    this.versionValue++;
  }

  add(path: string): void {
    const norm = normalizeSourcePath(path);
    if (norm.pseudo || norm.segments.length === 0) return;
    const id = pathIdentity(norm);
    if (this.entries.has(id)) return;
    this.entries.set(id, { path, norm, lower: norm.segments.map((s) => s.toLowerCase()), relativeSegments: this.relativeSegmentCount(norm) });
    const base = basenameOf(norm).toLowerCase();
    let set = this.byBasename.get(base);
    if (!set) this.byBasename.set(base, (set = new Set()));
    set.add(id);
    this.versionValue++;
  }

  /** Removes a file, or every file under a folder (VS Code reports a deleted folder once, not per file). */
  remove(path: string): void {
    const norm = normalizeSourcePath(path);
    const id = pathIdentity(norm);
    if (this.entries.has(id)) {
      this.removeId(id);
      return;
    }
    const prefix = id.endsWith('/') ? id : `${id}/`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.removeId(key);
  }

  /** Renames a file or a folder (every file under it moves along). */
  rename(from: string, to: string): void {
    const fromNorm = normalizeSourcePath(from);
    const fromId = pathIdentity(fromNorm);
    if (this.entries.has(fromId)) {
      this.removeId(fromId);
      this.add(to);
      return;
    }
    const prefix = fromId.endsWith('/') ? fromId : `${fromId}/`;
    const moved: string[] = [];
    for (const [key, entry] of this.entries) if (key.startsWith(prefix)) moved.push(entry.norm.segments.slice(fromNorm.segments.length).join('/'));
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.removeId(key);
    const sep = to.includes('\\') && !to.includes('/') ? '\\' : '/';
    const base = to.replace(/[\\/]+$/, '');
    for (const rel of moved) this.add(`${base}${sep}${sep === '/' ? rel : rel.replace(/\//g, '\\')}`);
  }

  clear(): void {
    this.entries.clear();
    this.byBasename.clear();
    this.versionValue++;
  }

  has(path: string): boolean {
    return this.entries.has(pathIdentity(normalizeSourcePath(path)));
  }

  /** Every file, as it was added, with its normalized form. */
  *files(): IterableIterator<{ path: string; norm: NormalizedPath }> {
    for (const e of this.entries.values()) yield { path: e.path, norm: e.norm };
  }

  /** The path as it was added, for a path equal after normalization (case-insensitive on Windows). */
  lookup(path: string | NormalizedPath): string | undefined {
    const norm = typeof path === 'string' ? normalizeSourcePath(path) : path;
    return this.entries.get(pathIdentity(norm))?.path;
  }

  /** Workspace files sharing the longest trailing path with `path`; see SuffixMatch for ambiguity. */
  findBySuffix(path: string | NormalizedPath): SuffixMatch {
    const norm = typeof path === 'string' ? normalizeSourcePath(path) : path;
    const none: SuffixMatch = { matchedSegments: 0, ambiguous: false, candidates: [] };
    if (norm.pseudo || norm.segments.length === 0) return none;
    const want = norm.segments.map((s) => s.toLowerCase());
    const ids = this.byBasename.get(want[want.length - 1]);
    if (!ids || ids.size === 0) return none;
    const scored: Array<SuffixCandidate & { exact: number }> = [];
    for (const id of ids) {
      const e = this.entries.get(id);
      if (!e) continue;
      let matched = 0;
      let exact = 0;
      const max = Math.min(want.length, e.lower.length);
      while (matched < max && e.lower[e.lower.length - 1 - matched] === want[want.length - 1 - matched]) {
        if (e.norm.segments[e.norm.segments.length - 1 - matched] === norm.segments[norm.segments.length - 1 - matched]) exact++;
        matched++;
      }
      // A lone basename match is only trusted when nothing else could disagree:
      // either the span's path is that short, or the file sits at a folder root.
      let accepted = true;
      let reason: string;
      if (matched >= 2) reason = `${matched} trailing segments match`;
      else if (matched === want.length) reason = 'the whole path from span data matches';
      else if (matched === e.relativeSegments) reason = 'the whole workspace-relative path matches';
      else {
        accepted = false;
        const theirs = e.norm.segments[e.norm.segments.length - 2] ?? '';
        const ours = norm.segments[norm.segments.length - 2] ?? '';
        reason = `only the file name matches (folder "${theirs}" ≠ "${ours}")`;
      }
      scored.push({ path: e.path, matchedSegments: matched, accepted, reason, exact });
    }
    scored.sort((a, b) => Number(b.accepted) - Number(a.accepted) || b.matchedSegments - a.matchedSegments || b.exact - a.exact || a.path.localeCompare(b.path));
    const best = scored[0];
    const candidates = scored.slice(0, MAX_REPORTED_CANDIDATES).map(({ exact: _exact, ...c }) => c);
    if (!best || !best.accepted) return { matchedSegments: best?.matchedSegments ?? 0, ambiguous: false, candidates };
    const tied = scored.filter((c) => c.accepted && c.matchedSegments === best.matchedSegments && c.exact === best.exact);
    if (tied.length > 1) return { matchedSegments: best.matchedSegments, ambiguous: true, candidates };
    return { path: best.path, matchedSegments: best.matchedSegments, ambiguous: false, candidates };
  }

  /** Files whose path, without extension, ends with the given segments: used for namespace-only locations. */
  findByStem(stemSegments: readonly string[], extensions: readonly string[]): string[] {
    if (stemSegments.length === 0) return [];
    const out: string[] = [];
    const last = stemSegments[stemSegments.length - 1];
    for (const ext of extensions) {
      const ids = this.byBasename.get(`${last}${ext}`.toLowerCase());
      if (!ids) continue;
      for (const id of ids) {
        const e = this.entries.get(id);
        if (!e || e.lower.length < stemSegments.length) continue;
        let ok = true;
        for (let i = 2; i <= stemSegments.length && ok; i++) ok = e.lower[e.lower.length - i] === stemSegments[stemSegments.length - i].toLowerCase();
        if (ok) out.push(e.path);
      }
    }
    return out;
  }

  private removeId(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    const base = basenameOf(e.norm).toLowerCase();
    const set = this.byBasename.get(base);
    set?.delete(id);
    if (set && set.size === 0) this.byBasename.delete(base);
    this.versionValue++;
  }

  private relativeSegmentCount(norm: NormalizedPath): number {
    let best = norm.segments.length;
    for (const f of this.folders) {
      if (f.segments.length >= norm.segments.length) continue;
      let inside = true;
      for (let i = 0; i < f.segments.length && inside; i++) {
        inside = f.windows ? f.segments[i].toLowerCase() === norm.segments[i].toLowerCase() : f.segments[i] === norm.segments[i];
      }
      if (inside) best = Math.min(best, norm.segments.length - f.segments.length);
    }
    return best;
  }
}
