/**
 * "Go to source" from a span's `code.*` location or a stack frame, without `vscode`: resolve the path
 * from span data, check the file may be opened, open it. Every way it can fail ends in an outcome that
 * says which path could not be opened and why, so the caller always has something to tell the user.
 */
import { quoteForMessage } from '../text/terminalText';
import type { PathResolution } from './pathMapping';
import { OutsideWorkspaceError } from './sourceErrors';
import type { ContainmentResult } from './workspaceContainment';

export interface SourceTarget {
  file: string;
  line?: number;
  column?: number;
  /** The commit the line belongs to (revision.ts): the opener carries it to the working tree. */
  revision?: string;
}

export interface OpenSourceDeps {
  resolve(path: string): Promise<PathResolution>;
  checkContained(path: string): Promise<ContainmentResult>;
  /** Opens a local file at the location's line; rejects when the editor cannot open it (a folder, unreadable). */
  open(path: string, target: SourceTarget): Promise<void>;
}

export type OpenSourceOutcome =
  | { kind: 'opened'; path: string }
  /** No workspace file could be found or opened for the path: `message` names it and suggests a path mapping. */
  | { kind: 'notFound'; message: string }
  /** Resolved, but outside the workspace folders: never opened, whatever a mapping says. */
  | { kind: 'refused'; error: OutsideWorkspaceError };

function notFound(target: SourceTarget, why: string): OpenSourceOutcome {
  const where = `${quoteForMessage(target.file, 200)}${target.line ? ` (line ${target.line})` : ''}`;
  return {
    kind: 'notFound',
    message:
      `Trace Lens could not open ${where}: ${why}. If the service runs from another directory (a container, CI), ` +
      'add a "traceLens.pathMappings" entry from that path prefix to a workspace folder, e.g. {"from": "/app", "to": "${workspaceFolder}"}.',
  };
}

function whyUnresolved(r: PathResolution): string {
  if (r.steps.some((s) => s.rule === 'normalize' && s.outcome === 'rejected')) return 'it is not a file path (runtime-internal or empty)';
  if (r.ambiguous) return 'several workspace files match it equally';
  return 'no workspace file matches it';
}

export async function openSourceLocation(target: SourceTarget, deps: OpenSourceDeps): Promise<OpenSourceOutcome> {
  let resolution: PathResolution;
  try {
    resolution = await deps.resolve(target.file);
  } catch (err) {
    // E.g. the workspace index could not be built: still a path the user clicked and must hear about.
    return notFound(target, `resolving it failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const resolved = resolution.resolved;
  if (resolved === undefined) {
    if (resolution.refusal !== undefined) return { kind: 'refused', error: new OutsideWorkspaceError(target.file, resolution.refusal) };
    return notFound(target, whyUnresolved(resolution));
  }
  const contained = await deps.checkContained(resolved);
  if (!contained.inside) {
    // No real path: nothing there (or no folder open). A wrong mapping or a stale index, not an escape.
    if (contained.realPath === undefined) return notFound(target, `it maps to ${quoteForMessage(resolved, 200)}, but ${contained.reason}`);
    return { kind: 'refused', error: new OutsideWorkspaceError(resolved, contained.reason) };
  }
  try {
    await deps.open(resolved, target);
  } catch (err) {
    return notFound(target, `it maps to ${quoteForMessage(resolved, 200)}, which could not be opened (${err instanceof Error ? err.message : String(err)})`);
  }
  return { kind: 'opened', path: resolved };
}
