import * as vscode from 'vscode';
import type { TraceQuery, TraceSummary } from '../core/backends/traceBackend';
import { traceSummaryText } from '../core/search/traceSummaryText';
import { formatLookback } from '../core/stats/lookback';
import { readLookback } from '../config/settings';
import { parseSearchFilters } from '../core/search/searchFilters';
import { TRACEQL_LANGUAGE, traceqlInputProblem } from '../core/traceql/traceqlValidation';
import type { BackendController } from '../backends/backendController';
import { showError } from '../ui/errorPresenter';
import { withCancellableProgress } from '../ui/progress';
import { pickTrace } from '../ui/tracePick';
import type { RecentTraces } from '../backends/recentTracesStore';

const LAST_TRACEQL_KEY = 'traceLens.search.lastTraceQL';
const ANY = '(any)';
const SEARCH_LIMIT = 50;

interface ResultItem extends vscode.QuickPickItem {
  summary: TraceSummary;
}

function resultItem(summary: TraceSummary): ResultItem {
  const text = traceSummaryText(summary);
  return { summary, label: `${text.hasErrors ? '$(error) ' : ''}${text.label}`, description: text.description, detail: text.detail };
}

/**
 * The query of the active `.traceql` editor (its selection, else the whole text), on one line: queries
 * are written there with completion, and the search box takes them from it.
 */
function activeTraceQL(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== TRACEQL_LANGUAGE) return undefined;
  const text = (editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection))
    .split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return text === '' ? undefined : text;
}

/** `traceLens.searchTraces`: TraceQL for Tempo; service, operation and filters elsewhere; opens the chosen trace. */
export async function searchTraces(controller: BackendController, context: vscode.ExtensionContext, recent: RecentTraces, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const backend = controller.current();
    const end = Date.now();
    const range = { startMs: end - readLookback().ms, endMs: end };
    let query: TraceQuery | undefined;
    /** How the search reads in the recent traces' tooltip. */
    let queryText = '';

    if (backend.type === 'tempo') {
      const traceql = await vscode.window.showInputBox({
        title: 'Search traces with TraceQL',
        prompt: 'e.g. { resource.service.name = "checkout" && duration > 500ms }   { status = error }   { span.http.route = "/api/orders" }',
        value: activeTraceQL() ?? context.globalState.get<string>(LAST_TRACEQL_KEY, '{ status = error }'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'A TraceQL query starts with {, e.g. { duration > 1s }' : traceqlInputProblem(v)),
      });
      if (traceql === undefined) return;
      await context.globalState.update(LAST_TRACEQL_KEY, traceql);
      query = { traceql, range, limit: SEARCH_LIMIT };
      queryText = traceql;
    } else {
      const services = await withCancellableProgress(`Listing services of ${controller.describe()}…`, (signal) => backend.services(signal));
      if (!services) return;
      if (services.length === 0) {
        void vscode.window.showInformationMessage(`${controller.describe()} has no services yet: no spans have arrived.`);
        return;
      }
      const service = await vscode.window.showQuickPick(services, { title: 'Search traces: service (1/3)' });
      if (!service) return;
      const operations = (await withCancellableProgress(`Listing operations of ${service}…`, (signal) => backend.operations(service, signal))) ?? [];
      const operation = await vscode.window.showQuickPick([ANY, ...operations], { title: `Search traces of ${service}: operation (2/3)` });
      if (!operation) return;
      const filterText = await vscode.window.showInputBox({
        title: 'Search traces: filters (3/3, optional)',
        prompt: 'e.g. minDuration=250ms error=true http.response.status_code=500',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = parseSearchFilters(v);
          return r.ok ? undefined : r.message;
        },
      });
      if (filterText === undefined) return;
      const parsed = parseSearchFilters(filterText);
      if (!parsed.ok) return;
      queryText = [service, operation === ANY ? '' : operation, filterText.trim()].filter((p) => p !== '').join(' ');
      query = {
        service,
        operation: operation === ANY ? undefined : operation,
        tags: Object.keys(parsed.filters.tags).length ? parsed.filters.tags : undefined,
        minDurationMs: parsed.filters.minDurationMs,
        maxDurationMs: parsed.filters.maxDurationMs,
        errorsOnly: parsed.filters.errorsOnly,
        range,
        limit: SEARCH_LIMIT,
      };
    }

    const q = query;
    const results = await withCancellableProgress(`Searching ${controller.describe()}…`, (signal) => backend.search(q, signal));
    if (!results) return;
    if (results.length === 0) {
      void vscode.window.showInformationMessage(`No traces matched in the last ${formatLookback(range.endMs - range.startMs)}. Widen "traceLens.lookback" or loosen the query.`);
      return;
    }
    await pickTrace(results.map(resultItem), (item) => ({ traceId: item.summary.traceId }), {
      title: `${results.length}${results.length === SEARCH_LIMIT ? '+' : ''} traces`,
      onChosen: (traceId) => recent.markSearched(traceId, queryText),
    });
  } catch (err) {
    showError(err, log, 'Searching traces');
  }
}
