import { ConfigurationError, TraceLensError } from '../errors';
import { quoteForMessage } from '../text/terminalText';

/** A `traceLens.pathMappings` entry cannot be used as written. */
export class InvalidPathMappingError extends ConfigurationError {
  readonly mapping: unknown;
  constructor(mapping: unknown, reason: string) {
    super(
      `A "traceLens.pathMappings" entry is invalid (${reason}). Each entry needs "from" (the path prefix in span data, ` +
        'e.g. "/app") and "to" (the local folder, e.g. "${workspaceFolder}").',
    );
    this.mapping = mapping;
  }
}

/**
 * A path from span data, or a path mapping's target, lies outside every workspace folder: Trace Lens
 * opens only files under one, whatever a mapping says.
 */
export class OutsideWorkspaceError extends TraceLensError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(
      `Trace Lens did not open ${quoteForMessage(path, 200)}: ${reason}. Paths from span data and "traceLens.pathMappings" ` +
        'open only files under a workspace folder; point the mapping\'s "to" at a folder of this workspace (e.g. "${workspaceFolder}").',
    );
    this.path = path;
  }
}
