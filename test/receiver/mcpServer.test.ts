/*
 * Issue 22: the MCP server as an MCP client sees it. A "window" (a SharedReceiver in this process, with
 * its own token folder) receives checkout traces from the OpenTelemetry SDK; `trace-lens mcp` runs as a
 * separate process over stdio, subscribes to that window's receiver with the user's token, and the
 * SDK's own client lists and calls the four tools. The hostile span name must arrive quoted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SharedReceiver } from '../../src/core/receiver/sharedReceiver';
import { waitForState } from '../backends/harness/latencyLoad';
import { requestedServers, startJaeger, type RunningServer } from '../backends/harness/servers';
import { SpanStore } from '../../src/core/receiver/spanStore';
import { assertHostileNameContained, figureMs, GITHUB_TOKEN, quantile, sendCheckouts, SHOP_FILE, type Sent } from '../integration/shopTraces';
import { freePort } from '../runner/codeServer';
import { repoRoot } from '../runner/vscodeRuntime';
import { waitFor } from './receiverHarness';

const WORKSPACE = path.join(repoRoot, 'test/workspaces/basic');
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('');
}

describe('MCP server over stdio (trace-lens mcp), read by the SDK client', function () {
  this.timeout(120_000);
  let tokenDir: string;
  let window: SharedReceiver;
  let store: SpanStore;
  let client: Client;
  let port: number;
  let sent: Sent;
  let stderr = '';

  before(async () => {
    tokenDir = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-mcp-'));
    port = await freePort();
    store = new SpanStore();
    window = new SharedReceiver({ store, tokenDir, log: quiet });
    assert.equal((await window.start({ port, grpcPort: 0 })).kind, 'listening');
    sent = await sendCheckouts(`http://127.0.0.1:${port}`, 'mcp-shop', 30, readFileSync(path.join(WORKSPACE, SHOP_FILE), 'utf8'));
    await waitFor('the window to hold every span', () => store.counts.spansHeld === 30 * 9);

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', 'tsx/cjs', path.join(repoRoot, 'src/cli.ts'), 'mcp', '--workspace', WORKSPACE, '--receiver-port', String(port), '--token-dir', tokenDir],
      cwd: repoRoot,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'trace-lens-test', version: '1.0.0' });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    window?.dispose();
    rmSync(tokenDir, { recursive: true, force: true });
  });

  async function call(name: string, args: Record<string, unknown>): Promise<string> {
    const result = await client.callTool({ name, arguments: args });
    return textOf(result);
  }

  it('lists the four tools with their JSON schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['traceLens_functionLatency', 'traceLens_getTrace', 'traceLens_searchTraces', 'traceLens_insights']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.annotations?.readOnlyHint, true);
    }
    assert.deepEqual(tools[0].inputSchema.required, ['file']);
  });

  it('answers function latency from the window\'s received spans', async () => {
    const text = await call('traceLens_functionLatency', { file: SHOP_FILE, function: 'loadCart' });
    assert.match(text, new RegExp(`^From: the built-in OTLP receiver of the Trace Lens window on port ${port}$`, 'm'), `${text}\n${stderr}`);
    assert.match(text, /^Calls: 30 calls$/m);
    assert.match(text, /^Source: exact \(every call in the window\)/m);
    const p50 = figureMs(text, 'p50');
    const exact = quantile(sent.loadCartMs, 0.5);
    assert.ok(Math.abs(p50 - exact) <= exact * 0.02, `p50 ${p50} ms, exact ${exact} ms`);
  });

  it('summarises a trace with the hostile span name quoted and escaped', async () => {
    const text = await call('traceLens_getTrace', { traceId: sent.hostileTraceId });
    assert.match(text, /^Duration: [\d.]+ ms; spans: 9$/m);
    assertHostileNameContained(text);
  });

  it('searches, bounded, and finds the failing trace', async () => {
    const text = await call('traceLens_searchTraces', { service: 'mcp-shop', errorsOnly: true, limit: 5 });
    assert.ok(text.includes(sent.failedTraceId), text);
    assert.ok(!text.includes(GITHUB_TOKEN));
  });

  it('lists the N+1 insight and the source lint of a file', async () => {
    const text = await call('traceLens_insights', { file: SHOP_FILE });
    assert.match(text, /^- PI001 service="mcp-shop" in 30 trace\(s\), e.g. trace=[0-9a-f]{32} at "\/srv\/shop\/assistant\/assistantShop\.ts":\d+ in "loadCart" message="N\+1: 6 × SELECT \* FROM items WHERE id = \? in one call of /m, text);
    const lint = await call('traceLens_insights', { file: 'lint/orders.ts' });
    assert.match(lint, /^- SN001 error at "lint\/orders\.ts":6 /m);
  });

  it('refuses a file outside the workspace and a tool it does not have, as tool errors', async () => {
    const outside = await client.callTool({ name: 'traceLens_functionLatency', arguments: { file: '/etc/passwd', function: 'x' } });
    assert.equal(outside.isError, true);
    assert.match(textOf(outside), /is not a file of the workspace/);
    const unknown = await client.callTool({ name: 'shell', arguments: {} });
    assert.equal(unknown.isError, true);
  });
});

describe('MCP server over stdio against a real Jaeger (--backend jaeger)', function () {
  this.timeout(600_000); // a cold machine builds Jaeger first
  let jaeger: RunningServer | undefined;
  let client: Client | undefined;

  after(async () => {
    await client?.close();
    await jaeger?.stop();
  });

  it('lists, fetches and samples the traces Jaeger stores (a token from the environment, never an argument)', async function () {
    if (!requestedServers().includes('jaeger')) this.skip();
    jaeger = await startJaeger();
    assert.ok(jaeger.otlpHttpUrl);
    const sent = await sendCheckouts(jaeger.otlpHttpUrl, 'mcp-jaeger', 12, readFileSync(path.join(WORKSPACE, SHOP_FILE), 'utf8'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', 'tsx/cjs', path.join(repoRoot, 'src/cli.ts'), 'mcp', '--workspace', WORKSPACE, '--backend', 'jaeger', '--url', jaeger.queryUrl],
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRACE_LENS_BEARER_TOKEN: 'only-for-jaeger' },
    });
    client = new Client({ name: 'trace-lens-test', version: '1.0.0' });
    await client.connect(transport);
    const call = async (name: string, args: Record<string, unknown>) => textOf(await client!.callTool({ name, arguments: args }));
    // Jaeger indexes spans shortly after it accepted them: wait on its answer, not on time.
    const search = await waitForState('Jaeger to list the 12 traces', async () => {
      const answer = await call('traceLens_searchTraces', { service: 'mcp-jaeger', limit: 50 });
      return /^Traces listed: 12 \(all that match\)$/m.test(answer) ? answer : undefined;
    }, 60_000);
    assert.match(search, new RegExp(`^Search: service="mcp-jaeger" in the last 60 min of jaeger at ${jaeger.queryUrl.replace(/[/.:]/g, '\\$&')}$`, 'm'));
    assert.match(search, /^Traces listed: 12 \(all that match\)$/m);
    for (const id of sent.traceIds) assert.ok(search.includes(id), `${id} listed`);
    const traceText = await call('traceLens_getTrace', { traceId: sent.hostileTraceId });
    assert.match(traceText, /^Duration: [\d.]+ ms; spans: 9$/m);
    assertHostileNameContained(traceText);
    const latency = await call('traceLens_functionLatency', { file: SHOP_FILE, function: 'loadCart' });
    assert.match(latency, /^Calls: 12 calls in a sample of 12 traces$/m, latency);
    assert.match(latency, /^Source: sample \(figures describe sampled traces only\)/m);
    const insights = await call('traceLens_insights', { file: SHOP_FILE });
    assert.match(insights, /^- PI001 service="mcp-jaeger" in 12 trace\(s\)/m, insights);
  });
});
