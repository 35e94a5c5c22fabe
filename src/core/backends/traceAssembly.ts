import type { Span, Trace } from '../model/trace';
import type { ConversionContext } from './conversionContext';

/** Marks a start time the source did not give; replaced by the trace start during assembly. */
export const MISSING_TIME = -1n;

/**
 * Groups converted spans into traces and repairs what the wire format got wrong: duplicate
 * span ids (first wins), missing start times, negative durations. The tree itself (orphans,
 * spans naming themselves or a descendant as parent, clock skew) is left as sent: it is
 * inspected and reported once, for every source alike, by the span tree (src/core/waterfall/spanTree.ts),
 * so a file, a backend and the receiver say the same about the same trace.
 * Traces come back in order of first appearance.
 */
export function assembleTraces(spans: Span[], ctx: ConversionContext, partial = false): Trace[] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) {
    let list = byTrace.get(span.traceId);
    if (!list) byTrace.set(span.traceId, (list = []));
    list.push(span);
  }
  const out: Trace[] = [];
  for (const [traceId, list] of byTrace) out.push({ traceId, spans: repair(list, ctx), warnings: [], ...(partial ? { partial } : {}) });
  const warnings = ctx.warnings();
  for (const t of out) t.warnings.push(...warnings);
  return out;
}

function repair(spans: Span[], ctx: ConversionContext): Span[] {
  const seen = new Set<string>();
  const unique: Span[] = [];
  for (const s of spans) {
    if (seen.has(s.spanId)) {
      ctx.count('duplicateSpan');
      continue;
    }
    seen.add(s.spanId);
    unique.push(s);
  }

  let traceStart: bigint | undefined;
  for (const s of unique) {
    if (s.startTimeUnixNano !== MISSING_TIME && (traceStart === undefined || s.startTimeUnixNano < traceStart)) traceStart = s.startTimeUnixNano;
  }
  for (const s of unique) {
    if (s.startTimeUnixNano === MISSING_TIME) {
      ctx.count('badTime');
      s.startTimeUnixNano = traceStart ?? 0n;
      if (s.endTimeUnixNano === MISSING_TIME) s.endTimeUnixNano = s.startTimeUnixNano;
    }
    if (s.endTimeUnixNano === MISSING_TIME || s.endTimeUnixNano < s.startTimeUnixNano) {
      if (s.endTimeUnixNano !== MISSING_TIME) ctx.count('negativeDuration');
      s.endTimeUnixNano = s.startTimeUnixNano;
    }
    for (const e of s.events) if (e.timeUnixNano === MISSING_TIME) e.timeUnixNano = s.startTimeUnixNano;
  }
  return unique;
}
