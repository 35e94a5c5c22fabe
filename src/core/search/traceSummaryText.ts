import type { TraceSummary } from '../backends/traceBackend';
import { formatDuration } from '../stats/statsFormat';
import { countOf } from '../text/plural';

/** How one trace of a list reads, wherever traces are listed (search results, the Trace Lens view). */
export interface TraceSummaryText {
  /** The root span's name. */
  label: string;
  /** Service, duration, spans and errors, e.g. `checkout · 48 ms · 12 spans · 1 errors`. */
  description: string;
  /** When it started (in the local time zone) and its id. */
  detail: string;
  hasErrors: boolean;
}

export function traceSummaryText(summary: TraceSummary): TraceSummaryText {
  const started = new Date(Number(summary.startTimeUnixNano / 1_000_000n));
  const facts = [summary.rootServiceName, formatDuration(summary.durationMs * 1e6)];
  if (summary.spanCount !== undefined) facts.push(countOf(summary.spanCount, 'span'));
  if (summary.errorCount) facts.push(countOf(summary.errorCount, 'error'));
  return {
    label: summary.rootName || '(unnamed root)',
    description: facts.join(' · '),
    detail: `${started.toLocaleString()} · ${summary.traceId}`,
    hasErrors: Boolean(summary.errorCount),
  };
}
