/**
 * Performance insights as the editor shows them at the code: grouped per code location (the
 * statistics' location key) and per pattern, so the same N+1 statement seen in twelve traces is one
 * finding with twelve examples, not twelve. Also the texts of each place they appear: the short
 * CodeLens suffix, the hover section and the diagnostic message. Pure and computed once per
 * statistics pass: the lens, hover and diagnostics paths only read the result.
 */
import { locationKeyString, type SpanLocation } from '../source/codeLocation';
import { commandUri, escapeMarkdown, type OpenTraceArgs } from '../stats/hoverMarkdown';
import { formatDuration, formatExactCount } from '../stats/statsFormat';
import { shortStatement, type Insight } from './insight';
import { INSIGHT_RULES, insightHelpUri, type InsightRuleId } from './insightRules';
import { COMMANDS } from '../commands/commandIds';
import { noun } from '../text/plural';

export interface InsightFinding {
  ruleId: InsightRuleId;
  /** locationKeyString of the code that issues the calls; undefined when the spans carry no code location. */
  locationKey?: string;
  location?: SpanLocation;
  serviceName: string;
  /** The insights of this pattern, one per trace for the per-trace rules, the longest first: the first is the example. */
  examples: Insight[];
  /** Traces the pattern was seen in. */
  traceCount: number;
  /** Calls (or traces, for the cross-trace rules) per example: the smallest, the median and the largest. */
  counts: { min: number; median: number; max: number };
  /** Found in traces sampled from a remote backend, not in every trace of the window. */
  fromSample: boolean;
}

/** Example traces linked from a hover at most. */
export const MAX_EXAMPLE_LINKS = 5;
/** Examples kept per finding (the longest). */
const MAX_EXAMPLES = 20;

const RULE_ORDER: Readonly<Record<InsightRuleId, number>> = { PI001: 1, PI002: 2, PI003: 3, PI004: 4, PI005: 5, PI006: 6 };

/** How long an insight's pattern takes in its trace: what "worst example" means. */
function weight(i: Insight): number {
  return i.evidence.loopDurationMs ?? i.evidence.totalDurationMs;
}

