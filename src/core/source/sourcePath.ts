/**
 * Normalization of file paths as they appear in span data: posix and Windows
 * separators, `file://` URLs, bundler schemes, `.`/`..` segments. Everything
 * compares normalized forms, so a path from a Linux container and a path on a
 * Windows workstation can meet.
 */

export interface NormalizedPath {
  /** Forward slashes, no `.`/`..`, no trailing slash; drive letters upper-cased (`C:/src/x.ts`). */
  path: string;
  segments: string[];
  absolute: boolean;
  /** Windows drive or UNC paths: compared case-insensitively, like the file system they come from. */
  windows: boolean;
  /** Not a file on disk (`<frozen importlib>`, `node:internal/...`, `<anonymous>`): never mapped. */
  pseudo: boolean;
}

/** Span data is hostile: longer paths are cut rather than carried through every index. */
const MAX_PATH_LENGTH = 4096;
const MAX_SEGMENTS = 256;

const DRIVE = /^([a-zA-Z]):(?:\/|$)/;
const PSEUDO = /^(?:<[^>]*>|node:|internal\/|native |\[eval\]|eval at |wasm:\/\/|data:)/;
const SCHEME_PREFIX = /^(?:webpack|webpack-internal|vite|rollup|ng|turbopack):\/\/\/?(?:\.\/)?(?:\[[^\]]*\]\/)?/;

export function normalizeSourcePath(raw: string): NormalizedPath {
  let s = raw.length > MAX_PATH_LENGTH ? raw.slice(0, MAX_PATH_LENGTH) : raw;
  s = s.trim();
  if (PSEUDO.test(s)) return { path: s, segments: [], absolute: false, windows: false, pseudo: true };
  let unc = false;
  if (/^file:/i.test(s)) {
    s = fileUrlToPath(s);
    if (s.startsWith('//')) unc = true;
  } else {
    s = s.replace(SCHEME_PREFIX, '');
  }
  s = s.replace(/\\/g, '/');
  if (!unc && s.startsWith('//')) unc = true;
  const driveMatch = DRIVE.exec(s);
  const windows = unc || driveMatch !== null;
  const absolute = unc || driveMatch !== null || s.startsWith('/');
  const parts = (driveMatch ? s.slice(2) : s).split('/');
  const segments: string[] = [];
  if (driveMatch) segments.push(`${driveMatch[1].toUpperCase()}:`);
  const rootLength = segments.length;
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      // `..` above the root is dropped like a shell would; for relative paths it is kept (nothing to pop).
      if (segments.length > rootLength && segments[segments.length - 1] !== '..') segments.pop();
      else if (!absolute) segments.push('..');
      continue;
    }
    if (segments.length >= MAX_SEGMENTS) break;
    segments.push(part);
  }
  const body = segments.join('/');
  const path = unc ? `//${body}` : driveMatch ? (segments.length === 1 ? `${body}/` : body) : absolute ? `/${body}` : body;
  return { path, segments, absolute, windows, pseudo: false };
}

function fileUrlToPath(url: string): string {
  let rest = url.replace(/^file:/i, '');
  let host = '';
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    host = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  rest = rest.replace(/[?#].*$/, '');
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // Malformed escapes: keep the text as sent.
  }
  if (/^\/[a-zA-Z]:/.test(rest)) rest = rest.slice(1);
  if (host !== '' && host.toLowerCase() !== 'localhost') return `//${host}${rest}`;
  return rest;
}

/** Key for equality: Windows-style paths compare case-insensitively. */
export function pathIdentity(p: NormalizedPath): string {
  return p.windows ? p.path.toLowerCase() : p.path;
}

export function basenameOf(p: NormalizedPath): string {
  return p.segments.length > 0 ? p.segments[p.segments.length - 1] : '';
}

/** Joins normalized segments back into a path in the style of `like` (backslashes for Windows paths). */
export function joinLike(like: string, segments: readonly string[]): string {
  const windowsStyle = /^[a-zA-Z]:[\\/]|^\\\\/.test(like) || (like.includes('\\') && !like.includes('/'));
  const base = like.replace(/[\\/]+$/, '');
  if (segments.length === 0) return like;
  const sep = windowsStyle ? '\\' : '/';
  return `${base}${sep}${segments.join(sep)}`;
}

/** The file name without its last extension: `Svc.java` → `Svc`. */
export function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
