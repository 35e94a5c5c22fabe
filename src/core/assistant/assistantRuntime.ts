/**
 * Runs one assistant tool against whatever the caller reads traces from. The editor and the MCP
 * server differ only in their `AssistantSources`: where the backend, the lens figures, recent
 * traces and lint findings come from. Everything an answer says is decided here.
 */
import { basename, isAbsolute, join, relative } from 'node:path';
import type { TraceBackend, TraceQuery } from '../backends/traceBackend';
import { ConfigurationError, TraceLensError } from '../errors';
import type { Insight } from '../insights/insight';
import { detectInsights } from '../insights/insightDetector';
import type { Trace } from '../model/trace';
import { parseFunctionName } from '../source/functionName';
import { qualifiedFunctionName } from '../source/codeLocation';
import type { FunctionLens, FunctionLensIndex } from '../stats/functionLensIndex';
import type { LocationStats } from '../stats/latencyStats';
import type { SpanNameSite } from '../source/spanNameScanner';
import type { SymbolNode } from '../source/symbolMatching';
import type { WorkspaceContainment } from '../source/workspaceContainment';
import { functionLatencyAnswer, insightsAnswer, searchAnswer, traceAnswer, type LintFindingRef } from './assistantAnswers';
import {
  AssistantInputError,
  parseToolInput,
  type AssistantToolName,
  type FunctionLatencyInput,
  type GetTraceInput,
  type InsightsInput,
  type SearchTracesInput,
} from './assistantTools';
import { oneLine, quoteSpanText } from './spanDataText';

/** A workspace file the tool may read: resolved inside a workspace folder by the adapter. */
export interface WorkspaceFile {
  /** Absolute path. */
  path: string;
  /** As the user would write it (relative to its workspace folder). */
  label: string;
}

/** The lens inputs of one file: the index that places statistics on it, and its functions. */
export interface FunctionLensInputs {
  index: FunctionLensIndex;
  symbols: readonly SymbolNode[];
  sites?: readonly SpanNameSite[];
  lookbackMs: number;
}

export interface AssistantSources {
  /** e.g. "the built-in OTLP receiver", "Jaeger at http://…". */
  describeBackend(): string;
  /** Throws a ConfigurationError when no backend is usable. */
  backend(): TraceBackend;
  /** Resolves a path the model gave inside the workspace; throws AssistantInputError otherwise. */
  workspaceFile(file: string): Promise<WorkspaceFile>;
  /** The lens statistics and the file's functions; undefined while there are no statistics yet, with why. */
  lensInputs(file: WorkspaceFile, signal: AbortSignal): Promise<FunctionLensInputs | string>;
  /** Recent traces to find insights in (the receiver's, or a bounded sample of a remote backend's). */
  recentTraces(signal: AbortSignal): Promise<Trace[]>;
  /** True when a span's `code.*` path is this workspace file (through the path mappings). */
  isFile(spanPath: string, file: WorkspaceFile): boolean;
  /** Source and live lint findings of one file, or of the workspace. */
  lintFindings(file: WorkspaceFile | undefined, signal: AbortSignal): Promise<LintFindingRef[]>;
}

export async function runAssistantTool(name: AssistantToolName, rawInput: unknown, sources: AssistantSources, signal: AbortSignal): Promise<string> {
  switch (name) {
    case 'traceLens_functionLatency':
      return functionLatency(parseToolInput(name, rawInput), sources, signal);
    case 'traceLens_getTrace':
      return getTrace(parseToolInput(name, rawInput), sources, signal);
    case 'traceLens_searchTraces':
      return searchTraces(parseToolInput(name, rawInput), sources, signal);
    case 'traceLens_insights':
      return insights(parseToolInput(name, rawInput), sources, signal);
  }
}

/**
 * A failure as the tool's answer (a wrong id, no backend, a server's refusal): one line the model can
 * act on, never a stack; a server's message in it is escaped like span data.
 */
export function errorAnswer(err: unknown): string {
  const message = err instanceof TraceLensError ? err.userMessage : err instanceof Error ? err.message : String(err);
  return `Error: ${oneLine(message)}`;
}

