import * as vscode from 'vscode';
import { parseTraceIdInput, type TraceReference } from '../core/model/traceIdInput';
import type { WaterfallController } from '../webviews/waterfall/waterfallController';

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

/**
 * Asks for a trace id and validates while typing. (Not prefilled from the clipboard: in VS Code for the
 * web reading it asks the browser for permission, and the box would not appear until answered.)
 */
async function askForTraceReference(): Promise<TraceReference | undefined> {
  const input = await vscode.window.showInputBox({
    title: 'Trace Lens: Open Trace by ID',
    prompt: 'A trace id (32 or 16 hex), a traceparent, or a URL or log line that contains one',
    placeHolder: '4bf92f3577b34da6a3ce929d0e0e4736',
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
export async function openTraceById(waterfall: WaterfallController, arg?: unknown): Promise<void> {
  const reference = referenceFromArgument(arg) ?? (arg === undefined ? await askForTraceReference() : undefined);
  if (!reference) {
    if (arg !== undefined) void vscode.window.showErrorMessage(`Trace Lens: "${String(arg).slice(0, 100)}" is not a trace id.`);
    return;
  }
  await waterfall.openFromBackend(reference);
}

/** `traceLens.openTraceFile`: Jaeger JSON, OTLP JSON (also one object a line), Tempo JSON or Zipkin JSON. */
export async function openTraceFile(waterfall: WaterfallController, arg?: unknown): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Open a trace file',
      canSelectMany: false,
      filters: { 'Trace files': ['json', 'jsonl', 'ndjson', 'txt'], 'All files': ['*'] },
    });
    uri = picked?.[0];
  }
  if (uri) await waterfall.openFile(uri);
}
