/** Self time: the part of a span's duration not covered by any of its children (overlaps counted once). */
import type { SpanTree } from './spanTree';

export function computeSelfTimes(tree: SpanTree): Float64Array {
  const { startNs, endNs, childStart, childList } = tree;
  const n = startNs.length;
  const self = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = startNs[i], e = endNs[i];
    let covered = 0;
    let runStart = 0, runEnd = -Infinity;
    // Children are in start order, so one merge pass gives the union of their (clipped) intervals.
    for (let k = childStart[i]; k < childStart[i + 1]; k++) {
      const c = childList[k];
      const cs = Math.max(startNs[c], s), ce = Math.min(endNs[c], e);
      if (ce <= cs) continue;
      if (cs > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = cs; runEnd = ce;
      } else if (ce > runEnd) {
        runEnd = ce;
      }
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    self[i] = Math.max(0, e - s - covered);
  }
  return self;
}
