import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SharedReceiver } from '../../src/core/receiver/sharedReceiver';
import { userTokenDir } from '../../src/core/receiver/sharedReceiverToken';
import { SpanStore } from '../../src/core/receiver/spanStore';
import type { TraceLensTestHooks } from '../../src/extension';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import { RECEIVER } from './receiverPorts';
import { waitFor } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';

// The extension in this host owns the receiver's port; a second window (the same SharedReceiver an
// extension host runs, with its own store) must attach to it rather than fail, and follow it.
describe('a second window shares the receiver of the window that owns the port', () => {
  let hooks: TraceLensTestHooks;
  let store: SpanStore;
  let secondWindow: SharedReceiver;

  before(async () => {
    const exported = await vscode.extensions.getExtension<TraceLensTestHooks | undefined>(EXTENSION_ID)?.activate();
    assert.ok(exported, 'activate() returns the test hooks');
    hooks = exported;
    await waitFor('the receiver to accept spans', async () => sendTestTrace({ otlpHttpUrl: RECEIVER }).catch(() => undefined));
    store = new SpanStore({ changeDebounceMs: 10 });
    const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
    secondWindow = new SharedReceiver({ store, tokenDir: userTokenDir(), log: quiet });
  });

  after(async () => {
    await secondWindow.stop();
    store.dispose();
  });

  it('attaches with the per-user token, holds what the owner holds and every span sent afterwards, and follows its Clear', async () => {
    const state = await secondWindow.start({ port: Number(new URL(RECEIVER).port), grpcPort: 0 });
    assert.equal(state.kind, 'attached', `the second window attached, not ${state.kind}`);
    await waitFor('the owner\'s snapshot in the second window', () => store.counts.spansHeld > 0 || undefined);

    const sent = await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: 'protobuf' });
    const copy = await waitFor('the trace in the second window', () => {
      const trace = store.peekTrace(sent.traceId);
      return trace && trace.spans.length === sent.spans.length ? trace : undefined;
    });
    assert.deepEqual(copy.spans.map((s) => s.spanId).sort(), sent.spans.map((s) => s.spanId).sort());
    assert.ok(hooks.receivedSpanAttributes(sent.traceId, sent.spans[0].spanId), 'the owner holds it too');

    let cleared = false;
    secondWindow.onDidClear(() => (cleared = true));
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
    await waitFor('the owner\'s Clear to reach the second window', () => cleared || undefined);
    assert.equal(store.counts.spansHeld, 0);
  });
});
