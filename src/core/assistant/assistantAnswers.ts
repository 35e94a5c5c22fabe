/**
 * The answers of the assistant tools as compact text a model reads well: one fact a line, labels
 * in plain words, every span-derived value quoted by quoteSpanText, and a size cap. The same text
 * goes to VS Code's chat and to MCP clients.
 */
import type { TraceSummary } from '../backends/traceBackend';
import type { Insight } from '../insights/insight';
import type { Trace } from '../model/trace';
import { extractCodeLocation, qualifiedFunctionName, type SpanLocation } from '../source/codeLocation';
import type { Exemplar } from '../stats/latencyAccumulator';
import type { LatencyStats, LocationStats } from '../stats/latencyStats';
import { supportedQuantileNs } from '../stats/lensText';
import { formatLookback } from '../stats/lookback';
import { callsText, missingQuantileText, quantileMethodText, type QuantileName } from '../stats/statsBasis';
import { formatChange, formatDuration, formatRate } from '../stats/statsFormat';
import { computeCriticalPath } from '../waterfall/criticalPath';
import { buildSpanTree } from '../waterfall/spanTree';
import { capAnswer, quoteSpanText } from './spanDataText';

/** Characters of one answer at most: a few thousand tokens of an assistant's context. */
export const MAX_ANSWER_CHARS = 8_000;

/** Where a code location points, quoted: `"src/orders.ts":42 in "placeOrder"`. */
export function locationText(loc: SpanLocation | undefined): string | undefined {
  if (!loc || loc.source === 'span.name') return undefined;
  const fn = qualifiedFunctionName(loc);
  const file = loc.filePath !== undefined ? `${quoteSpanText(loc.filePath)}${loc.lineNumber !== undefined ? `:${loc.lineNumber}` : ''}` : undefined;
  if (file && fn) return `${file} in ${quoteSpanText(fn)}`;
  return file ?? (fn !== undefined ? quoteSpanText(fn) : undefined);
}

function quantileText(stats: LocationStats, c: LatencyStats, q: QuantileName): string {
  const ns = supportedQuantileNs(c, q, stats.basis);
  return ns !== undefined ? formatDuration(ns) : `not shown (${missingQuantileText(q, c.count, stats.basis, c.spread)})`;
}

function exemplarText(e: Exemplar): string {
  return `${e.traceId} (${formatDuration(e.durationNs)}${e.error ? ', failed' : ''}${e.statusMessage ? `, status ${quoteSpanText(e.statusMessage, 80)}` : ''})`;
}

/**
 * One function's figures, as its CodeLens and hover state them: the same quantiles (or the same
 * reason for leaving one out), calls labelled exact or sampled, and the window.
 */
export function functionLatencyAnswer(stats: LocationStats, lookbackMs: number, functionLabel: string): string {
  const c = stats.current;
  const lines = [
    `Function: ${quoteSpanText(functionLabel)}`,
    `Location in spans: ${locationText(stats.location) ?? quoteSpanText(stats.location.spanName)}`,
    `Window: last ${formatLookback(lookbackMs)} (${new Date(stats.window.startMs).toISOString()} to ${new Date(stats.window.endMs).toISOString()})`,
    `Source: ${stats.basis.kind === 'exact' ? 'exact (every call in the window)' : 'sample (figures describe sampled traces only)'}; ${quantileMethodText(stats.basis)}`,
    `Calls: ${callsText(c.count, stats.basis)}`,
    `p50: ${quantileText(stats, c, 'p50')}`,
    `p95: ${quantileText(stats, c, 'p95')}`,
    `p99: ${quantileText(stats, c, 'p99')}`,
    `Error rate: ${formatRate(c.errorRate)} (${c.errorCount} of ${c.count})`,
  ];
  const p = stats.previous;
  if (p && p.count > 0) {
    const change = (q: 'p50Ns' | 'p95Ns' | 'p99Ns') => formatChange(c[q], p[q]) ?? 'n/a';
    lines.push(`Trend vs the previous ${formatLookback(lookbackMs)}: p50 ${change('p50Ns')}, p95 ${change('p95Ns')}, p99 ${change('p99Ns')}; calls ${p.count} → ${c.count}; error rate ${formatRate(p.errorRate)} → ${formatRate(c.errorRate)}`);
  } else {
    lines.push(`Trend: no calls in the previous ${formatLookback(lookbackMs)} to compare with`);
  }
  if (stats.services.length > 0) lines.push(`Services: ${stats.services.slice(0, 5).map((s) => quoteSpanText(s, 80)).join(', ')}`);
  if (stats.slowest.length > 0) lines.push(`Slowest example traces: ${stats.slowest.slice(0, 3).map(exemplarText).join('; ')}`);
  if (stats.latestError) lines.push(`Latest failed trace: ${exemplarText(stats.latestError)}`);
  if (stats.lowConfidence) lines.push('Note: few calls, so the figures are low-confidence.');
  return capAnswer(lines, MAX_ANSWER_CHARS);
}

