import type { CodeLocationKey } from '../core/model/codeLocationKey';
import type { ShowFunctionTracesArgs } from '../core/stats/hoverMarkdown';
import type { LocationStats } from '../core/stats/latencyStats';

/** The arguments of `traceLens.showFunctionTraces` for one location, as the hover links build them. */
export function showTracesArgsOf(stats: LocationStats): ShowFunctionTracesArgs {
  const l = stats.location;
  const location: CodeLocationKey = {};
  if (l.filePath !== undefined) location.filePath = l.filePath;
  if (l.functionName !== undefined) location.functionName = l.functionName;
  if (l.namespace !== undefined) location.namespace = l.namespace;
  if (l.spanName !== undefined) location.spanName = l.spanName;
  const traceIds = [...stats.slowest.map((s) => s.traceId), ...(stats.latestError ? [stats.latestError.traceId] : [])];
  return { locationKey: stats.keyString, location, traceIds: [...new Set(traceIds)] };
}
