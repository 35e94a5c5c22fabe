import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as vscode from 'vscode';
import { sendTestTrace } from '../backends/harness/sendTestTrace';
import type { TraceLensTestHooks } from '../../src/extension';
import { RECEIVER, GRPC_RECEIVER } from './receiverPorts';
import { waitFor } from './support';

const EXTENSION_ID = 'trace-lens.trace-lens';


/** The tab of the waterfall of a trace: its title is the root span's name and the short trace id. */
function waterfallTabFor(traceId: string, rootName: string): vscode.Tab | undefined {
  const short = traceId.replace(/^0{16}/, '').slice(0, 7);
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(short) && t.label.includes(rootName));
}

describe('the built-in OTLP receiver, end to end in the extension host', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    it(`receives a trace from the OpenTelemetry SDK (OTLP ${encoding}) and opens it by id`, async () => {
      const sent = await waitFor('the receiver to accept spans', async () => {
        try {
          return await sendTestTrace({ otlpHttpUrl: RECEIVER, otlpEncoding: encoding });
        } catch {
          return undefined; // not listening yet
        }
      });
      await vscode.commands.executeCommand('traceLens.openTraceById', sent.traceId);
      const root = sent.spans[0];
      const tab = await waitFor('the waterfall panel titled with the root span and short id', () => waterfallTabFor(sent.traceId, root.name));
      assert.ok((tab.input as vscode.TabInputWebview).viewType.includes('traceLens.waterfall'));
    });
  }

  it('receives OTLP/gRPC from the SDK\'s gRPC exporter on traceLens.local.grpcPort', async () => {
    const hooks = (await vscode.extensions.getExtension<TraceLensTestHooks | undefined>(EXTENSION_ID)?.activate()) as TraceLensTestHooks;
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-fixture' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new GrpcExporter({ url: GRPC_RECEIVER }) })],
    });
    const span = provider.getTracer('grpc-test').startSpan('GET /grpc', { attributes: { 'app.via': 'grpc' } }, ROOT_CONTEXT);
    span.end();
    const { traceId, spanId } = span.spanContext();
    // The exporter retries UNAVAILABLE while the receiver starts; flush until the span is held.
    const attributes = await waitFor('the gRPC span in the store', async () => {
      await provider.forceFlush();
      return hooks.receivedSpanAttributes(traceId, spanId);
    });
    await provider.shutdown();
    assert.equal(attributes['app.via'], 'grpc');
  });

  it('accepts a traceparent as the id', async () => {
    const sent = await sendTestTrace({ otlpHttpUrl: RECEIVER });
    await vscode.commands.executeCommand('traceLens.openTraceById', `00-${sent.traceId}-${sent.rootSpanId}-01`);
    await waitFor('the waterfall panel', () => waterfallTabFor(sent.traceId, sent.spans[0].name));
  });
});

// Values each sensitive-data rule flags: by key (SD001), by value (SD004: a JWT, a GitHub token), a
// captured credential header (SD005), a URL with a token parameter (SD006).
const AUTH_TOKEN = 'opaque-session-7c1e9a55';
const PASSWORD = 'hunter2-correct-horse-battery';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwibmFtZSI6IkFkYSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const GITHUB_TOKEN = `ghp_${'Z9y8X7w6V5'.repeat(4)}`;
const HEADER_SECRET = 'Basic dHJhY2U6bGVucw==';
const URL_TOKEN = 'urltoken-0b7a1f3e';
const SECRETS = [AUTH_TOKEN, PASSWORD, JWT, GITHUB_TOKEN, HEADER_SECRET, URL_TOKEN];

/** One span with flagged attributes, through the real SDK's OTLP/HTTP protobuf exporter. */
async function sendSensitiveSpan(): Promise<{ traceId: string; spanId: string }> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'privacy-fixture' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${RECEIVER}/v1/traces` }) })],
  });
  const span = provider.getTracer('privacy-test').startSpan('POST /login', {
    attributes: {
      'auth.token': AUTH_TOKEN,
      password: PASSWORD,
      'app.note': `issued ${JWT}`,
      'deploy.ref': GITHUB_TOKEN,
      'http.request.header.authorization': [HEADER_SECRET],
      'url.full': `https://api.example.com/login?access_token=${URL_TOKEN}&page=2`,
      'http.route': '/login',
    },
  }, ROOT_CONTEXT);
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