export interface TraceAnswerOptions {
  maxSpans: number;
  /** The span a traceparent named, pointed out when it is in the trace. */
  spanId?: string;
  /** Where the trace came from, e.g. "the built-in OTLP receiver". */
  source: string;
}

/** A trace summarised: root, duration, services, errors, critical path, slowest spans with their code. */
export function traceAnswer(trace: Trace, options: TraceAnswerOptions): string {
  const tree = buildSpanTree(trace);
  const n = tree.spans.length;
  const root = tree.primaryRoot >= 0 ? tree.primaryRoot : 0;
  const durationNs = (i: number): number => tree.endNs[i] - tree.startNs[i];
  let traceEnd = 0;
  for (let i = 0; i < n; i++) traceEnd = Math.max(traceEnd, tree.endNs[i]);
  const services = new Map<string, number>();
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = tree.spans[i];
    services.set(s.resource.serviceName, (services.get(s.resource.serviceName) ?? 0) + 1);
    if (s.status.code === 'error') errors.push(i);
  }
  const spanLine = (i: number): string => {
    const s = tree.spans[i];
    const where = locationText(extractCodeLocation(s));
    return `${quoteSpanText(s.name)} service=${quoteSpanText(s.resource.serviceName, 80)} ${formatDuration(durationNs(i))} span=${s.spanId}${s.status.code === 'error' ? ' ERROR' : ''}${where ? ` at ${where}` : ''}`;
  };
  const lines = [
    `Trace: ${trace.traceId} (from ${options.source})`,
    n === 0 ? 'Spans: none' : `Root: ${spanLine(root)}`,
    `Duration: ${formatDuration(traceEnd)}; spans: ${n}`,
    `Services (${services.size}): ${[...services].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([s, c]) => `${quoteSpanText(s, 80)} (${c} spans)`).join(', ')}`,
  ];
  if (tree.warnings.length > 0) lines.push(`Warnings: ${tree.warnings.slice(0, 3).map((w) => quoteSpanText(w)).join('; ')}`);
  if (options.spanId) {
    const i = tree.spans.findIndex((s) => s.spanId === options.spanId);
    lines.push(i >= 0 ? `Span named by the traceparent: ${spanLine(i)}` : `The traceparent's span ${options.spanId} is not in this trace.`);
  }
  lines.push(`Errors: ${errors.length}`);
  for (const i of errors.slice(0, 5)) {
    const message = tree.spans[i].status.message;
    lines.push(`- ${spanLine(i)}${message ? ` message=${quoteSpanText(message)}` : ''}`);
  }
  if (n > 0) {
    const path = computeCriticalPath(tree, root);
    const onPath = new Map<number, number>();
    for (const seg of path.segments) onPath.set(seg.node, (onPath.get(seg.node) ?? 0) + seg.endNs - seg.startNs);
    const top = [...onPath].sort((a, b) => b[1] - a[1]).slice(0, options.maxSpans);
    lines.push(`Critical path: ${path.nodes.length} spans; where its time goes (self time on the path, largest first):`);
    for (const [i, ns] of top) lines.push(`- ${formatDuration(ns)} in ${spanLine(i)}`);
    const slowest = Array.from({ length: n }, (_, i) => i).sort((a, b) => durationNs(b) - durationNs(a)).slice(0, options.maxSpans);
    lines.push(`Slowest spans (${slowest.length} of ${n}):`);
    for (const i of slowest) lines.push(`- ${spanLine(i)}`);
  }
  return capAnswer(lines, MAX_ANSWER_CHARS);
}

