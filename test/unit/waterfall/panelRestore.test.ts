import assert from 'node:assert/strict';
import { FILE_SOURCE_PREFIX, OpenedTraceFiles, planRestore, UnrecordedTraceFileError, type KeyValueStore } from '../../../src/core/traceFiles/openedTraceFiles';

/** Workspace state as VS Code's Memento keeps it: values survive as JSON. */
class MemoryState implements KeyValueStore {
  readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

const OPENED = 'file:///home/u/traces/checkout.json';
const BACKEND = 'backend:local';

describe('restoring a waterfall panel from its saved state', () => {
  it('reads a file again only when the host recorded the user opening it', async () => {
    const opened = new OpenedTraceFiles(new MemoryState());
    await opened.record(OPENED);
    assert.deepEqual(planRestore(FILE_SOURCE_PREFIX + OPENED, opened, BACKEND), { kind: 'file', uri: OPENED });
  });

  it('a crafted saved state cannot make a panel read a file: it gets a message instead', () => {
    const opened = new OpenedTraceFiles(new MemoryState());
    for (const crafted of ['file:///home/u/.ssh/id_rsa', 'vscode-remote://ssh-remote+x/etc/shadow', 'file:///home/u/traces/checkout.json?x', 'file:///home/u/traces/../.ssh/id_rsa']) {
      const plan = planRestore(FILE_SOURCE_PREFIX + crafted, opened, BACKEND);
      assert.equal(plan.kind, 'refused', crafted);
      assert.ok(plan.kind === 'refused' && plan.error instanceof UnrecordedTraceFileError);
      assert.match(plan.error.userMessage, /no record of you opening in this workspace, so it was not read\. Open the file again with "Trace Lens: Open Trace File…"/);
    }
  });

  it('keeps the record host-side: a hostile value in the store is ignored, not trusted', async () => {
    const state = new MemoryState();
    await state.update('traceLens.openedTraceFiles', 'file:///home/u/.ssh/id_rsa');
    assert.equal(new OpenedTraceFiles(state).has('file:///home/u/.ssh/id_rsa'), false);
    await state.update('traceLens.openedTraceFiles', [42, null, OPENED]);
    assert.equal(new OpenedTraceFiles(state).has(OPENED), true);
  });

  it('remembers the most recent files, forgetting the oldest', async () => {
    const opened = new OpenedTraceFiles(new MemoryState(), 3);
    for (const n of [1, 2, 3, 1, 4]) await opened.record(`file:///t/${n}.json`);
    assert.deepEqual([1, 2, 3, 4].map((n) => opened.has(`file:///t/${n}.json`)), [true, false, true, true]);
  });

  it('refetches from the backend only when it is still the same backend', () => {
    const opened = new OpenedTraceFiles(new MemoryState());
    assert.deepEqual(planRestore(BACKEND, opened, BACKEND), { kind: 'backend' });
    assert.deepEqual(planRestore('backend:tempo', opened, BACKEND), { kind: 'stale' });
  });
});
