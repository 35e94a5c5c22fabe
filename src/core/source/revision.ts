/**
 * Which source revision a span's line numbers belong to. Spans from a deployed service carry the
 * lines of the commit it was built from; to land on the same code after local edits those lines
 * have to be carried through `git diff` (see lineMapping.ts), which needs that commit.
 *
 * Read, in order, from the span's attributes and then its resource's:
 * - `vcs.ref.head.revision` (semantic conventions, VCS registry; development status), and the name
 *   it replaced, `vcs.repository.ref.revision`;
 * - `service.version`, when it is a commit id or ends in one (`git describe`'s `-g1a2b3c4`, semver
 *   build metadata `+1a2b3c4`): many services put their commit there and nothing else.
 *
 * Only a hexadecimal commit id is accepted: the conventions also allow a branch name or `HEAD`,
 * which name a different commit here than where the service was built, and a value from span data
 * is passed to git, so nothing that could read as an option or a revision expression gets through.
 */
import type { Attributes } from '../model/trace';

export interface SpanRevision {
  /** A commit id, lower case, 7 to 64 hexadecimal digits (SHA-1 or SHA-256, possibly abbreviated). */
  commit: string;
  /** The attribute it was read from, to say so to the user. */
  attribute: string;
}

const COMMIT = /^[0-9a-f]{7,64}$/;
/** `v1.4.2-14-g1a2b3c4` (git describe) or `1.4.2+1a2b3c4` (semver build metadata). */
const COMMIT_SUFFIX = /(?:-g|\+)([0-9a-f]{7,64})$/;
const REVISION_KEYS = ['vcs.ref.head.revision', 'vcs.repository.ref.revision'];

/** A commit id as passed to git, or undefined. Shared by the span reader and the webview message guard. */
export function asCommitId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return COMMIT.test(v) ? v : undefined;
}

/** A version that is, or ends in, a commit id. A number alone (`20240115`) is a build number, not a commit. */
function commitOfVersion(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  const whole = COMMIT.test(v) && /[a-f]/.test(v) ? v : undefined;
  return whole ?? COMMIT_SUFFIX.exec(v)?.[1];
}

export function revisionOf(spanAttributes: Attributes, resourceAttributes: Attributes): SpanRevision | undefined {
  for (const attrs of [spanAttributes, resourceAttributes]) {
    for (const key of REVISION_KEYS) {
      const commit = asCommitId(attrs[key]);
      if (commit !== undefined) return { commit, attribute: key };
    }
  }
  for (const attrs of [spanAttributes, resourceAttributes]) {
    const commit = commitOfVersion(attrs['service.version']);
    if (commit !== undefined) return { commit, attribute: 'service.version' };
  }
  return undefined;
}