/** A search's results, newest first, at most `limit`. */
export function searchAnswer(results: readonly TraceSummary[], limit: number, what: string): string {
  const more = results.length > limit;
  const lines = [`Search: ${what}`, `Traces listed: ${Math.min(limit, results.length)}${more ? ' (more match: narrow the filters or raise limit)' : ' (all that match)'}`];
  for (const r of results.slice(0, limit)) {
    const started = new Date(Number(r.startTimeUnixNano / 1_000_000n)).toISOString();
    const counts = [r.spanCount !== undefined ? `${r.spanCount} spans` : undefined, r.errorCount ? `${r.errorCount} errors` : undefined].filter(Boolean).join(', ');
    lines.push(`- ${r.traceId} root=${quoteSpanText(r.rootName)} service=${quoteSpanText(r.rootServiceName, 80)} ${formatDuration(r.durationMs * 1e6)} started ${started}${counts ? ` ${counts}` : ''}`);
  }
  return capAnswer(lines, MAX_ANSWER_CHARS);
}

/** A lint finding for the insights answer: where, which rule, what. */
export interface LintFindingRef {
  file: string;
  /** 1-based. */
  line: number;
  ruleId: string;
  severity: string;
  message: string;
}

/**
 * Insights (PI…) and lint findings (SN…, SD…). An insight found in many traces at one place is one
 * line with its trace count and an example, so thirty traces of one N+1 loop do not fill the answer.
 * Lint messages quote span data themselves, so they are quoted whole.
 */
export function insightsAnswer(insights: readonly Insight[], findings: readonly LintFindingRef[], scope: string, limit: number, tracesRead: number): string {
  const groups = new Map<string, { example: Insight; traces: Set<string> }>();
  for (const i of insights) {
    const key = [i.ruleId, i.serviceName, i.location?.filePath, i.location?.lineNumber, i.location ? qualifiedFunctionName(i.location) : i.parentSpanId].join('\0');
    const g = groups.get(key) ?? { example: i, traces: new Set<string>() };
    for (const t of i.traceIds.length > 0 ? i.traceIds : [i.traceId]) g.traces.add(t);
    groups.set(key, g);
  }
  const listed = [...groups.values()].sort((a, b) => b.traces.size - a.traces.size);
  const lines = [`Scope: ${scope}`, `Performance insights: ${listed.length} distinct, in ${tracesRead} recent trace(s)${listed.length > limit ? ` (first ${limit} listed)` : ''}`];
  for (const { example: i, traces } of listed.slice(0, limit)) {
    const where = locationText(i.location);
    lines.push(`- ${i.ruleId} service=${quoteSpanText(i.serviceName, 80)} in ${traces.size} trace(s), e.g. trace=${i.traceId}${where ? ` at ${where}` : ''} message=${quoteSpanText(i.message, 300)}`);
  }
  lines.push(`Lint findings: ${findings.length}${findings.length > limit ? ` (first ${limit} listed)` : ''}`);
  for (const f of findings.slice(0, limit)) lines.push(`- ${f.ruleId} ${f.severity} at ${quoteSpanText(f.file)}:${f.line} message=${quoteSpanText(f.message, 300)}`);
  return capAnswer(lines, MAX_ANSWER_CHARS);
}