/** The lens of `input.function` (by simple, container.simple or qualified name) or around `input.line`. */
export function findFunctionLens(lenses: readonly FunctionLens[], index: FunctionLensIndex, symbols: readonly SymbolNode[], input: FunctionLatencyInput): FunctionLens | undefined {
  if (input.line !== undefined) {
    const line = input.line - 1;
    let best: FunctionLens | undefined;
    for (const l of lenses) {
      if (line < l.range.startLine || line > l.range.endLine) continue;
      if (!best || l.range.endLine - l.range.startLine < best.range.endLine - best.range.startLine) best = l;
    }
    return best;
  }
  const wanted = input.function!;
  const names = (l: FunctionLens): string[] => {
    const out: string[] = [];
    const symbol = symbolAt(symbols, l.nameLine);
    if (symbol) out.push(symbol.name);
    const loc = index.statsFor(l.locationKey)?.location;
    const q = loc ? qualifiedFunctionName(loc) : undefined;
    if (q !== undefined) {
      const parts = parseFunctionName(q);
      out.push(q, parts.simple);
      if (parts.container !== undefined) out.push(`${parts.container}.${parts.simple}`);
    }
    return out;
  };
  return lenses.find((l) => names(l).includes(wanted)) ?? lenses.find((l) => names(l).some((n) => n.toLowerCase() === wanted.toLowerCase()));
}

function symbolAt(symbols: readonly SymbolNode[], line: number): SymbolNode | undefined {
  for (const s of symbols) {
    if (s.selectionLine === line) return s;
    if (line >= s.range.startLine && line <= s.range.endLine && s.children) {
      const inner = symbolAt(s.children, line);
      if (inner) return inner;
    }
  }
  return undefined;
}

async function functionLatency(input: FunctionLatencyInput, sources: AssistantSources, signal: AbortSignal): Promise<string> {
  const file = await sources.workspaceFile(input.file);
  const what = input.function !== undefined ? `function ${quoteSpanText(input.function)}` : `line ${input.line}`;
  const lens = await sources.lensInputs(file, signal);
  if (typeof lens === 'string') return `No latency figures for ${what} of ${quoteSpanText(file.label)}: ${lens}`;
  const lenses = lens.index.lensesFor(file.path, lens.symbols, lens.sites);
  const found = findFunctionLens(lenses, lens.index, lens.symbols, input);
  const stats: LocationStats | undefined = found ? lens.index.statsFor(found.locationKey) : undefined;
  if (!found || !stats) {
    const known = lenses.map((l) => symbolAt(lens.symbols, l.nameLine)?.name ?? `line ${l.line + 1}`).slice(0, 20);
    return `No latency figures for ${what} of ${quoteSpanText(file.label)} from ${sources.describeBackend()}: no span in the window maps to it.` +
      (known.length > 0 ? ` Functions of this file with figures: ${known.map((k) => quoteSpanText(k, 80)).join(', ')}.` : ' No function of this file has figures.');
  }
  const label = symbolAt(lens.symbols, found.nameLine)?.name ?? input.function ?? `line ${found.line + 1}`;
  return `From: ${sources.describeBackend()}\nFile: ${quoteSpanText(file.label)}\n${functionLatencyAnswer(stats, lens.lookbackMs, label)}`;
}

async function getTrace(input: GetTraceInput, sources: AssistantSources, signal: AbortSignal): Promise<string> {
  const trace = await sources.backend().getTrace(input.traceId, { signal });
  return traceAnswer(trace, { maxSpans: input.maxSpans, spanId: input.spanId, source: sources.describeBackend() });
}

