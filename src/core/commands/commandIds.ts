/**
 * The id of every Trace Lens command, written once. Code names a command through this table
 * (`COMMANDS.openTraceById`), never as a string, so a renamed or misspelt id fails the type check;
 * a unit test keeps it equal to the manifest's `contributes.commands` plus INTERNAL_COMMANDS.
 */
export const COMMANDS = {
  openTraceById: 'traceLens.openTraceById',
  openTraceFile: 'traceLens.openTraceFile',
  openInWaterfall: 'traceLens.openInWaterfall',
  searchTraces: 'traceLens.searchTraces',
  compareTraces: 'traceLens.compareTraces',
  showServiceMap: 'traceLens.showServiceMap',
  showInsights: 'traceLens.showInsights',
  refresh: 'traceLens.refresh',
  showFunctionTraces: 'traceLens.showFunctionTraces',
  showFunctionFlameGraph: 'traceLens.showFunctionFlameGraph',
  explainSourceMapping: 'traceLens.explainSourceMapping',
  configureBackend: 'traceLens.configureBackend',
  setCredentials: 'traceLens.setCredentials',
  clearCredentials: 'traceLens.clearCredentials',
  lintWorkspace: 'traceLens.lintWorkspace',
  showLog: 'traceLens.showLog',
  clearReceivedSpans: 'traceLens.clearReceivedSpans',
  showActions: 'traceLens.showActions',
  copyExporterEnvironment: 'traceLens.copyExporterEnvironment',
  openFunction: 'traceLens.openFunction',
  /** The lint quick fix "Add '<key>' to traceLens.lint.allowedKeys": internal, not in the palette. */
  lintAllowKey: 'traceLens.lint.allowKey',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Commands invoked by Trace Lens's own UI (quick fixes), not listed in the manifest's palette. */
export const INTERNAL_COMMANDS: readonly CommandId[] = [COMMANDS.lintAllowKey];
