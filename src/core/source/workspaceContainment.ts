/**
 * The one rule for every path that comes from span data (`code.file.path`, stack frames) or from
 * `traceLens.pathMappings`: Trace Lens opens or reads it only when it is under a workspace folder,
 * judged after symlinks are resolved. A mapping (which a repository can ship in its settings) or a
 * symlink in the repository must not reach `~/.ssh`.
 */
import { realpath as fsRealpath } from 'node:fs/promises';
import { normalizeSourcePath, type NormalizedPath } from './sourcePath';

/** normalizeSourcePath stops at this many segments; a path that long is refused rather than cut. */
const MAX_SEGMENTS = 256;

function sameSegment(a: string, b: string, insensitive: boolean): boolean {
  return insensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function insideNormalized(p: NormalizedPath, folder: NormalizedPath): boolean {
  if (p.pseudo || folder.pseudo || !p.absolute || !folder.absolute) return false;
  if (p.segments.length >= MAX_SEGMENTS || folder.segments.length > p.segments.length) return false;
  // A UNC share and a drive or posix root never contain each other, whatever their segments.
  if (p.path.startsWith('//') !== folder.path.startsWith('//')) return false;
  const insensitive = p.windows || folder.windows;
  return folder.segments.every((s, i) => sameSegment(s, p.segments[i], insensitive));
}

/**
 * Lexically: is `path` the folder itself or below it? `..` is resolved first, segments compare whole
 * (`/ws-evil` is not inside `/ws`), Windows paths case-insensitively. Relative paths are never inside.
 */
export function isPathInside(path: string, folder: string): boolean {
  if (path.includes('\0') || folder.includes('\0')) return false;
  return insideNormalized(normalizeSourcePath(path), normalizeSourcePath(folder));
}

/** The first folder that holds `path` lexically, if any. */
export function containingFolder(path: string, folders: readonly string[]): string | undefined {
  return folders.find((f) => isPathInside(path, f));
}

export type ContainmentResult =
  | { inside: true; path: string; realPath: string; folder: string }
  | { inside: false; path: string; realPath?: string; reason: string };

export type RealpathFn = (path: string) => Promise<string>;

/**
 * Decides whether a file may be opened: it must exist and its real path (symlinks resolved) must be
 * under the real path of a workspace folder. Build a new one when the folders change.
 */
export class WorkspaceContainment {
  private realFolders: Promise<string[]> | undefined;

  constructor(
    readonly folders: readonly string[],
    private readonly realpath: RealpathFn = fsRealpath,
  ) {}

  async check(path: string): Promise<ContainmentResult> {
    if (path.includes('\0')) return { inside: false, path, reason: 'the path contains a NUL character' };
    const norm = normalizeSourcePath(path);
    if (norm.pseudo || !norm.absolute) return { inside: false, path, reason: 'it is not an absolute file path' };
    const folders = await this.foldersResolved();
    if (folders.length === 0) return { inside: false, path, reason: 'no workspace folder is open' };
    let realPath: string;
    try {
      realPath = await this.realpath(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { inside: false, path, reason: code === 'ENOENT' ? 'the file does not exist' : `it cannot be resolved (${code ?? String(err)})` };
    }
    const folder = containingFolder(realPath, folders);
    if (folder !== undefined) return { inside: true, path, realPath, folder };
    const via = realPath === path ? '' : ` (it resolves to "${realPath}")`;
    return { inside: false, path, realPath, reason: `it is outside the workspace folders${via}` };
  }

  private foldersResolved(): Promise<string[]> {
    // A folder opened through a symlink (macOS /tmp, a linked checkout) is compared by its real path.
    this.realFolders ??= Promise.all(this.folders.map((f) => this.realpath(f).catch(() => f)));
    return this.realFolders;
  }
}
