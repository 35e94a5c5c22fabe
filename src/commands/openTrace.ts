import * as vscode from 'vscode';
import { shortTraceId } from '../core/model/ids';
import { parseTraceIdInput, type TraceReference } from '../core/model/traceIdInput';
import { loadTraceFile } from '../core/traceFiles/loadTraceFile';
import { spanDurationNs, type Trace } from '../core/model/trace';
import type { BackendController } from '../backends/backendController';
import { showError } from '../errors/errorPresenter';
import { withCancellableProgress } from './progress';
import type { TraceViewer } from './traceViewer';

/** Trace files above this size are refused before reading: the waterfall's windowed mode starts lower. */
const MAX_TRACE_FILE_BYTES = 512 * 1024 * 1024;

function referenceFromArgument(arg: unknown): TraceReference | undefined {
  if (typeof arg === 'string') {
    const parsed = parseTraceIdInput(arg);
    return parsed.ok ? parsed.reference : undefined;
  }
  if (arg && typeof arg === 'object' && typeof (arg as { traceId?: unknown }).traceId === 'string') {
    const parsed = parseTraceIdInput((arg as { traceId: string }).traceId);
    const spanId = (arg as { spanId?: unknown }).spanId;
    return parsed.ok ? { traceId: parsed.reference.traceId, spanId: typeof spanId === 'string' ? spanId : parsed.reference.spanId } : undefined;
  }
  return undefined;
}

/** Asks for a trace id (prefilled from the clipboard when it holds one) and validates while typing. */
async function askForTraceReference(): Promise<TraceReference | undefined> {
  const clipboard = await vscode.env.clipboard.readText().then((t) => t.slice(0, 4096), () => '');
  const fromClipboard = clipboard ? parseTraceIdInput(clipboard) : undefined;
  const input = await vscode.window.showInputBox({
    title: 'Trace Lens: Open Trace by ID',
    prompt: 'A trace id (32 or 16 hex), a traceparent, or a URL or log line that contains one',
    placeHolder: '4bf92f3577b34da6a3ce929d0e0e4736',
    value: fromClipboard?.ok ? clipboard.trim() : '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseTraceIdInput(value);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (input === undefined) return undefined;
  const parsed = parseTraceIdInput(input);
  return parsed.ok ? parsed.reference : undefined;
}

/** `traceLens.openTraceById`: from the palette, or with a trace id argument from links, lenses and hovers. */
export async function openTraceById(controller: BackendController, viewer: TraceViewer, log: vscode.LogOutputChannel, arg?: unknown): Promise<void> {
  const reference = referenceFromArgument(arg) ?? (arg === undefined ? await askForTraceReference() : undefined);
  if (!reference) {
    if (arg !== undefined) void vscode.window.showErrorMessage(`Trace Lens: "${String(arg).slice(0, 100)}" is not a trace id.`);
    return;
  }
  try {
    const backend = controller.current();
    const trace = await withCancellableProgress(`Fetching trace ${shortTraceId(reference.traceId)} from ${controller.describe()}…`, (signal) =>
      backend.getTrace(reference.traceId, { signal }),
    );
    if (!trace) return;
    log.info(`Opened trace ${reference.traceId}: ${trace.spans.length} spans${trace.partial ? ' (partial)' : ''}`);
    for (const warning of trace.warnings.slice(0, 20)) log.warn(`Trace ${reference.traceId}: ${warning}`);
    await viewer.show(trace, { origin: { kind: 'backend', traceId: reference.traceId }, selectSpanId: reference.spanId });
  } catch (err) {
    showError(err, log, `Opening trace ${reference.traceId}`);
  }
}

function describeTraceForPick(trace: Trace): vscode.QuickPickItem & { trace: Trace } {
  const root = trace.spans.find((s) => !s.parentSpanId) ?? trace.spans[0];
  const start = trace.spans.reduce((m, s) => (s.startTimeUnixNano < m ? s.startTimeUnixNano : m), root?.startTimeUnixNano ?? 0n);
  const end = trace.spans.reduce((m, s) => (s.endTimeUnixNano > m ? s.endTimeUnixNano : m), 0n);
  const errors = trace.spans.filter((s) => s.status.code === 'error').length;
  return {
    trace,
    label: `${errors ? '$(error) ' : ''}${root ? `${root.resource.serviceName}: ${root.name}` : '(no spans)'}`,
    description: `${trace.spans.length} spans · ${(Number(end - start) / 1e6).toFixed(1)} ms`,
    detail: `${trace.traceId}${root ? ` · ${(spanDurationNs(root) / 1e6).toFixed(1)} ms root` : ''}`,
  };
}

/** `traceLens.openTraceFile`: Jaeger JSON, OTLP JSON (also one object a line), Tempo JSON or Zipkin JSON. */
export async function openTraceFile(viewer: TraceViewer, log: vscode.LogOutputChannel, arg?: unknown): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Open a trace file',
      canSelectMany: false,
      filters: { 'Trace files': ['json', 'jsonl', 'ndjson', 'txt'], 'All files': ['*'] },
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  const name = uri.path.split('/').pop() ?? uri.toString();
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_TRACE_FILE_BYTES) {
      throw new Error(`${name} is ${(stat.size / 1024 / 1024).toFixed(0)} MB; Trace Lens opens trace files up to ${MAX_TRACE_FILE_BYTES / 1024 / 1024} MB.`);
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    const loaded = loadTraceFile(bytes, { fileName: name });
    if (loaded.traces.length === 0) {
      void vscode.window.showWarningMessage(`${name} holds no spans.`);
      return;
    }
    let trace = loaded.traces[0];
    if (loaded.traces.length > 1) {
      const picked = await vscode.window.showQuickPick(loaded.traces.map(describeTraceForPick), { title: `${name} holds ${loaded.traces.length} traces: open which?`, matchOnDetail: true });
      if (!picked) return;
      trace = picked.trace;
    }
    log.info(`Opened ${name} (${loaded.format}): trace ${trace.traceId}, ${trace.spans.length} spans`);
    await viewer.show(trace, { origin: { kind: 'file', uri: uri.toString(), traceId: trace.traceId } });
  } catch (err) {
    showError(err, log, `Opening ${name}`);
  }
}
