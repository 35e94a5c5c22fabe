/**
 * What a detector reports: the rule, the spans of the pattern in an example trace, the evidence a
 * reader checks it by, and the code location it belongs to. Plain data: the CLI prints it, and the
 * editor turns it into diagnostics.
 */
import type { Span } from '../model/trace';
import { extractCodeLocation, type SpanLocation } from '../source/codeLocation';
import type { InsightRuleId } from './insightRules';

export interface InsightEvidence {
  /** Calls (or traces, for the cross-trace rules) making up the pattern. */
  count: number;
  /** Summed duration of the pattern's spans in the example trace, ms. */
  totalDurationMs: number;
  /** Duration of each span of the pattern in the example trace, ms, in start order. */
  durationsMs: number[];
  /** PI001: from the first repeating statement's start to the last one's end, ms. */
  loopDurationMs?: number;
  /** The parent's duration, ms, when the rule compares with it. */
  parentDurationMs?: number;
  /** Normalized statement (PI001, PI003's database read, PI006) or request signature (PI005). */
  statement?: string;
  /** PI002: the calls' share of their parent; PI004: the function's share of the critical path; PI003: the miss ratio. */
  share?: number;
  /** PI006: the statement's p95 and the median p95 of the other statements, ms. */
  p95Ms?: number;
  siblingP95Ms?: number;
  /** PI001: the database span before the loop (Sentry's "source" span), when there is one. */
  sourceSpanId?: string;
}

export interface Insight {
  ruleId: InsightRuleId;
  /** One line: what was found, with its numbers. */
  message: string;
  /** The example trace the span ids belong to. */
  traceId: string;
  spanIds: string[];
  /** The span whose children make the pattern (PI001, PI002, PI003, PI005 per parent). */
  parentSpanId?: string;
  /** Every trace the pattern was seen in (the cross-trace rules list several; the example first). */
  traceIds: string[];
  serviceName: string;
  /** The code that issues the calls; undefined when the spans carry no code location. */
  location?: SpanLocation;
  evidence: InsightEvidence;
}

/** A location from `code.*` attributes or a stack trace; a span name is no place in the code. */
function codeLocationOf(span: Span | undefined): SpanLocation | undefined {
  if (!span) return undefined;
  const loc = extractCodeLocation(span);
  return loc.source === 'span.name' ? undefined : loc;
}

/** The parent span's code location, else the first call's own that has one. */
export function insightLocation(parent: Span | undefined, calls: readonly Span[]): SpanLocation | undefined {
  const own = codeLocationOf(parent);
  if (own) return own;
  for (const c of calls) {
    const loc = codeLocationOf(c);
    if (loc) return loc;
  }
  return undefined;
}

export function nsToMs(ns: number): number {
  return Math.round(ns / 1e3) / 1e3;
}

/** Statements and signatures quoted in messages are cut, so one line stays one line. */
export function shortStatement(s: string, max = 80): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
