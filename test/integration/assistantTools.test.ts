// Issue 22: the Language Model Tools, invoked as an assistant invokes them (`vscode.lm.invokeTool`,
// outside a chat, so no toolInvocationToken), against spans sent through the real OpenTelemetry SDK to
// the built-in receiver and to a real Jaeger. Checks the text each tool returns, and that a hostile
// span name arrives as one quoted, escaped JSON string that cannot pose as tool output.
import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import type { AssistantToolName } from '../../src/core/assistant/assistantTools';
import type { TraceLensTestHooks } from '../../src/extension';
import { startJaeger } from '../backends/harness/servers';
import { RECEIVER } from './receiverPorts';
import { assertHostileNameContained, figureMs, GITHUB_TOKEN, quantile, sendCheckouts as sendShopCheckouts, SHOP_FILE as FILE, SHOP_SPAN_FILE as SPAN_FILE, type Sent } from './shopTraces';
import { setGlobal, waitFor, workspaceFile } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';
const TOOLS = ['traceLens_functionLatency', 'traceLens_getTrace', 'traceLens_searchTraces', 'traceLens_insights'];

/** 1-based line of the line containing `needle` in the fixture. */
async function lineOf(needle: string): Promise<number> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(FILE));
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i + 1;
  throw new Error(`"${needle}" not in ${FILE}`);
}

async function sendCheckouts(otlpHttpUrl: string, service: string, count: number): Promise<Sent> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(FILE));
  return sendShopCheckouts(otlpHttpUrl, service, count, doc.getText());
}

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

