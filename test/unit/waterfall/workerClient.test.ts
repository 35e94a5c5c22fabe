import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticTrace } from '../../../bench/waterfallSyntheticTrace';
import { toOtlpJson } from '../../../bench/waterfallOtlpJson';
import type { HostMessage } from '../../../src/webviews/waterfall/protocol';
import { WaterfallWorkerClient } from '../../../src/webviews/waterfall/workerClient';
import type { WorkerCommand } from '../../../src/webviews/waterfall/workerProtocol';

// The worker's TypeScript entry, loaded through tsx (the extension runs dist/waterfallWorker.js).
const entry = path.resolve(__dirname, '../../../src/webviews/waterfall/layoutWorker.ts');
const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(entry)});`;

function client() {
  const posts: HostMessage[] = [];
  const commands: WorkerCommand[] = [];
  const crashes: string[] = [];
  const c = new WaterfallWorkerClient(bootstrap, { post: (m) => posts.push(m), command: (m) => commands.push(m), crashed: (m) => crashes.push(m) }, { eval: true });
  return { c, posts, commands, crashes };
}

/** CPU time (user + system) of the process's main thread, from Linux's per-thread accounting. */
function mainThreadCpuMs(): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('waterfall worker', function () {
  this.timeout(120_000);

  it('parses and lays out in the worker while the host thread stays free, then answers the webview', async () => {
    const bytes = new TextEncoder().encode(toOtlpJson(syntheticTrace({ spans: 30_000, bigSubtree: 0 })));
    const { c, posts, commands, crashes } = client();
    try {
      // The CPU time of this (the host's) thread while the worker parsed: a parse here would cost
      // hundreds of ms. Wall-clock gaps, and even event-loop busy time, also count the time a busy
      // machine leaves the thread waiting for a core, which says nothing about where the work runs.
      const before = mainThreadCpuMs();
      const started = performance.now();
      const loaded = await c.load(bytes, 'big.json');
      const cpu = mainThreadCpuMs() - before;
      assert.equal(loaded.summary.spanCount, 30_000);
      assert.equal(bytes.byteLength, 0, 'the bytes were transferred, not copied');
      assert.ok(cpu < 150, `the host thread used ${cpu} ms of CPU during the ${(performance.now() - started).toFixed(0)} ms load`);

      c.fromWebview({ type: 'ready' });
      await until(() => commands.some((m) => m.type === 'ready'));
      c.requestTrace();
      await until(() => posts.some((m) => m.type === 'trace'));
      const trace = posts.find((m) => m.type === 'trace');
      assert.ok(trace?.type === 'trace' && trace.columns.startNs instanceof Float64Array && trace.columns.rowCount === 30_000);

      c.fromWebview({ type: 'detail', requestId: 1, row: 5 });
      c.fromWebview({ type: 'detail', requestId: 'x', row: 5 });
      c.fromWebview({ type: 'openSource', location: { file: 'src/a.ts', line: 2 } });
      await until(() => posts.some((m) => m.type === 'detail') && commands.some((m) => m.type === 'openSource'));
      const detail = posts.find((m) => m.type === 'detail');
      assert.ok(detail?.type === 'detail' && detail.requestId === 1 && detail.detail?.attributes.span.length === 10);
      assert.equal(posts.filter((m) => m.type === 'detail').length, 1, 'the malformed request got no answer');
      assert.deepEqual(crashes, []);
    } finally {
      await c.dispose();
    }
  });

  it('rejects with the parse error for a document it cannot read', async () => {
    const { c } = client();
    try {
      await assert.rejects(c.load(new TextEncoder().encode('{"hello": 1}'), 'odd.json'), (err: Error) => err.name === 'UnknownTraceFileFormatError' && /odd\.json/.test(err.message));
    } finally {
      await c.dispose();
    }
  });
});