async function setPersist(value: boolean | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('traceLens').update('local.persist', value, vscode.ConfigurationTarget.Global);
}

describe('privacy of the spans the receiver saves', () => {
  let hooks: TraceLensTestHooks;

  before(async () => {
    const exported = await vscode.extensions.getExtension<TraceLensTestHooks | undefined>(EXTENSION_ID)?.activate();
    assert.ok(exported, 'activate() returns the test hooks');
    hooks = exported;
    // Listening (sendTestTrace retries until then).
    await waitFor('the receiver to accept spans', async () => sendTestTrace({ otlpHttpUrl: RECEIVER }).catch(() => undefined));
  });

  after(async () => {
    await setPersist(undefined);
  });

  it('redacts flagged values in the saved file and keeps them in memory', async () => {
    const sent = await sendSensitiveSpan();
    const attributes = await waitFor('the span in the store', () => hooks.receivedSpanAttributes(sent.traceId, sent.spanId));
    assert.equal(attributes['auth.token'], AUTH_TOKEN, 'the live lint still sees the value in memory');
    const saved = await waitFor('the saved file to hold the trace', () => {
      const text = existsSync(hooks.receiverSnapshotFile) ? readFileSync(hooks.receiverSnapshotFile, 'utf8') : '';
      return text.includes(sent.traceId) ? text : undefined;
    });
    for (const secret of SECRETS) assert.ok(!saved.includes(secret), `${secret} must not reach ${hooks.receiverSnapshotFile}`);
    assert.ok(saved.includes('[redacted by Trace Lens]'));
    assert.ok(saved.includes('https://api.example.com/login?access_token=REDACTED&page=2'), 'a URL keeps what is not secret');
    assert.ok(saved.includes('/login'));
  });

  it('Clear Received Spans empties the store and deletes the saved file', async () => {
    const sent = await sendSensitiveSpan();
    await waitFor('the span in the store', () => hooks.receivedSpanAttributes(sent.traceId, sent.spanId));
    await hooks.saveReceivedSpans();
    assert.ok(existsSync(hooks.receiverSnapshotFile));
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
    assert.equal(hooks.receivedSpanAttributes(sent.traceId, sent.spanId), undefined);
    assert.equal(existsSync(hooks.receiverSnapshotFile), false);
    // The save the clear itself schedules (the store changed), or the one on deactivate, writes no file.
    await hooks.saveReceivedSpans();
    assert.equal(existsSync(hooks.receiverSnapshotFile), false, 'no empty snapshot reappears after the clear');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('traceLens.clearReceivedSpans', 'unexpected')),
      /invalid argument/,
    );
  });

  it('with traceLens.local.persist off, deletes the saved file and writes nothing', async () => {
    const first = await sendSensitiveSpan();
    await waitFor('the span in the store', () => hooks.receivedSpanAttributes(first.traceId, first.spanId));
    await hooks.saveReceivedSpans();
    assert.ok(existsSync(hooks.receiverSnapshotFile));
    await setPersist(false);
    await waitFor('the saved file to be deleted', () => (existsSync(hooks.receiverSnapshotFile) ? undefined : true));
    const sent = await sendSensitiveSpan();
    await waitFor('the span in the store', () => hooks.receivedSpanAttributes(sent.traceId, sent.spanId));
    // The path deactivate takes: it must write nothing either.
    await hooks.saveReceivedSpans();
    assert.equal(existsSync(hooks.receiverSnapshotFile), false);
    assert.equal(hooks.receivedSpanAttributes(sent.traceId, sent.spanId)?.['auth.token'], AUTH_TOKEN, 'spans stay in memory');
    await setPersist(true);
    await hooks.saveReceivedSpans();
    assert.ok(existsSync(hooks.receiverSnapshotFile), 'saving resumes when the setting is back on');
  });
});