describe('Language Model Tools (vscode.lm.invokeTool)', function () {
  this.timeout(600_000);
  let sent: Sent;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    sent = await waitFor('the receiver to accept spans', () => sendCheckouts(RECEIVER, 'assistant-shop', 30).catch(() => undefined), 30_000);
  });

  after(async () => {
    // The other suites count the receiver's spans.
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
  });

  it('registers the four tools with their schemas', () => {
    for (const name of TOOLS) {
      const tool = vscode.lm.tools.find((t) => t.name === name);
      assert.ok(tool, `${name} is registered: ${vscode.lm.tools.map((t) => t.name).join(', ')}`);
      assert.equal((tool.inputSchema as { type?: string } | undefined)?.type, 'object');
      assert.ok(tool.description.includes('JSON string literal'), 'the model is told span data is quoted');
    }
  });

  it('answers the latency of a function from the receiver, as the lens computes it', async () => {
    const text = await waitFor('figures for loadCart', async () => {
      const t = await invoke('traceLens_functionLatency', { file: FILE, function: 'loadCart' });
      return /^Calls: 30 calls$/m.test(t) ? t : undefined;
    }, 60_000);
    assert.match(text, /^From: the built-in OTLP receiver$/m);
    assert.match(text, /^Source: exact \(every call in the window\)/m);
    assert.match(text, /^Window: last 1h /m);
    assert.match(text, /^Error rate: 0% \(0 of 30\)$/m);
    assert.match(text, /^Trend: no calls in the previous 1h/m);
    const p50 = figureMs(text, 'p50');
    assert.ok(Math.abs(p50 - quantile(sent.loadCartMs, 0.5)) <= quantile(sent.loadCartMs, 0.5) * 0.02, `p50 ${p50} ms`);
    assert.match(text, /^p99: not shown \(needs ≥ 100 samples\)$/m, 'the p99 of 30 calls is left out as the lens leaves it out');
    assert.ok(sent.traceIds.some((id) => text.includes(id)), 'example trace ids of the function');
    // The same function found from a line inside it, and the failing function's error rate.
    const byLine = await invoke('traceLens_functionLatency', { file: FILE, line: await lineOf('loadCart span line') });
    assert.match(byLine, /^Function: "loadCart"$/m);
    const pay = await invoke('traceLens_functionLatency', { file: FILE, function: 'chargePayment' });
    assert.match(pay, /^Error rate: 3\.3% \(1 of 30\)$/m);
    assert.ok(pay.includes(sent.failedTraceId), 'the latest failure is named');
    assert.ok(!pay.includes(GITHUB_TOKEN), 'the status message is redacted');
  });

  it('summarises a trace given a traceparent, with the hostile span name quoted and escaped', async () => {
    const text = await invoke('traceLens_getTrace', { traceId: `00-${sent.hostileTraceId}-0000000000000001-01` });
    assert.match(text, new RegExp(`^Trace: ${sent.hostileTraceId} \\(from the built-in OTLP receiver\\)$`, 'm'));
    assert.match(text, /^Root: "POST \/checkout" service="assistant-shop" /m);
    assert.match(text, /^Duration: [\d.]+ ms; spans: 9$/m);
    assert.match(text, /^Services \(1\): "assistant-shop" \(9 spans\)$/m);
    assert.match(text, /^Critical path: \d+ spans;/m);
    assert.match(text, new RegExp(`at "${SPAN_FILE.replace(/[/.]/g, '\\$&')}":\\d+ in "chargePayment"`), 'slowest spans carry their source location');
    assertHostileNameContained(text);
  });

  it('refuses what is not a trace id and a file outside the workspace, as answers the model can act on', async () => {
    assert.match(await invoke('traceLens_getTrace', { traceId: 'not an id' }), /^Error: No trace id found/);
    assert.match(await invoke('traceLens_functionLatency', { file: '/etc/passwd', function: 'x' }), /^Error: "\/etc\/passwd" is not a file of the workspace: it is outside the workspace folders/);
    assert.match(await invoke('traceLens_searchTraces', { traceql: '{ }' }), /^Error: TraceQL needs a Tempo backend/);
  });

  it('searches the receiver by service and lists a bounded number of traces', async () => {
    const text = await invoke('traceLens_searchTraces', { service: 'assistant-shop', limit: 5 });
    assert.match(text, /^Traces listed: 5 \(more match: narrow the filters or raise limit\)$/m);
    const listed = text.split('\n').filter((l) => l.startsWith('- '));
    assert.equal(listed.length, 5);
    for (const line of listed) assert.ok(sent.traceIds.includes(line.slice(2, 34)), line);
    const errors = await invoke('traceLens_searchTraces', { service: 'assistant-shop', errorsOnly: true });
    assert.ok(errors.includes(sent.failedTraceId), errors);
  });

  it('lists the N+1 insight of loadCart and the lint findings of a file', async () => {
    const text = await invoke('traceLens_insights', { file: FILE });
    assert.match(text, /^- PI001 service="assistant-shop" in 30 trace\(s\), e.g. trace=[0-9a-f]{32} at /m, text);
    assert.match(text, /at "\/srv\/shop\/assistant\/assistantShop\.ts":\d+ in "loadCart"/);
    const lint = await invoke('traceLens_insights', { file: 'lint/orders.ts' });
    // Both rules are errors by default (lint-rules.md); lines are 1-based.
    assert.match(lint, /^- SN001 error at "lint\/orders\.ts":6 message="startSpan names the span with a name built at run time/m);
    assert.match(lint, /^- SD001 error at "lint\/orders\.ts":7 message="Attribute key \\"user\.password\\" looks like a credential/m);
    assert.match(lint, /^Performance insights: 0 distinct/m, 'no insight belongs to orders.ts');
  });

  it('offers an MCP server (dist/mcpServer.js) that reads this window\'s receiver over the shared-receiver channel', async () => {
    const hooks = (await vscode.extensions.getExtension<TraceLensTestHooks>(EXTENSION_ID)?.activate())!;
    assert.equal(typeof (vscode.lm as { registerMcpServerDefinitionProvider?: unknown }).registerMcpServerDefinitionProvider, 'function', `VS Code ${vscode.version} has the MCP server API`);
    const launch = hooks.mcpServerLaunch();
    assert.ok(launch.args[0].endsWith('dist/mcpServer.js'), launch.args.join(' '));
    assert.ok(!Object.keys(launch.env).some((k) => /TOKEN|AUTH/.test(k)), 'no credentials before VS Code resolves the server');
    const client = new Client({ name: 'trace-lens-host-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: launch.command, args: launch.args, env: { ...launch.env, HOME: process.env.HOME ?? '', PATH: process.env.PATH ?? '' }, stderr: 'pipe' }));
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), TOOLS);
      const result = await client.callTool({ name: 'traceLens_functionLatency', arguments: { file: FILE, function: 'loadCart' } });
      const text = (result.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('');
      assert.match(text, /^From: the built-in OTLP receiver of the Trace Lens window on port \d+$/m, text);
      assert.match(text, /^Calls: 30 calls$/m);
      const traceText = (await client.callTool({ name: 'traceLens_getTrace', arguments: { traceId: sent.hostileTraceId } })).content as Array<{ text?: string }>;
      assertHostileNameContained(traceText.map((c) => c.text ?? '').join(''));
    } finally {
      await client.close();
    }
  });

  it('reads a real Jaeger with the same tools, asking first where a tool reaches it', async () => {
    const hooks = (await vscode.extensions.getExtension<TraceLensTestHooks>(EXTENSION_ID)?.activate())!;
    for (const name of TOOLS) assert.equal(hooks.assistantToolConfirmation(name as AssistantToolName), undefined, `${name} runs without asking on the receiver`);
    const jaeger = await startJaeger();
    try {
      assert.ok(jaeger.otlpHttpUrl);
      const remote = await sendCheckouts(jaeger.otlpHttpUrl, 'assistant-jaeger', 12);
      await setGlobal('serviceNames', ['assistant-jaeger']);
      await setGlobal('backend.url', jaeger.queryUrl);
      await setGlobal('backend.type', 'jaeger');
      await waitFor('the Jaeger backend', () => (hooks.assistantToolConfirmation('traceLens_getTrace')?.includes(`Jaeger at ${jaeger.queryUrl}`) ? true : undefined));
      for (const name of ['traceLens_getTrace', 'traceLens_searchTraces', 'traceLens_insights'] as const) {
        assert.match(hooks.assistantToolConfirmation(name) ?? '', /^This asks Jaeger at .* for trace data, with the credentials stored for it/, name);
      }
      assert.equal(hooks.assistantToolConfirmation('traceLens_functionLatency'), undefined, 'the lens figures are already in memory');
      const search = await waitFor('Jaeger to list the traces', async () => {
        const t = await invoke('traceLens_searchTraces', { service: 'assistant-jaeger', limit: 50 });
        return t.includes('Jaeger at') && /^Traces listed: 12 \(all that match\)$/m.test(t) ? t : undefined;
      }, 60_000);
      for (const id of remote.traceIds) assert.ok(search.includes(id), `${id} listed`);
      const text = await invoke('traceLens_getTrace', { traceId: remote.hostileTraceId });
      assert.match(text, new RegExp(`^Trace: ${remote.hostileTraceId} \\(from Jaeger at ${jaeger.queryUrl.replace(/[/.:]/g, '\\$&')}\\)$`, 'm'));
      assert.match(text, /^Duration: [\d.]+ ms; spans: 9$/m);
      assertHostileNameContained(text);
      const latency = await waitFor('sampled figures for loadCart from Jaeger', async () => {
        await vscode.commands.executeCommand('traceLens.refresh');
        const t = await invoke('traceLens_functionLatency', { file: FILE, function: 'loadCart' });
        return t.includes('Jaeger at') && /^Calls: 12 calls in a sample of \d+ traces?/m.test(t) ? t : undefined;
      }, 90_000);
      assert.match(latency, /^Source: sample \(figures describe sampled traces only\)/m);
      const insights = await invoke('traceLens_insights', {});
      assert.match(insights, /^- PI001 service="assistant-jaeger" /m);
    } finally {
      await setGlobal('backend.type', undefined);
      await setGlobal('backend.url', undefined);
      await setGlobal('serviceNames', undefined);
      await jaeger.stop();
    }
  });
});
