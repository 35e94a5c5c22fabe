import * as vscode from 'vscode';
import type { FileArgument } from '../../core/commands/commandArguments';
import { parseTraceIdInput, type TraceReference } from '../../core/model/traceIdInput';
import type { WaterfallController } from './waterfallController';

/**
 * Asks for a trace id and validates while typing. (Not prefilled from the clipboard: in VS Code for the
 * web reading it asks the browser for permission, and the box would not appear until answered.)
 */
export async function askForTraceReference(): Promise<TraceReference | undefined> {
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

/**
 * `traceLens.openTraceById`: from the palette (asks), or with a trace reference from links, lenses and
 * hovers (validated by the command registry).
 */
export async function openTraceById(waterfall: WaterfallController, reference?: TraceReference): Promise<void> {
  reference ??= await askForTraceReference();
  if (reference) await waterfall.openFromBackend(reference);
}

export function uriOf(file: FileArgument): vscode.Uri {
  switch (file.kind) {
    case 'uri': return file.uri instanceof vscode.Uri ? file.uri : vscode.Uri.from(file.uri);
    case 'uriText': return vscode.Uri.parse(file.text, true);
    case 'path': return vscode.Uri.file(file.path);
  }
}

/** `traceLens.openTraceFile`: Jaeger JSON, OTLP JSON (also one object a line), Tempo JSON or Zipkin JSON. */
export async function openTraceFile(waterfall: WaterfallController, file?: FileArgument): Promise<void> {
  let uri = file ? uriOf(file) : undefined;
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
