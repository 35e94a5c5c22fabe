/**
 * The Trace Lens view's "Functions" tree: per service, the functions with latency statistics, the
 * slowest p95 first, so the place to look is at the top. Plain data from the statistics, so the order
 * and the text are tested without an editor.
 */
import type { LocationStats } from '../stats/latencyStats';
import { formatCount, formatDuration } from '../stats/statsFormat';
import { noun } from '../text/plural';

export interface FunctionRow {
  /** The statistics' key: what a click passes to `traceLens.openFunction`. */
  locationKey: string;
  label: string;
  /** e.g. `p95 286 ms · 36 calls · 2 errors`. */
  description: string;
  /** Where the spans say the function is (a path from span data, not yet mapped to the workspace). */
  filePath?: string;
  line?: number;
  p95Ns?: number;
  errorCount: number;
}

export interface ServiceFunctions {
  service: string;
  functions: FunctionRow[];
}

/** More than anyone scrolls through in a side bar; the slowest stay. */
export const MAX_FUNCTIONS_PER_SERVICE = 100;

function labelOf(l: LocationStats): string {
  const loc = l.location;
  if (loc.functionName) return loc.namespace && !loc.functionName.includes(loc.namespace) ? `${loc.namespace}.${loc.functionName}` : loc.functionName;
  if (loc.spanName) return `span "${loc.spanName}"`;
  return loc.filePath ?? '(unknown function)';
}

function rowOf(l: LocationStats): FunctionRow {
  const s = l.current;
  const facts = [s.p95Ns !== undefined ? `p95 ${formatDuration(s.p95Ns)}` : 'p95 —', `${formatCount(s.count)} ${noun(s.count, 'call')}`];
  if (s.errorCount > 0) facts.push(`${formatCount(s.errorCount)} ${noun(s.errorCount, 'error')}`);
  return { locationKey: l.keyString, label: labelOf(l), description: facts.join(' · '), filePath: l.location.filePath, line: l.location.lineNumber, p95Ns: s.p95Ns, errorCount: s.errorCount };
}

/** Slowest p95 first; functions without a p95 (too few calls) after, busiest first. */
function bySlowest(a: { row: FunctionRow; count: number }, b: { row: FunctionRow; count: number }): number {
  if (a.row.p95Ns !== undefined && b.row.p95Ns !== undefined && a.row.p95Ns !== b.row.p95Ns) return b.row.p95Ns - a.row.p95Ns;
  if ((a.row.p95Ns === undefined) !== (b.row.p95Ns === undefined)) return a.row.p95Ns === undefined ? 1 : -1;
  return b.count - a.count || a.row.label.localeCompare(b.row.label);
}

export function functionsByLatency(locations: readonly LocationStats[], maxPerService = MAX_FUNCTIONS_PER_SERVICE): ServiceFunctions[] {
  const byService = new Map<string, Array<{ row: FunctionRow; count: number }>>();
  for (const l of locations) {
    if (l.current.count === 0) continue;
    // A function called from several services is listed under the one that calls it most.
    const service = l.services[0] ?? '(unknown service)';
    const list = byService.get(service) ?? [];
    list.push({ row: rowOf(l), count: l.current.count });
    byService.set(service, list);
  }
  const groups = [...byService].map(([service, list]) => ({ service, functions: list.sort(bySlowest).slice(0, maxPerService).map((x) => x.row) }));
  // The service whose slowest function is slowest comes first.
  const slowest = (g: ServiceFunctions) => g.functions[0]?.p95Ns ?? -1;
  return groups.sort((a, b) => slowest(b) - slowest(a) || a.service.localeCompare(b.service));
}
