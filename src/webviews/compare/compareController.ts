import * as vscode from 'vscode';
import type { BackendController } from '../../backends/backendController';
import { askForTraceReference, uriOf } from '../waterfall/openTrace';
import { withCancellableProgress } from '../../ui/progress';
import type { CompareTarget, CompareTracesArgs } from '../../core/commands/commandArguments';
import { CancelledError } from '../../core/errors';
import { shortTraceId } from '../../core/model/ids';
import { traceSummaryText } from '../../core/search/traceSummaryText';
import { formatDuration } from '../../core/stats/statsFormat';
import { describeError, showError } from '../../ui/errorPresenter';
import type { SourceMapping } from '../../source/sourceMapping';
import { describeTraceForPick, type WaterfallController } from '../waterfall/waterfallController';
import { ComparePanel } from './comparePanel';
import type { SideAnswer } from './compareWorkerClient';
import type { CompareSide } from '../../core/protocol/compareProtocol';
import { COMMANDS } from '../../core/commands/commandIds';

/** Recent received traces offered in the pick: as many as the Received Traces view lists. */
const RECENT_TRACES = 50;
/** Every span the store holds, whatever its timestamps (a replayed file can be years old). */
const ALL_TIME = { startMs: 0, endMs: Number.MAX_SAFE_INTEGER };
const ROLE: Record<CompareSide, string> = { left: 'baseline', right: 'candidate' };

/** A side once loaded: enough to open it again in the waterfall. */
interface LoadedSide { target: CompareTarget; traceId: string; label: string }

interface TargetItem extends vscode.QuickPickItem { pick: () => Promise<CompareTarget | undefined> }

/**
 * `traceLens.compareTraces`: asks for the sides not given (a received trace, a trace id, a file),
 * opens a compare panel, has its worker parse and match both traces, and opens either trace or
 * the source from the panel's rows.
 */
export class CompareController {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly backends: BackendController,
    private readonly waterfall: WaterfallController,
    private readonly sourceMapping: SourceMapping,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async compare(args: CompareTracesArgs = {}): Promise<void> {
    const left = args.left ?? await this.pickTarget('left');
    if (!left) return;
    const right = args.right ?? await this.pickTarget('right', left);
    if (!right) return;
    const sides: Partial<Record<CompareSide, LoadedSide>> = {};
    const panel = new ComparePanel('Trace comparison', {
      extensionUri: this.extensionUri,
      log: this.log,
      onOpenTrace: (side, spanId) => { const s = sides[side]; return s ? this.openSide(s, spanId) : undefined; },
      onOpenSource: async (location) => { await this.sourceMapping.openLocation(location); },
    });
    try {
      for (const side of ['left', 'right'] as const) {
        const target = side === 'left' ? left : right;
        panel.show({ type: 'loading', message: `Loading the ${ROLE[side]}: ${describeTarget(target)}…` });
        sides[side] = await this.load(panel, side, target);
      }
      panel.show({ type: 'loading', message: 'Matching spans…' });
      const { comparison, compareMs } = await panel.worker.compare();
      this.log.info(`Compared ${comparison.left.traceId} (${comparison.left.spanCount} spans) with ${comparison.right.traceId} (${comparison.right.spanCount} spans) in ${compareMs.toFixed(0)} ms`);
      const delta = comparison.right.durationNs - comparison.left.durationNs;
      // The root's change in the title: what the comparison says first, readable from the tab.
      panel.panel.title = `Compare ${shortTraceId(comparison.left.traceId)} · ${shortTraceId(comparison.right.traceId)} (${delta < 0 ? '−' : '+'}${formatDuration(Math.abs(delta))})`;
      panel.show({ type: 'comparison', comparison, leftLabel: sides.left!.label, rightLabel: sides.right!.label });
    } catch (err) {
      // Closing the panel mid-load ends its worker: that is the user's cancel, not an error.
      if (panel.isDisposed) return;
      panel.show({ type: 'error', message: describeError(err) });
      showError(err, this.log, 'Comparing traces');
    }
  }

