import * as vscode from 'vscode';
import type { SeveritySetting } from '../core/lint/findings';
import { INSIGHT_RULE_IDS, type InsightRuleId } from '../core/insights/insightRules';

/** `traceLens.insights.*` as the statistics pass and the diagnostics want them. */
export interface InsightSettings {
  enabled: boolean;
  /** Severity of each rule's diagnostics; `off` also drops it from lenses and hovers. */
  rules: Readonly<Record<InsightRuleId, SeveritySetting>>;
}

/** Insights are advice about what the traces show, not faults in the code: Information unless the user says otherwise. */
export const DEFAULT_INSIGHT_SEVERITY: SeveritySetting = 'info';
const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Unknown rule ids and severities are ignored, so a typo cannot switch a rule off. */
export function readInsightSettings(): InsightSettings {
  const c = vscode.workspace.getConfiguration('traceLens.insights');
  const raw = c.get<Record<string, unknown>>('rules', {}) ?? {};
  const rules = {} as Record<InsightRuleId, SeveritySetting>;
  for (const id of INSIGHT_RULE_IDS) {
    const v = raw && typeof raw === 'object' ? raw[id] : undefined;
    rules[id] = typeof v === 'string' && SEVERITIES.has(v) ? (v as SeveritySetting) : DEFAULT_INSIGHT_SEVERITY;
  }
  return { enabled: c.get<boolean>('enabled', true) !== false, rules };
}

export function affectsInsights(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('traceLens.insights');
}
