import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('trace ids in logs are links', () => {
  before(async () => {
    await vscode.extensions.getExtension('trace-lens.trace-lens')?.activate();
  });

  it('links trace_id=…, "traceId": "…" and traceparent values to Open Trace by ID', async () => {
    const content = [
      `2026-11-21T10:00:00Z ERROR payment failed trace_id=${ID} user=42`,
      `{"level":"warn","traceId":"a3ce929d0e0e4736"}`,
      `incoming traceparent: 00-${ID}-00f067aa0ba902b7-01`,
      'no id on this line: 0123456789abcdef0123456789abcdef0123',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'log', content });
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const ours = links.filter((l) => l.target?.scheme === 'command');
    assert.equal(ours.length, 3, ours.map((l) => doc.getText(l.range)).join(', '));
    assert.deepEqual(ours.map((l) => l.range.start.line), [0, 1, 2]);
    assert.equal(doc.getText(ours[0].range), ID);
    const args = (link: vscode.DocumentLink) => JSON.parse(decodeURIComponent(link.target?.query ?? '')) as { traceId: string; spanId?: string }[];
    assert.equal(ours[0].target?.path, 'traceLens.openTraceById');
    assert.deepEqual(args(ours[0]), [{ traceId: ID }]);
    assert.deepEqual(args(ours[1]), [{ traceId: '0000000000000000a3ce929d0e0e4736' }]);
    assert.deepEqual(args(ours[2]), [{ traceId: ID, spanId: '00f067aa0ba902b7' }]);
  });
});
