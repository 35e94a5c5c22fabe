/**
 * One performance insight of the trace a waterfall shows, as the webview receives it: small and
 * without the detectors, so the webview bundle carries only this shape.
 */
import type { InsightRuleId } from '../insights/insightRules';

export interface WaterfallInsight {
  ruleId: InsightRuleId;
  /** The rule's title ("N+1 queries"). */
  title: string;
  /** The detector's sentence (it quotes statements and span names: the webview shows it as text). */
  message: string;
  /** Rows of the pattern's spans, ascending. */
  rows: number[];
  /** Row of the span whose children make the pattern, or -1. */
  parentRow: number;
}

/** Insights sent at most, and rows per insight: a hostile trace must not make a huge message. */
export const MAX_WATERFALL_INSIGHTS = 100;
export const MAX_INSIGHT_ROWS = 10_000;