async function searchTraces(input: SearchTracesInput, sources: AssistantSources, signal: AbortSignal): Promise<string> {
  const backend = sources.backend();
  if (input.traceql !== undefined && backend.type !== 'tempo') {
    throw new AssistantInputError(`TraceQL needs a Tempo backend; ${sources.describeBackend()} takes service, operation, duration and errorsOnly filters.`);
  }
  const endMs = Date.now();
  const query: TraceQuery = {
    traceql: input.traceql,
    service: input.service,
    operation: input.operation,
    minDurationMs: input.minDurationMs,
    maxDurationMs: input.maxDurationMs,
    errorsOnly: input.errorsOnly,
    range: { startMs: endMs - input.lookbackMinutes * 60_000, endMs },
    // One more than listed: says whether more traces match than the answer lists.
    limit: input.limit + 1,
  };
  const results = await backend.search(query, signal);
  const filters = [
    input.traceql !== undefined ? `traceql=${quoteSpanText(input.traceql, 300)}` : undefined,
    input.service !== undefined ? `service=${quoteSpanText(input.service)}` : undefined,
    input.operation !== undefined ? `operation=${quoteSpanText(input.operation)}` : undefined,
    input.minDurationMs !== undefined ? `minDurationMs=${input.minDurationMs}` : undefined,
    input.maxDurationMs !== undefined ? `maxDurationMs=${input.maxDurationMs}` : undefined,
    input.errorsOnly ? 'errorsOnly' : undefined,
  ].filter(Boolean);
  return searchAnswer(results, input.limit, `${filters.join(' ') || 'all traces'} in the last ${input.lookbackMinutes} min of ${sources.describeBackend()}`);
}

async function insights(input: InsightsInput, sources: AssistantSources, signal: AbortSignal): Promise<string> {
  const file = input.file !== undefined ? await sources.workspaceFile(input.file) : undefined;
  let traces: Trace[] = [];
  let traceProblem: string | undefined;
  try {
    traces = await sources.recentTraces(signal);
  } catch (err) {
    // Lint findings are still worth answering with when the backend is not configured.
    if (!(err instanceof ConfigurationError)) throw err;
    traceProblem = err.message;
  }
  let found: Insight[] = detectInsights(traces);
  if (file) found = found.filter((i) => i.location?.filePath !== undefined && sources.isFile(i.location.filePath, file));
  const findings = await sources.lintFindings(file, signal);
  const scope = `${file ? `file ${quoteSpanText(file.label)}` : 'the workspace'}; traces from ${sources.describeBackend()}${traceProblem ? ` (none read: ${traceProblem})` : ''}`;
  return insightsAnswer(found, findings, scope, input.limit, traces.length);
}

/**
 * A path the model gave, as a file inside a workspace folder (symlinks resolved): relative paths are
 * tried against each folder. Anything else is refused, as Go to Source refuses it.
 */
export async function resolveWorkspaceFile(file: string, containment: WorkspaceContainment): Promise<WorkspaceFile> {
  const candidates = isAbsolute(file) ? [file] : containment.folders.map((f) => join(f, file));
  let reason = 'no workspace folder is open';
  for (const candidate of candidates) {
    const result = await containment.check(candidate);
    if (result.inside) return { path: result.realPath, label: relative(result.folder, result.realPath) || basename(result.realPath) };
    reason = result.reason;
  }
  throw new AssistantInputError(`${quoteSpanText(file)} is not a file of the workspace: ${reason}.`);
}

/** Traces read for insights at most: a search answer of whole traces, or a fetch per trace. */
export const MAX_INSIGHT_TRACES = 200;
const MAX_INSIGHT_FETCHES = 20;

/** The recent traces of a backend, newest first, bounded: whole traces where its search returns them, else a few fetched one by one. */
export async function recentTraces(backend: TraceBackend, lookbackMs: number, signal: AbortSignal): Promise<Trace[]> {
  const endMs = Date.now();
  const query: TraceQuery = { range: { startMs: endMs - lookbackMs, endMs }, limit: MAX_INSIGHT_TRACES };
  if (backend.searchTraces) return backend.searchTraces(query, signal);
  const found = await backend.search({ ...query, limit: backend.type === 'local' ? MAX_INSIGHT_TRACES : MAX_INSIGHT_FETCHES }, signal);
  const traces: Trace[] = [];
  for (const s of found) {
    if (signal.aborted) break;
    traces.push(await backend.getTrace(s.traceId, { signal }));
  }
  return traces;
}
