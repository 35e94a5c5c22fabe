/**
 * Which trace files the user opened in the waterfall, kept by the extension host (workspace state),
 * never by the webview: VS Code hands a restored panel whatever state its webview last stored, so a
 * crafted state must not be able to name a file for the host to read. A panel is restored from a file
 * only when that file is on this list.
 */
import { TraceLensError } from '../errors';
import { quoteForMessage } from '../text/terminalText';

/** The part of VS Code's `Memento` this needs, so the rule is tested in plain Node. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const STORE_KEY = 'traceLens.openedTraceFiles';
/** Most recent first; the oldest are forgotten (their panels then ask to open the file again). */
export const MAX_REMEMBERED_TRACE_FILES = 100;
/** What a panel's saved `source` starts with when it shows a file; the rest is the file's URI. */
export const FILE_SOURCE_PREFIX = 'file:';

/** A restored panel named a file the user never opened with Trace Lens here: nothing was read. */
export class UnrecordedTraceFileError extends TraceLensError {
  constructor(uri: string) {
    super(
      `This waterfall was saved with the trace file ${quoteForMessage(uri, 200)}, which Trace Lens has no record of you opening ` +
        'in this workspace, so it was not read. Open the file again with "Trace Lens: Open Trace File…".',
    );
  }
}

export class OpenedTraceFiles {
  constructor(
    private readonly store: KeyValueStore,
    private readonly limit = MAX_REMEMBERED_TRACE_FILES,
  ) {}

  /** Remembers a file the user opened (its URI as `Uri.toString()` spells it). */
  async record(uri: string): Promise<void> {
    const rest = this.list().filter((u) => u !== uri);
    await this.store.update(STORE_KEY, [uri, ...rest].slice(0, this.limit));
  }

  has(uri: string): boolean {
    return this.list().includes(uri);
  }

  private list(): string[] {
    const value = this.store.get<unknown>(STORE_KEY);
    return Array.isArray(value) ? value.filter((u): u is string => typeof u === 'string') : [];
  }
}

/** What restoring a panel from its saved `source` may do. */
export type RestorePlan =
  | { kind: 'file'; uri: string }
  | { kind: 'backend' }
  /** The backend changed since the panel was saved: nothing to fetch from. */
  | { kind: 'stale' }
  | { kind: 'refused'; error: UnrecordedTraceFileError };

/**
 * Decides from a panel's saved source (webview state: untrusted) what to load: a file only when the
 * host recorded the user opening it, the trace from the backend only when it is the same backend.
 */
export function planRestore(source: string, opened: OpenedTraceFiles, currentBackendSource: string): RestorePlan {
  if (source.startsWith(FILE_SOURCE_PREFIX)) {
    const uri = source.slice(FILE_SOURCE_PREFIX.length);
    return opened.has(uri) ? { kind: 'file', uri } : { kind: 'refused', error: new UnrecordedTraceFileError(uri) };
  }
  return source === currentBackendSource ? { kind: 'backend' } : { kind: 'stale' };
}
