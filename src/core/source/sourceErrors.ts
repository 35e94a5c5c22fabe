import { ConfigurationError } from '../errors';

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
