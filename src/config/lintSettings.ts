import * as vscode from 'vscode';
import type { SeveritySetting } from '../core/lint/findings';
import { isRuleId } from '../core/lint/ruleCatalogue';

/** `traceLens.lint.*` as the engine wants it. */
export interface LintSettings {
  enabled: boolean;
  rules: Readonly<Record<string, SeveritySetting>>;
  sensitiveKeys: readonly string[];
  allowedKeys: readonly string[];
}

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'hint', 'off']);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
}

/**
 * Reads the lint settings. Unknown rule ids and severities in settings.json are dropped rather than
 * passed on, so a typo cannot switch a rule off by accident.
 */
export function readLintSettings(): LintSettings {
  const c = vscode.workspace.getConfiguration('traceLens.lint');
  const rawRules = c.get<Record<string, unknown>>('rules', {}) ?? {};
  const rules: Record<string, SeveritySetting> = {};
  if (rawRules && typeof rawRules === 'object') {
    for (const [id, sev] of Object.entries(rawRules)) {
      if (isRuleId(id) && typeof sev === 'string' && SEVERITIES.has(sev)) rules[id] = sev as SeveritySetting;
    }
  }
  return {
    enabled: c.get<boolean>('enabled', true) !== false,
    rules,
    sensitiveKeys: strings(c.get('sensitiveKeys', [])),
    allowedKeys: strings(c.get('allowedKeys', [])),
  };
}

export function affectsLint(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('traceLens.lint');
}

/**
 * Adds a key to `traceLens.lint.allowedKeys` at the workspace level when a folder is open (the team's
 * shared settings), else in the user settings. Only that level's own list is extended, so entries
 * from other levels are not copied into it.
 */
export async function allowKey(key: string): Promise<vscode.ConfigurationTarget> {
  const c = vscode.workspace.getConfiguration('traceLens.lint');
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = c.inspect<string[]>('allowedKeys');
  const current = strings(target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue);
  if (!current.some((k) => k.toLowerCase() === key.toLowerCase())) await c.update('allowedKeys', [...current, key], target);
  return target;
}
