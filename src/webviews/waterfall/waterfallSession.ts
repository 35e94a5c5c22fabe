/**
 * The host side of one waterfall, without `vscode`: owns the laid-out trace, validates every
 * message from the webview and answers it. WaterfallPanel wires it to a WebviewPanel; the
 * browser tests and the bench wire it to a page, so both exercise the same code.
 */
import type { SourceLocation } from '../../core/waterfall/spanDetail';
import { buildSpanDetail } from '../../core/waterfall/spanDetail';
import type { WaterfallLayout } from '../../core/waterfall/layout';
import { runSliced } from '../../core/timeSlicing';
import { waterfallInsightSteps } from '../../core/waterfall/traceInsights';
import { SEARCH_RESULT_LIMIT, searchTrace } from '../../core/waterfall/traceSearch';
import type { InsightsMessage } from '../../core/protocol/insightProtocol';
import { detailRequest, isWebviewMessage, searchRequest, type HostMessage, type TraceMessage } from '../../core/protocol/waterfallProtocol';
import { answer } from '../../core/protocol/webviewRequests';

export interface WaterfallSessionCallbacks {
  openSource(location: SourceLocation): void;
  openTrace(traceId: string, spanId?: string): void;
  copy(text: string): void;
  /** The webview (re)loaded and wants the trace. */
  ready(): void;
  /** A message failed validation (logged, never acted on). */
  rejected?(message: unknown): void;
}

export class WaterfallSession {
  private selectRow: number | undefined;
  private notice: string | undefined;
  private layout: WaterfallLayout | undefined;
  /** The insights of the laid-out trace (never of a preview), found once on first request. */
  private insights: Promise<InsightsMessage | undefined> | undefined;
  private previewing = false;

  constructor(private readonly callbacks: WaterfallSessionCallbacks) {}

  setLayout(layout: WaterfallLayout, selectSpanId?: string): void {
    this.layout = layout;
    this.insights = undefined;
    this.previewing = false;
    this.selectRow = undefined;
    this.notice = undefined;
    if (selectSpanId) {
      const node = layout.tree.spans.findIndex((span) => span.spanId === selectSpanId);
      if (node >= 0 && layout.nodeToRow[node] >= 0) this.selectRow = layout.nodeToRow[node];
      // Said, not silently dropped: the user asked for this span (a traceparent) and would otherwise look for it.
      else this.notice = missingSpanNotice(selectSpanId, layout.summary.windowed !== undefined);
    }
  }

  /**
   * Rows to show while the trace is still arriving or being parsed (the spans known so far),
   * with a notice saying so; the next setLayout replaces them.
   */
  setPreview(layout: WaterfallLayout, notice: string): void {
    this.layout = layout;
    this.insights = undefined;
    this.previewing = true;
    this.selectRow = undefined;
    this.notice = notice;
  }

  /**
   * The performance insights of the trace, to post after its columns: the detectors run on the
   * layout's span tree the first time they are asked for, after the rows are on screen, in slices so
   * detail and search requests are answered meanwhile. None for a preview, whose spans are not all
   * in, nor when another trace was laid out before they were found.
   */
  insightsMessage(): Promise<InsightsMessage | undefined> {
    const l = this.layout;
    if (!l || this.previewing) return Promise.resolve(undefined);
    this.insights ??= runSliced(waterfallInsightSteps(l)).then((insights) =>
      this.layout === l ? { type: 'insights', traceId: l.summary.traceId, insights } : undefined);
    return this.insights;
  }

  get hasLayout(): boolean {
    return this.layout !== undefined;
  }

  /**
   * The columns message. The typed arrays are shared, not copied: VS Code serialises them as binary.
   * A requested selection is sent once: when the panel is shown again the user's own selection stays.
   */
  traceMessage(): TraceMessage | undefined {
    const l = this.layout;
    if (!l) return undefined;
    const selectRow = this.selectRow;
    this.selectRow = undefined;
    return { type: 'trace', summary: l.summary, strings: l.strings, columns: l.columns, selectRow, notice: this.notice };
  }

  /** Handles one message from the webview; returns the reply to post, if any. */
  handle(message: unknown): HostMessage | undefined {
    if (!isWebviewMessage(message)) {
      this.callbacks.rejected?.(message);
      return undefined;
    }
    switch (message.type) {
      case 'ready':
        this.callbacks.ready();
        return undefined;
      case 'detail': {
        const detail = this.layout ? buildSpanDetail(this.layout, message.row) ?? null : null;
        return answer(detailRequest, message, { row: message.row, detail });
      }
      case 'search': {
        const rows = this.layout ? searchTrace(this.layout, message.query) : new Int32Array(0);
        return answer(searchRequest, message, { query: message.query, rows, truncated: rows.length >= SEARCH_RESULT_LIMIT });
      }
      case 'openSource':
        this.callbacks.openSource(message.location);
        return undefined;
      case 'openTrace':
        this.callbacks.openTrace(message.traceId, message.spanId);
        return undefined;
      case 'copy':
        this.callbacks.copy(message.text);
        return undefined;
      case 'compare':
        // The panel acts on it before the worker sees it: nothing of the trace is needed.
        return undefined;
    }
  }
}

/** The span a traceparent named is not among the spans laid out (span ids are validated hex: safe to show). */
function missingSpanNotice(spanId: string, windowed: boolean): string {
  return `Span ${spanId} (from the traceparent) is not in this trace${windowed ? ', or not among the spans shown in windowed mode' : ''}; the trace is shown from its root.`;
}
