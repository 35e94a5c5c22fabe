/**
 * What the notification of a trace being fetched says while the answer comes: that the backend
 * began to answer, then how much of it is in, repainted at most every REPAINT_MS. A big trace
 * over a slow link takes seconds, and a notification that never changes looks stuck.
 */
const MIB = 1024 * 1024;
const REPAINT_MS = 250;

export class FetchProgress {
  private received = 0;
  private shownAt = -Infinity;

  /** Bytes of the answer so far. */
  get bytes(): number {
    return this.received;
  }

  /** The text once the backend began its answer (its headers are in). */
  answered(): string {
    return 'receiving…';
  }

  /** `chunk` more bytes arrived at `now` (ms): the text to show, or undefined while the last shown is recent. */
  add(chunk: number, now: number): string | undefined {
    this.received += chunk;
    if (now - this.shownAt < REPAINT_MS) return undefined;
    this.shownAt = now;
    return `${(this.received / MIB).toFixed(1)} MB received`;
  }
}
