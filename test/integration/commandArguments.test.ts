import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { controlCharactersIn } from '../unit/text/terminalAssertions';
import { waitFor } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * Hostile arguments per command, as a `command:` link, a keybinding or another extension could pass
 * them. Commands not listed take no arguments; they get NO_ARGUMENTS_HOSTILE.
 */
const HOSTILE: Record<string, unknown[][]> = {
  'traceLens.openTraceById': [
    [{ traceId: TRACE, spanId: 'zz' }],
    [{ traceId: TRACE, spanId: '00f067aa0ba902b7\u001b[2J' }],
    [{ traceId: '../../etc/passwd' }],
    [`${TRACE}\0`],
    ['not a trace id'],
    [42],
    [NaN],
    [null],
    [[TRACE]],
    [TRACE, TRACE],
  ],
  'traceLens.openTraceFile': [['relative/trace.json'], ['/etc/passwd\0.json'], [{ scheme: 'file', path: 7 }], [{ scheme: '../x', path: '/etc/passwd' }], [Infinity]],
  'traceLens.openInWaterfall': [
    ['relative/trace.json'],
    [{ scheme: 'file', path: '/etc/passwd\0.json' }],
    [{ scheme: 'file', path: '/w/a.json' }, 'not a selection'],
    [{ scheme: 'file', path: '/w/a.json' }, [{ scheme: 'file', path: 7 }]],
    [{ scheme: 'file', path: '/w/a.json' }, [], 'a third'],
  ],
  'traceLens.openFunction': [[42], [{ locationKey: 'k' }], ['k'.repeat(70_000)], ['a', 'b']],
  'traceLens.showFunctionTraces': [[{ locationKey: 5 }], [{ locationKey: 'k', traceIds: ['not-hex'] }], [{ locationKey: 'k', location: { filePath: '/x\0' } }], ['k']],
  'traceLens.lint.allowKey': [[], [''], ['user.\u202epassword'], [42], ['k'.repeat(5000)]],
};
const NO_ARGUMENTS_HOSTILE: unknown[][] = [['/home/u/.ssh/id_rsa'], [{ traceId: TRACE }], [undefined, 1]];


/** Everything the user could see opened: tabs (editors, webviews) and visible editors. */
function openedThings(): string[] {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `tab:${t.label}`);
  const editors = vscode.window.visibleTextEditors.map((e) => `editor:${e.document.uri.toString()}`);
  return [...tabs, ...editors].sort();
}

/**
 * The tabs once the tab model has caught up: the model reaches the extension host after the fact, so
 * open a sentinel editor and wait for its tab; whatever a command opened earlier is there by then.
 */
async function settledTabs(): Promise<string[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs in test/workspaces/basic');
  // A saved file, so closing its tab asks nothing.
  const sentinel = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'README.md'));
  await vscode.window.showTextDocument(sentinel, { preview: false });
  const isSentinel = (t: vscode.Tab) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === sentinel.uri.toString();
  const tab = await waitFor('the sentinel tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(isSentinel));
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => !isSentinel(t)).map((t) => t.label).sort();
  await vscode.window.tabGroups.close(tab);
  return tabs;
}

function describeArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'number' ? String(a) : JSON.stringify(a) ?? String(a))).join(', ').slice(0, 80);
}

describe('commands reject hostile arguments at the boundary', () => {
  let commands: string[];

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await extension?.activate();
    const declared = (extension?.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    commands = [...declared, 'traceLens.lint.allowKey'];
  });

  it('every command, declared or internal, is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of commands) assert.ok(registered.has(command), command);
  });

  it('each command rejects each hostile argument with a clear message and opens nothing', async () => {
    const tabsBefore = await settledTabs();
    for (const command of commands) {
      for (const args of HOSTILE[command] ?? NO_ARGUMENTS_HOSTILE) {
        const before = openedThings();
        await assert.rejects(
          Promise.resolve(vscode.commands.executeCommand(command, ...args)),
          (err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            assert.match(message, new RegExp(`the command ${command.replace(/\./g, '\\.')} was called with an invalid argument \\(.+\\), so it did nothing`), message);
            assert.deepEqual(controlCharactersIn(message), [], 'the message quotes hostile text escaped');
            return true;
          },
          `${command}(${describeArgs(args)}) must be rejected`,
        );
        assert.deepEqual(openedThings(), before, `${command}(${describeArgs(args)}) opened nothing`);
      }
    }
    assert.deepEqual(await settledTabs(), tabsBefore, 'no command opened anything, even late');
  });

  it('still runs with the arguments its own links pass', async () => {
    // A valid id of a trace the built-in receiver does not hold: the command runs (the panel says it is not found).
    await vscode.commands.executeCommand('traceLens.openTraceById', { traceId: TRACE.toUpperCase(), spanId: '00F067AA0BA902B7' });
    // The tab model reaches the extension host after the panel is created: wait for it.
    const panel = await waitFor('the waterfall panel of the trace', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(TRACE.slice(0, 7))));
    await vscode.window.tabGroups.close(panel);
  });
});
