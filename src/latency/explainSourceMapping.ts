import * as vscode from 'vscode';
import type { BackendController } from '../backends/backendController';
import { locationLabel } from '../core/source/codeLocation';
import { formatPathResolution } from '../core/source/pathMapping';
import { flattenFunctions } from '../core/source/symbolMatching';
import { formatLookback } from '../core/stats/lookback';
import type { DocumentInputsCache } from '../stats/documentInputs';
import type { ReceiverController } from '../receiver/receiverController';
import type { SourceMapping } from '../source/sourceMapping';
import type { StatsController } from '../stats/statsController';
import { countOf } from '../core/text/plural';

export const EXPLAIN_SCHEME = 'trace-lens-explain';
const EXPLAIN_URI = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: '/Trace Lens Source Mapping.md' });
export const FALLBACK_NOTE = 'falling back to code.* line numbers and literal span names';
const MAX_UNRESOLVED = 50;
const MAX_LOCATIONS = 200;

export interface ExplainDependencies {
  stats: StatsController;
  inputs: DocumentInputsCache;
  backends: BackendController;
  receiver: ReceiverController;
  sourceMapping: SourceMapping;
}

/** The report as a read-only virtual document (markdown), rewritten on each run of the command. */
export class ExplainDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(text: string): vscode.Uri {
    this.text = text;
    this.changed.fire(EXPLAIN_URI);
    return EXPLAIN_URI;
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * `traceLens.explainSourceMapping`: which locations of the span data map to which workspace files and
 * functions, which do not and why; for the active document, each function and why it has a lens or
 * not. The first place to look when no latency shows. Returns the report (tests read it).
 */
export async function explainSourceMapping(deps: ExplainDependencies, provider: ExplainDocumentProvider): Promise<{ uri: string; text: string }> {
  // Run again from the report itself, the source file beside it is the one meant.
  const active = vscode.window.activeTextEditor;
  const editor = active?.document.uri.scheme === 'file' ? active : vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'file');
  const document = editor?.document;
  const text = await buildReport(deps, document);
  const uri = provider.set(text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: document ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active });
  return { uri: uri.toString(), text };
}