/** Groups insights by rule, location, service and statement (or request signature). */
export function groupInsights(insights: readonly Insight[], fromSample: boolean): InsightFinding[] {
  const groups = new Map<string, Insight[]>();
  for (const i of insights) {
    const locationKey = i.location ? locationKeyString(i.location) : '';
    const key = `${i.ruleId}\u0000${locationKey}\u0000${i.serviceName}\u0000${i.evidence.statement ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const out: InsightFinding[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => weight(b) - weight(a) || a.traceId.localeCompare(b.traceId));
    const first = list[0];
    const counts = list.map((i) => i.evidence.count).sort((a, b) => a - b);
    const traces = new Set<string>();
    for (const i of list) for (const t of i.traceIds) traces.add(t);
    const finding: InsightFinding = {
      ruleId: first.ruleId,
      serviceName: first.serviceName,
      examples: list.slice(0, MAX_EXAMPLES),
      traceCount: traces.size,
      counts: { min: counts[0], median: counts[Math.floor((counts.length - 1) / 2)], max: counts[counts.length - 1] },
      fromSample,
    };
    if (first.location) {
      finding.location = first.location;
      finding.locationKey = locationKeyString(first.location);
    }
    out.push(finding);
  }
  return out.sort((a, b) => RULE_ORDER[a.ruleId] - RULE_ORDER[b.ruleId] || b.traceCount - a.traceCount || weight(b.examples[0]) - weight(a.examples[0]));
}

/** Findings per location key, for the lens index; findings without a location are kept apart. */
export function findingsByLocation(findings: readonly InsightFinding[]): Map<string, InsightFinding[]> {
  const out = new Map<string, InsightFinding[]>();
  for (const f of findings) {
    if (f.locationKey === undefined) continue;
    const list = out.get(f.locationKey);
    if (list) list.push(f);
    else out.set(f.locationKey, [f]);
  }
  return out;
}

/** A CodeLens title renders `$(name)` as an icon: span data must not. */
function plain(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/\$\(/g, '$\u200b(');
}

function percent(share: number | undefined): string {
  return share === undefined ? '?' : `${Math.round(share * 100)}%`;
}

/** The statement's first keyword (`SELECT`), or its first 24 characters when it has none. */
function statementHead(statement: string | undefined): string {
  if (!statement) return 'statement';
  const word = /^\s*([A-Za-z]+)/.exec(statement)?.[1];
  return word ? `${word.toUpperCase()} …` : `${statement.slice(0, 24)}${statement.length > 24 ? '…' : ''}`;
}

function typicalCount(f: InsightFinding): string {
  return formatExactCount(f.counts.median);
}

/** One finding in a few words, for the lens: "N+1: 23 × SELECT … per call". */
export function findingShortText(f: InsightFinding): string {
  const e = f.examples[0].evidence;
  switch (f.ruleId) {
    case 'PI001': return `N+1: ${typicalCount(f)} × ${statementHead(e.statement)} per call`;
    case 'PI002': return `serial: ${typicalCount(f)} calls, ${percent(e.share)} of the call`;
    case 'PI003': return `cache miss: ${percent(e.share)} fall through`;
    case 'PI004': return `bottleneck: ${percent(e.share)} of the critical path`;
    case 'PI005': return `repeated: ${typicalCount(f)} × ${shortStatement(e.statement ?? 'the same call', 40)} per call`;
    case 'PI006': return `slow statement: p95 ${e.p95Ms === undefined ? '?' : formatDuration(e.p95Ms * 1e6)}`;
  }
}

/** The suffix of a function's lens: its first finding, and how many more the hover lists. */
export function insightLensSuffix(findings: readonly InsightFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  const sample = findings[0].fromSample ? ' in a sample' : '';
  return plain(`${findingShortText(findings[0])}${sample}${more}`);
}

function seenText(f: InsightFinding): string {
  const perCall = f.ruleId === 'PI001' || f.ruleId === 'PI005' || f.ruleId === 'PI002';
  const range = perCall && f.counts.min !== f.counts.max ? `, ${formatExactCount(f.counts.min)}–${formatExactCount(f.counts.max)} calls each` : '';
  return `${f.fromSample ? 'seen in' : 'in'} ${formatExactCount(f.traceCount)} ${noun(f.traceCount, 'trace')}${f.fromSample ? ' sampled from the backend' : ''}${range}`;
}

/** The diagnostic's message: the example's sentence, how often it was seen, and whether from a sample. */
export function insightDiagnosticMessage(f: InsightFinding): string {
  return `${f.examples[0].message} (${seenText(f)})`;
}

/** The span an example link selects: the parent of the pattern, else its first span. */
function exampleSpan(i: Insight): string | undefined {
  return i.parentSpanId ?? i.spanIds[0];
}

/** The hover's "Performance insights" section; links open example traces through `traceLens.openTraceById`. */
export function insightHoverSection(findings: readonly InsightFinding[]): string {
  if (findings.length === 0) return '';
  const lines = ['---', '', '**Performance insights**', ''];
  for (const f of findings) {
    const rule = INSIGHT_RULES[f.ruleId];
    const example = f.examples[0];
    lines.push(`[${f.ruleId}](${insightHelpUri(f.ruleId)}) **${escapeMarkdown(rule.title, 80)}**: ${escapeMarkdown(example.message, 300)}`, '');
    const links: string[] = [];
    const seen = new Set<string>();
    for (const i of f.examples) {
      if (seen.has(i.traceId)) continue;
      seen.add(i.traceId);
      const args: OpenTraceArgs = { traceId: i.traceId };
      const span = exampleSpan(i);
      if (span) args.spanId = span;
      links.push(`[${links.length === 0 ? 'Example trace' : `${links.length + 1}`} (${formatDuration(weight(i) * 1e6)})](${commandUri(COMMANDS.openTraceById, args)})`);
      if (links.length >= MAX_EXAMPLE_LINKS) break;
    }
    lines.push(`${seenText(f).replace(/^./, (c) => c.toUpperCase())}. ${links.join(' · ')}`, '');
  }
  if (findings.some((f) => f.fromSample)) lines.push('_Insights from traces sampled from the backend: patterns in traces outside the sample are not seen._', '');
  return lines.join('\n').trimEnd();
}

/** Findings of the rules not switched off, in their order. */
export function activeFindings(findings: readonly InsightFinding[], isOff: (ruleId: InsightRuleId) => boolean): InsightFinding[] {
  return findings.filter((f) => !isOff(f.ruleId));
}

/** One finding as a row of the insights list: span data made plain (no icons, one line). */
export function insightListItem(f: InsightFinding): { label: string; description: string; detail: string } {
  const loc = f.location;
  const where = loc?.filePath ? `${loc.filePath}${loc.lineNumber ? `:${loc.lineNumber}` : ''}` : loc?.functionName ?? 'no code location in the spans';
  return {
    label: `${f.ruleId} ${INSIGHT_RULES[f.ruleId].title}: ${plain(findingShortText(f))}`,
    description: plain(`${f.serviceName} · ${where}`),
    detail: plain(insightDiagnosticMessage(f)),
  };
}

/** The trace and span an example link opens: the longest example, at the parent of its pattern. */
export function exampleTraceOf(f: InsightFinding): OpenTraceArgs {
  const example = f.examples[0];
  const span = exampleSpan(example);
  return span ? { traceId: example.traceId, spanId: span } : { traceId: example.traceId };
}
