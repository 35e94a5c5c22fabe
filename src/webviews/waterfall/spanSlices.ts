/**
 * Copies an in-memory trace's spans into a worker thread. postMessage clones synchronously on the
 * calling thread, so one message of 100k spans would block the extension host for seconds: the
 * spans cross in slices sized to keep each clone near SLICE_BUDGET_MS, with a turn of the event
 * loop between them. Used by every worker that takes the receiver's traces (waterfall, compare).
 */
import type { Span } from '../../core/model/trace';
import { takeTurn } from '../../core/timeSlicing';

/** Host time spent cloning one slice (the clone is synchronous). */
const SLICE_BUDGET_MS = 15;

/** `post` sends one slice; `stopped` ends the loop early (the worker exited). */
export async function postSpansInSlices(spans: readonly Span[], post: (slice: Span[]) => void, stopped: () => boolean = () => false): Promise<void> {
  let size = 500;
  for (let i = 0; i < spans.length; ) {
    if (stopped()) break;
    const t0 = performance.now();
    const slice = spans.slice(i, i + size);
    post(slice);
    i += slice.length;
    const ms = performance.now() - t0;
    // At most doubling per slice: a small first slice measures too fast to scale from (timer
    // resolution, a warm clone path), and a 30× jump cloned 15k spans in one 60+ ms block.
    size = Math.max(100, Math.min(20_000, 2 * size, Math.round(size * (SLICE_BUDGET_MS / Math.max(ms, 0.5)))));
    await takeTurn();
  }
}