async function buildReport(deps: ExplainDependencies, document: vscode.TextDocument | undefined): Promise<string> {
  const { stats, backends, sourceMapping } = deps;
  await sourceMapping.resolver();
  const summary = stats.summary();
  const settings = stats.currentSettings;
  const index = stats.lensIndex;
  const out: string[] = ['# Trace Lens: source mapping', ''];

  out.push('## Statistics', '');
  out.push(`- Backend: ${backends.describe()}`);
  out.push(`- Window: last ${formatLookback(settings.lookbackMs)} (\`traceLens.lookback\`)${settings.lookbackProblem ? ` — ${settings.lookbackProblem}` : ''}`);
  out.push(`- Services: ${settings.serviceNames.length > 0 ? settings.serviceNames.map((s) => `\`${s}\``).join(', ') : 'all (`traceLens.serviceNames` is empty)'}`);
  if (summary.origin === undefined) out.push(`- No statistics yet: the first refresh from ${backends.describe()} has not finished.`);
  else out.push(`- ${countOf(summary.locations, 'location')} with statistics from ${summary.origin}${summary.generatedAtMs ? `, computed at ${new Date(summary.generatedAtMs).toLocaleTimeString()}` : ''}`);
  if (summary.sampled) out.push(`- Sampled: ${summary.sampled}`);
  if (summary.lastError) out.push(`- The last refresh failed (${summary.lastError}): the figures shown are from the last one that worked.`);
  out.push(`- Workspace index: ${countOf(sourceMapping.indexedFiles, 'file')}; \`traceLens.pathMappings\`: ${countOf(mappingCount(), 'entry', 'entries')}${sourceMapping.pathMappingsProblem ? ` — ignored: ${sourceMapping.pathMappingsProblem}` : ''}`);
  for (const r of await sourceMapping.refusedMappings()) {
    out.push(`- **Refused** \`traceLens.pathMappings\` entry \`${r.mapping.from}\` → \`${r.mapping.to}\`: ${r.reason}.`);
  }
  out.push('');
  out.push(...revisionSection(sourceMapping), '');
  if (summary.locations === 0) {
    out.push(...emptyStateHelp(deps), '');
  }

  if (document) {
    out.push(`## Active document: ${vscode.workspace.asRelativePath(document.uri)}`, '');
    const inputs = await deps.inputs.getSettled(document);
    const fns = flattenFunctions(inputs.foundSymbols);
    if (inputs.source === 'parser') {
      out.push(`Document symbols: ${countOf(fns.length, 'function')} from Trace Lens's bundled ${inputs.parserLanguage ?? document.languageId} parser (tree-sitter), read from the source whether or not a language extension is installed; the symbol provider is not asked.`);
    } else if (inputs.source === 'provider') {
      out.push(`Document symbols: ${countOf(fns.length, 'function')} from the ${document.languageId} symbol provider${inputs.parserProblem !== undefined ? ` (not Trace Lens's parser: ${inputs.parserProblem})` : ''}.`);
    } else {
      out.push(`Document symbols: no symbol provider answered for ${document.languageId} — ${FALLBACK_NOTE}.${inputs.parserProblem !== undefined ? ` Trace Lens's own parser could not be used: ${inputs.parserProblem}.` : " Install the language's extension for lenses above every function."}`);
    }
    out.push(`Span-creating calls with a literal name: ${inputs.sites.length}.`, '');
    if (index) {
      const lenses = index.lensesFor(document.uri.fsPath, inputs.symbols, inputs.sites);
      out.push('```text', index.explainDocument(document.uri.fsPath, inputs.symbols, inputs.sites), '```', '');
      if (fns.length > 0) {
        const withLens = new Set(lenses.filter((l) => l.reason !== 'span-name').map((l) => l.line));
        const siteLines = lenses.filter((l) => l.reason === 'span-name').map((l) => l.line);
        // Inline callbacks (TypeScript names them "… callback") are not functions a person looks for.
        const without = fns.filter((f) => !f.weak && !withLens.has(f.startLine) && !f.name.endsWith(' callback'));
        if (without.length > 0) {
          out.push('Functions without a lens of their own (no span in the window maps to them by `code.*` file and line or name):', '');
          for (const f of without.slice(0, 200)) {
            const site = siteLines.find((l) => l >= f.startLine && l <= f.endLine);
            out.push(`- \`${f.name}\` (line ${f.startLine + 1})${site !== undefined ? `: its span-creating call on line ${site + 1} has a lens (matched by span name)` : ''}`);
          }
          out.push('');
        }
      }
    } else {
      out.push('The workspace index is still being built: run this command again in a moment.', '');
    }
  } else {
    out.push('_No file is open in the editor: open one and run this command again to see why each of its functions has a lens or not._', '');
  }

  if (index) {
    const unresolved = index.unresolved();
    if (unresolved.length > 0) {
      out.push(`## Locations whose file is not in the workspace (${unresolved.length})`, '');
      out.push('These get no lens. If the service ran from another directory (a container, CI), add a `traceLens.pathMappings` entry such as `{ "from": "/app", "to": "${workspaceFolder}" }`.', '');
      for (const { stats: s, resolution } of unresolved.slice(0, MAX_UNRESOLVED)) {
        out.push(`### ${locationLabel(s.location)} (${s.current.count} calls; ${s.services.slice(0, 3).join(', ') || 'service unknown'})`, '', '```text', formatPathResolution(resolution), '```', '');
      }
    }
    if (stats.allLocations.length > 0) {
      out.push(`## All locations (${stats.allLocations.length}${stats.allLocations.length > MAX_LOCATIONS ? `, busiest ${MAX_LOCATIONS} shown` : ''})`, '');
      for (const s of stats.allLocations.slice(0, MAX_LOCATIONS)) {
        out.push('```text', index.explain(s.keyString), `Services: ${s.services.join(', ') || 'unknown'}; ${s.current.count} calls`, '```', '');
      }
    }
  }
  return out.join('\n');
}

/** What go to source did with the lines of each revision it met: carried through git, or used as recorded and why. */
function revisionSection(sourceMapping: SourceMapping): string[] {
  const out = ['## Revisions', ''];
  const seen = sourceMapping.revisionLines.revisions;
  out.push(
    'Spans that carry the commit they were built from (`vcs.ref.head.revision`, or a commit id in `service.version`) have their lines carried through `git diff` to your working tree, so go to source lands on the same code after local edits. Spans without one open at the line as recorded.',
    '',
  );
  if (seen.length === 0) out.push('_No source with a revision was opened in this session yet._');
  for (const r of seen) out.push(`- \`${r.commit.slice(0, 12)}\`: ${r.state}.`);
  return out;
}

function mappingCount(): number {
  const raw = vscode.workspace.getConfiguration('traceLens').get<unknown[]>('pathMappings', []) ?? [];
  return Array.isArray(raw) ? raw.length : 0;
}

function emptyStateHelp(deps: ExplainDependencies): string[] {
  const lines = ['**No latency statistics yet.** Lenses appear once spans of the last window arrive.', ''];
  if (deps.backends.type === 'local') {
    const state = deps.receiver.state;
    const endpoint = state.kind === 'listening' || state.kind === 'attached' ? state.endpoint : undefined;
    lines.push(
      endpoint
        ? `- Run your service with \`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\` (the built-in receiver holds ${deps.receiver.spanStore.counts.spansHeld} span(s)).`
        : `- The built-in receiver is not listening (${state.kind}): see the Trace Lens log.`,
    );
  } else {
    lines.push('- Check that the backend has spans of your services in the window, or set `traceLens.serviceNames`; run "Trace Lens: Refresh Latency Statistics".');
  }
  lines.push('- Spans need `code.*` attributes (`code.file.path` / `code.filepath`, `code.function.name` / `code.function`, `code.line.number` / `code.lineno`), a `code.stacktrace`, or a name that appears literally at a tracer call in your code.');
  return lines;
}
