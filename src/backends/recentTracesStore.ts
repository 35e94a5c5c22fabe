import * as vscode from 'vscode';
import { RecentTraceList, type RecentTrace } from '../core/views/recentTraces';
import type { WaterfallSummary } from '../core/waterfall/columnLayout';

const STORE_KEY = 'traceLens.recentTraces';

/**
 * The traces opened in the waterfall and picked from searches, kept in the workspace state (bounded)
 * so they outlive a reload; `clear` is part of "Clear Received Spans and Recent Traces".
 */
export class RecentTraces implements vscode.Disposable {
  private readonly list: RecentTraceList;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    this.list = RecentTraceList.fromStored(state.get<unknown>(STORE_KEY));
  }

  get entries(): readonly RecentTrace[] {
    return this.list.entries;
  }

  markSearched(traceId: string, query: string): void {
    this.list.markSearched(traceId, query, Date.now());
  }

  /** A waterfall loaded `summary` from `source` (its panel state's source). */
  async record(source: string, summary: WaterfallSummary): Promise<void> {
    const startMs = Number(BigInt(summary.startUnixNs) / 1_000_000n);
    this.list.record({
      traceId: summary.traceId, source, rootName: summary.rootName, rootService: summary.rootService,
      startMs: Number.isFinite(startMs) && startMs > 0 ? startMs : 0,
      durationNs: summary.durationNs, spanCount: summary.totalSpanCount, errorCount: summary.errorCount,
    }, Date.now());
    this.changed.fire();
    await this.state.update(STORE_KEY, this.list.entries);
  }

  async clear(): Promise<number> {
    const n = this.list.entries.length;
    this.list.clear();
    this.changed.fire();
    await this.state.update(STORE_KEY, undefined);
    return n;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
