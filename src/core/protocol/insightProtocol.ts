/**
 * The waterfall's insight marks on the wire: the host message and its check, apart from protocol.ts so
 * the shared protocol only names it. Imports nothing from `vscode`.
 */
import { INSIGHT_RULE_IDS } from '../insights/insightRules';
import { MAX_INSIGHT_ROWS, MAX_WATERFALL_INSIGHTS, type WaterfallInsight } from '../waterfall/waterfallInsight';

/** The performance insights of the trace shown, posted after its `trace` message. */
export interface InsightsMessage { type: 'insights'; traceId: string; insights: WaterfallInsight[] }

const RULES: ReadonlySet<string> = new Set(INSIGHT_RULE_IDS);

function isRow(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isWaterfallInsight(v: unknown): v is WaterfallInsight {
  if (typeof v !== 'object' || v === null) return false;
  const i = v as Record<string, unknown>;
  return typeof i.ruleId === 'string' && RULES.has(i.ruleId)
    && typeof i.title === 'string' && i.title.length <= 200
    && typeof i.message === 'string' && i.message.length <= 1000
    && Array.isArray(i.rows) && i.rows.length > 0 && i.rows.length <= MAX_INSIGHT_ROWS && i.rows.every(isRow)
    && typeof i.parentRow === 'number' && Number.isSafeInteger(i.parentRow) && i.parentRow >= -1;
}

export function isInsightsMessage(v: Record<string, unknown>): boolean {
  return v.type === 'insights' && typeof v.traceId === 'string' && Array.isArray(v.insights)
    && v.insights.length <= MAX_WATERFALL_INSIGHTS && v.insights.every(isWaterfallInsight);
}
