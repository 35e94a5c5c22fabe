/**
 * Checks every webview protocol shares: whatever crosses the boundary is unknown until checked
 * (span data is hostile, and either side may be handed something malformed).
 */
import { asCommitId } from '../source/revision';
import type { SourceLocation } from '../waterfall/spanDetail';

const MAX_PATH_LENGTH = 4096;

/** The same check as the backends' (wireValues.ts), which the webview bundles cannot import: it needs Node's Buffer. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOptionalPositiveInt(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
}

export function isSourceLocation(v: unknown): v is SourceLocation {
  return isRecord(v)
    && typeof v.file === 'string' && v.file.length > 0 && v.file.length <= MAX_PATH_LENGTH && !v.file.includes('\0')
    && isOptionalPositiveInt(v.line) && isOptionalPositiveInt(v.column)
    && (v.function === undefined || (typeof v.function === 'string' && v.function.length <= MAX_PATH_LENGTH))
    // Passed to git by the host: only a normalized commit id.
    && (v.revision === undefined || asCommitId(v.revision) === v.revision);
}
