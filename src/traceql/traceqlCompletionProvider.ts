import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import { cachedTagSource, completeTraceQL, isTraceQLTagSource, traceqlCompletionContext, type TraceQLCompletion, type TraceQLTagSource } from '../core/traceql/traceqlCompletion';
import { isCancellation } from '../core/errors';
import { backendTagSource } from '../core/traceql/backendTagSource';
import { lookbackRange } from '../config/settings';
import { TRACEQL_LANGUAGE } from '../core/traceql/traceqlValidation';

const KINDS: Record<TraceQLCompletion['kind'], vscode.CompletionItemKind> = {
  attribute: vscode.CompletionItemKind.Field,
  intrinsic: vscode.CompletionItemKind.Keyword,
  value: vscode.CompletionItemKind.Value,
};

/**
 * Completion in `.traceql` documents (language `traceql`): attribute names and values from the
 * configured Tempo's tag APIs, through src/core/traceql/traceqlCompletion.ts; with Jaeger or Zipkin,
 * services and operations from their APIs and attribute names and values from a sample of recent
 * traces (src/core/traceql/backendTagSource.ts). Tag names are cached per backend client for a
 * minute; the built-in receiver offers nothing.
 */
export class TraceQLCompletionProvider implements vscode.CompletionItemProvider {
  private readonly sources = new WeakMap<object, TraceQLTagSource>();

  constructor(private readonly backends: BackendController, private readonly log: vscode.LogOutputChannel) {}

  static register(backends: BackendController, log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.languages.registerCompletionItemProvider({ language: TRACEQL_LANGUAGE }, new TraceQLCompletionProvider(backends, log), '.', ' ', '"', '=');
  }

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[]> {
    const backend = this.backends.current();
    let source = this.sources.get(backend);
    if (!source) {
      if (isTraceQLTagSource(backend)) source = cachedTagSource(backend);
      else if (backend.type === 'jaeger' || backend.type === 'zipkin') {
        source = cachedTagSource(backendTagSource(backend, { range: () => lookbackRange() }));
      } else return [];
      this.sources.set(backend, source);
    }
    const ctx = traceqlCompletionContext(document.getText(), document.offsetAt(position));
    if (ctx.kind === 'none') return [];
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const range = new vscode.Range(document.positionAt(ctx.from), position);
      return (await completeTraceQL(ctx, source, abort.signal)).map((c) => {
        const item = new vscode.CompletionItem({ label: c.label, description: c.detail }, KINDS[c.kind]);
        item.insertText = c.insertText;
        item.filterText = c.insertText;
        item.range = range;
        return item;
      });
    } catch (err) {
      // Completion is a convenience: a backend that does not answer says so in the log, not in a popup.
      if (!isCancellation(err) && !abort.signal.aborted) this.log.warn(`TraceQL completion: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    } finally {
      subscription.dispose();
    }
  }
}