  /** Fetches or reads one side and has the panel's worker parse it; the host never parses it. */
  private async load(panel: ComparePanel, side: CompareSide, target: CompareTarget): Promise<LoadedSide> {
    if (target.kind === 'file') {
      const uri = uriOf(target.file);
      const name = uri.path.split('/').pop() ?? uri.toString();
      const bytes = await vscode.workspace.fs.readFile(uri);
      let answer: SideAnswer = await panel.worker.loadDocument(side, bytes, name, target.traceId);
      if (answer.type === 'choose') {
        const picked = await vscode.window.showQuickPick(answer.choices.map(describeTraceForPick), {
          title: `${name} holds ${answer.choices.length} traces: which is the ${ROLE[side]}?`,
          matchOnDetail: true,
        });
        if (!picked) throw new CancelledError();
        answer = await panel.worker.pick(side, picked.traceId);
      }
      return { target, traceId: answer.trace.traceId, label: name };
    }
    const backend = this.backends.current();
    const what = `Fetching trace ${shortTraceId(target.traceId)} from ${this.backends.describe()}…`;
    const label = `trace ${target.traceId} (${this.backends.describe()})`;
    if (backend.fetchTrace) {
      const fetchTrace = backend.fetchTrace.bind(backend);
      const response = await withCancellableProgress(what, (signal) => fetchTrace(target.traceId, { signal }));
      if (!response) throw new CancelledError();
      await panel.worker.loadResponse(side, response);
    } else {
      const trace = await withCancellableProgress(what, (signal) => backend.getTrace(target.traceId, { signal }));
      if (!trace) throw new CancelledError();
      await panel.worker.loadTrace(side, trace);
    }
    return { target, traceId: target.traceId, label };
  }

  private async openSide(side: LoadedSide, spanId?: string): Promise<void> {
    if (side.target.kind === 'file') await this.waterfall.openFile(uriOf(side.target.file), { traceId: side.traceId, selectSpanId: spanId });
    else await vscode.commands.executeCommand(COMMANDS.openTraceById, spanId ? { traceId: side.traceId, spanId } : { traceId: side.traceId });
  }

  /** The quick pick of one side: recent received traces, a trace id, a file (or another trace of the other side's file). */
  private async pickTarget(side: CompareSide, other?: CompareTarget): Promise<CompareTarget | undefined> {
    const items: TargetItem[] = [];
    if (this.backends.type === 'local') {
      const recent = await this.backends.receiver.spanStore.search({ range: ALL_TIME, limit: RECENT_TRACES });
      for (const summary of recent) {
        if (other?.kind === 'trace' && other.traceId === summary.traceId) continue;
        const text = traceSummaryText(summary);
        items.push({ label: `${text.hasErrors ? '$(error)' : '$(pulse)'} ${text.label}`, description: text.description, detail: text.detail, pick: async () => ({ kind: 'trace', traceId: summary.traceId }) });
      }
    }
    if (other?.kind === 'file') {
      items.unshift({ label: '$(files) Another trace of the same file', description: uriOf(other.file).path.split('/').pop(), pick: async () => ({ kind: 'file', file: other.file }) });
    }
    items.push(
      { label: '$(symbol-key) Trace ID…', description: `from ${this.backends.describe()}`, pick: async () => {
        const ref = await askForTraceReference();
        return ref ? { kind: 'trace', traceId: ref.traceId } : undefined;
      } },
      { label: '$(file) Trace file…', description: 'Jaeger, OTLP, Tempo or Zipkin JSON', pick: async () => {
        const picked = await vscode.window.showOpenDialog({ title: `The ${ROLE[side]} trace file`, canSelectMany: false, filters: { 'Trace files': ['json', 'jsonl', 'ndjson', 'txt'], 'All files': ['*'] } });
        return picked?.[0] ? { kind: 'file', file: { kind: 'uriText', text: picked[0].toString() } } : undefined;
      } },
    );
    const picked = await vscode.window.showQuickPick(items, {
      title: `Compare traces: the ${ROLE[side]} (${side === 'left' ? 1 : 2}/2)`,
      placeHolder: side === 'left' ? 'The trace to compare against' : 'The trace to compare with the baseline',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.pick();
  }
}

function describeTarget(target: CompareTarget): string {
  return target.kind === 'trace' ? `trace ${shortTraceId(target.traceId)}` : uriOf(target.file).path.split('/').pop() ?? 'a file';
}
