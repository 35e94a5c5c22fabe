import * as vscode from 'vscode';
import { formatDurationMs } from '../core/model/durations';
import { shortTraceId } from '../core/model/ids';
import type { Span, Trace } from '../core/model/trace';
import type { TraceViewer } from './traceViewer';

const SCHEME = 'trace-lens-summary';
const MAX_ROWS = 5000;

/**
 * A read-only text view of a trace (indented span tree with timings). It is what "open a trace"
 * shows where the waterfall webview is not available.
 */
export class TraceSummaryViewer implements TraceViewer, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This trace summary is no longer available; open the trace again.';
  }

  async show(trace: Trace): Promise<void> {
    const path = `/${shortTraceId(trace.traceId)}-${trace.traceId}.txt`;
    this.texts.set(path, renderSummary(trace));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: SCHEME, path }));
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}

export function renderSummary(trace: Trace): string {
  const byParent = new Map<string | undefined, Span[]>();
  const ids = new Set(trace.spans.map((s) => s.spanId));
  for (const span of trace.spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = byParent.get(parent) ?? [];
    list.push(span);
    byParent.set(parent, list);
  }
  for (const list of byParent.values()) list.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
  const start = trace.spans.reduce((m, s) => (s.startTimeUnixNano < m ? s.startTimeUnixNano : m), trace.spans[0]?.startTimeUnixNano ?? 0n);
  const lines = [`Trace ${trace.traceId} · ${trace.spans.length} spans${trace.partial ? ' · PARTIAL' : ''}`, ''];
  const seen = new Set<string>();
  const visit = (span: Span, depth: number) => {
    if (seen.has(span.spanId) || lines.length > MAX_ROWS) return;
    seen.add(span.spanId);
    const offset = Number(span.startTimeUnixNano - start) / 1e6;
    const duration = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
    // Control characters and bidi overrides in span data would garble the view: show them as escapes.
    // eslint-disable-next-line no-control-regex
    const name = span.name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    lines.push(`${'  '.repeat(depth)}${span.status.code === 'error' ? '✗ ' : ''}${span.resource.serviceName}: ${name}  +${formatDurationMs(offset)}  ${formatDurationMs(duration)}`);
    for (const child of byParent.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of byParent.get(undefined) ?? []) visit(root, 0);
  if (lines.length > MAX_ROWS) lines.push('', `… the first ${MAX_ROWS} spans are shown.`);
  for (const warning of trace.warnings.slice(0, 20)) lines.push(`! ${warning}`);
  return lines.join('\n');
}
