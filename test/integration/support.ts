// What the in-host suites share: where the test workspace is, waiting on state, Trace Lens's hover
// and user settings.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';

/** A file of the test workspace (the runner's scratch copy of test/workspaces/basic). */
export function workspaceFile(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs in test/workspaces/basic');
  return vscode.Uri.file(path.join(folder.uri.fsPath, ...segments));
}

/** Polls until `probe` returns a value (not undefined); fails naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The markdown of Trace Lens's hover at `position`, if it shows one. */
export async function traceLensHover(uri: vscode.Uri, position: vscode.Position): Promise<string | undefined> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  for (const h of hovers) {
    for (const c of h.contents) {
      const value = typeof c === 'string' ? c : 'value' in c ? c.value : '';
      if (value.includes('**Trace Lens**')) return value;
    }
  }
  return undefined;
}

/** Sets `traceLens.<key>` in the user settings, not the workspace's .vscode/settings.json, which the suites leave as it is. */
export async function setGlobal(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('traceLens').update(key, value, vscode.ConfigurationTarget.Global);
}

/** 0-based line of the first line of `doc` containing `needle`. */
export function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not in ${doc.uri.fsPath}`);
}

/** Trace Lens's latency lens on `line` of `uri`, if the editor shows one there. */
export async function latencyLensOn(uri: vscode.Uri, line: number): Promise<vscode.CodeLens | undefined> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.find((l) => l.command?.command === 'traceLens.showFunctionTraces' && l.range.start.line === line);
}
