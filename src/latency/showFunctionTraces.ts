import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import type { CodeLocationKey } from '../core/model/codeLocationKey';
import type { TraceQuery } from '../core/backends/traceBackend';
import { locationLabel } from '../core/source/codeLocation';
import type { ShowFunctionTracesArgs } from '../core/stats/hoverMarkdown';
import type { Exemplar } from '../core/stats/latencyAccumulator';
import { formatDuration } from '../core/stats/statsFormat';
import { showError } from '../ui/errorPresenter';
import type { StatsController } from '../stats/statsController';
import { withCancellableProgress } from '../ui/progress';
import { pickTrace } from '../ui/tracePick';
import { pickLocation } from '../stats/pickLocation';

interface TraceItem extends vscode.QuickPickItem {
  traceId: string;
  spanId?: string;
}

const SEARCH_LIMIT = 20;

function exemplarItem(e: Exemplar, tag?: string): TraceItem {
  const when = new Date(e.startTimeMs);
  const item: TraceItem = {
    label: `${e.error ? '$(error)' : '$(pulse)'} ${formatDuration(e.durationNs)}${tag ? ` · ${tag}` : ''}`,
    description: `${when.toLocaleTimeString()} ${when.toLocaleDateString()} · ${e.serviceName}`,
    detail: `trace ${e.traceId}${e.error && e.statusMessage ? ` · ${e.statusMessage.slice(0, 200)}` : ''}`,
    traceId: e.traceId,
    spanId: e.spanId,
  };
  return item;
}

/**
 * `traceLens.showFunctionTraces`: the example traces of one function (the slowest few and the latest
 * failure, as the statistics kept them; else found by searching the backend for the function's
 * `code.*` attributes or span name), picked in a quick pick and opened in the waterfall. Arguments come
 * from lenses and hovers (validated by the command registry), or none from the palette: then it asks.
 */
export async function showFunctionTraces(stats: StatsController, backends: BackendController, log: vscode.LogOutputChannel, given?: ShowFunctionTracesArgs): Promise<string | undefined> {
  let args = given;
  if (!args) {
    args = await pickLocation(stats);
    if (!args) return undefined;
  }
  const s = stats.statsFor(args.locationKey);
  const label = locationLabel(s?.location ?? args.location);
  let items: TraceItem[] = [];
  if (s) {
    const slowest = [...s.slowest].sort((a, b) => b.durationNs - a.durationNs);
    items = slowest.map((e, i) => exemplarItem(e, i === 0 ? 'slowest' : undefined));
    if (s.latestError && !slowest.some((e) => e.spanId === s.latestError!.spanId)) items.push(exemplarItem(s.latestError, 'latest error'));
    else if (s.latestError) {
      const i = items.findIndex((it) => it.spanId === s.latestError!.spanId);
      if (i >= 0) items[i].label += ' · latest error';
    }
  }
  if (items.length === 0) {
    try {
      items = (await withCancellableProgress(`Trace Lens: searching traces of ${label}`, (signal) => searchTraces(stats, backends, args!.location, signal))) ?? [];
    } catch (err) {
      showError(err, log, `Searching traces of ${label}`);
      return undefined;
    }
  }
  if (items.length === 0 && args.traceIds.length > 0) items = args.traceIds.map((traceId) => ({ label: `$(pulse) trace ${traceId}`, traceId }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Trace Lens: no example traces of ${label} in the last statistics window.`);
    return undefined;
  }
  const picked = await pickTrace(items, (item) => ({ traceId: item.traceId, spanId: item.spanId }), { title: `Traces of ${label}` });
  return picked?.traceId;
}

/** Traces whose spans carry the function's `code.*` attributes (new names first) or its span name. */
async function searchTraces(stats: StatsController, backends: BackendController, location: CodeLocationKey, signal: AbortSignal): Promise<TraceItem[]> {
  const backend = backends.current();
  const now = Date.now();
  const range = { startMs: now - stats.currentSettings.lookbackMs, endMs: now };
  const queries: TraceQuery[] = [];
  if (location.functionName !== undefined) {
    queries.push({ tags: { 'code.function.name': location.functionName }, range, limit: SEARCH_LIMIT });
    queries.push({ tags: { 'code.function': location.functionName }, range, limit: SEARCH_LIMIT });
  } else if (location.spanName !== undefined) {
    const services = stats.currentSettings.serviceNames;
    if (services.length > 0) for (const service of services) queries.push({ service, operation: location.spanName, range, limit: SEARCH_LIMIT });
    else queries.push({ tags: {}, operation: location.spanName, range, limit: SEARCH_LIMIT });
  }
  const seen = new Set<string>();
  const items: Array<TraceItem & { durationMs: number }> = [];
  for (const q of queries) {
    let found;
    try {
      found = await backend.search(q, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      continue; // e.g. Jaeger needs a service: the next query may work
    }
    for (const t of found) {
      if (seen.has(t.traceId)) continue;
      seen.add(t.traceId);
      const when = new Date(Number(t.startTimeUnixNano / 1_000_000n));
      items.push({
        label: `${t.errorCount ? '$(error)' : '$(pulse)'} ${formatDuration(t.durationMs * 1e6)} · ${t.rootName}`,
        description: `${when.toLocaleTimeString()} ${when.toLocaleDateString()} · ${t.rootServiceName}`,
        detail: `trace ${t.traceId} (duration of the whole trace)`,
        traceId: t.traceId,
        durationMs: t.durationMs,
      });
    }
    if (items.length >= SEARCH_LIMIT) break;
  }
  return items.sort((a, b) => b.durationMs - a.durationMs).slice(0, SEARCH_LIMIT);
}
