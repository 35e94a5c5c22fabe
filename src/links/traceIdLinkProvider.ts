import * as vscode from 'vscode';
import { findTraceIdsInText } from '../core/model/traceIdInput';
import { COMMANDS } from '../core/commands/commandIds';

/** Files big enough that scanning them on every change would be felt: only their start is scanned. */
const MAX_SCANNED_CHARS = 2 * 1024 * 1024;

/** Makes `trace_id=…`, `"traceId": "…"` and `traceparent` values in logs open the trace. */
export class TraceIdLinkProvider implements vscode.DocumentLinkProvider {
  static readonly selector: vscode.DocumentSelector = [
    { language: 'log' },
    { language: 'plaintext' },
    { language: 'jsonl' },
    { scheme: 'output' },
    { pattern: '**/*.{log,out,jsonl,ndjson}' },
  ];

  provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.DocumentLink[] {
    const text = document.getText();
    const scanned = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
    const links: vscode.DocumentLink[] = [];
    for (const match of findTraceIdsInText(scanned)) {
      if (token.isCancellationRequested) break;
      const args = encodeURIComponent(JSON.stringify([{ traceId: match.reference.traceId, spanId: match.reference.spanId }]));
      const link = new vscode.DocumentLink(
        new vscode.Range(document.positionAt(match.start), document.positionAt(match.end)),
        vscode.Uri.parse(`command:${COMMANDS.openTraceById}?${args}`),
      );
      link.tooltip = 'Open this trace in Trace Lens';
      links.push(link);
    }
    return links;
  }
}
