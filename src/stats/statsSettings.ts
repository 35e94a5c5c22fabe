import * as vscode from 'vscode';
import { effectiveLensTemplate } from '../core/stats/lensText';
import { SECTION, readLookback } from '../config/settings';

/** The settings the latency features read; read fresh on every change (VS Code caches configuration). */
export interface LatencySettings {
  lookbackMs: number;
  /** Set when `traceLens.lookback` could not be used (the default of 1h applies then). */
  lookbackProblem?: string;
  serviceNames: string[];
  lensTemplate: string;
  codeLensEnabled: boolean;
  hoverEnabled: boolean;
}

export function readLatencySettings(): LatencySettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const { ms: lookbackMs, problem: lookbackProblem } = readLookback();
  const services = c.get<unknown[]>('serviceNames', []) ?? [];
  const settings: LatencySettings = {
    lookbackMs,
    serviceNames: (Array.isArray(services) ? services : []).filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()),
    lensTemplate: effectiveLensTemplate(c.get<string>('codeLens.format')),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true) !== false,
    hoverEnabled: c.get<boolean>('hover.enabled', true) !== false,
  };
  if (lookbackProblem) settings.lookbackProblem = lookbackProblem;
  return settings;
}

/** Settings that change which statistics are computed (not just how they are shown). */
export function affectsStatistics(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.lookback`) || e.affectsConfiguration(`${SECTION}.serviceNames`);
}
