/**
 * The performance insights of the trace in the waterfall: the rows of every pattern carry a mark,
 * the rows of the insight being looked at a stronger one, and the toolbar steps from one insight to
 * the next, saying what each one found. Messages quote span data: they reach the page as text only.
 */
import type { WaterfallInsight } from '../../src/core/waterfall/waterfallInsight';
import type { InsightsMessage } from '../../src/core/protocol/insightProtocol';
import { button, el, visibleText } from './dom';

const MARKED = 1;
const CURRENT = 2;

export class InsightMarks {
  /** The toolbar's part: ‹ Insight, Insight ›, and what the current insight says. Hidden without insights. */
  readonly controls: HTMLElement;
  private readonly label: HTMLElement;
  private traceId = '';
  private rowCount = 0;
  private mask = new Uint8Array(0);
  private list: WaterfallInsight[] = [];
  private index = -1;

  constructor(
    /** Selects and reveals a row (expanding its ancestors). */
    private readonly reveal: (row: number) => void,
    /** Redraws the rows on screen after the marks changed. */
    private readonly redraw: () => void,
  ) {
    this.controls = el('span', 'wf-insights');
    this.controls.setAttribute('role', 'group');
    this.controls.setAttribute('aria-label', 'Performance insights');
    this.label = el('span', 'wf-insight-label');
    this.label.setAttribute('aria-live', 'polite');
    this.controls.append(
      button('‹ Insight', 'Previous performance insight', () => this.step(-1)),
      button('Insight ›', 'Next performance insight: marks its spans and selects the first', () => this.step(1)),
      this.label,
    );
    this.controls.hidden = true;
  }

  /** A new trace: no marks until its insights arrive. */
  reset(traceId: string, rowCount: number): void {
    this.traceId = traceId;
    this.rowCount = rowCount;
    this.mask = new Uint8Array(rowCount);
    this.list = [];
    this.index = -1;
    this.label.textContent = '';
    this.controls.hidden = true;
  }

  /** The insights of the trace shown; rows beyond the trace are ignored. */
  set(msg: InsightsMessage): void {
    if (msg.traceId !== this.traceId) return; // insights of a trace no longer shown
    this.mask.fill(0);
    this.list = [];
    for (const i of msg.insights) {
      const rows = i.rows.filter((r) => r < this.rowCount);
      if (rows.length === 0) continue;
      for (const r of rows) this.mask[r] = MARKED;
      this.list.push({ ...i, rows });
    }
    this.index = -1;
    this.controls.hidden = this.list.length === 0;
    this.label.textContent = this.list.length === 1 ? '1 insight' : `${this.list.length} insights`;
    this.redraw();
  }

  get count(): number {
    return this.list.length;
  }

  /** Class names for a row: every pattern's spans, and the current one's more strongly. */
  rowClass(row: number): string {
    const m = this.mask[row];
    return m === CURRENT ? ' wf-insight wf-insight-current' : m === MARKED ? ' wf-insight' : '';
  }

  step(dir: 1 | -1): void {
    const n = this.list.length;
    if (n === 0) return;
    if (this.index >= 0) for (const r of this.list[this.index].rows) this.mask[r] = MARKED;
    this.index = this.index < 0 ? (dir === 1 ? 0 : n - 1) : (this.index + dir + n) % n;
    const current = this.list[this.index];
    for (const r of current.rows) this.mask[r] = CURRENT;
    this.label.textContent = visibleText(`${this.index + 1} / ${n} · ${current.ruleId} ${current.title}: ${current.message}`);
    this.label.title = this.label.textContent;
    this.reveal(current.rows[0]);
  }
}
