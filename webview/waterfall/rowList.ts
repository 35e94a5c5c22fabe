/**
 * The span tree as a virtual list. Only the rows in view (plus a small overscan) exist in the DOM,
 * in a fixed pool of slots that are re-filled as the list scrolls: row v always lives in slot
 * v % poolSize, so scrolling by one row re-fills one slot. Drawing cost depends on the viewport,
 * not on the span count. Positions are set through the CSSOM (allowed by the CSP), never style
 * attributes.
 */
import { SPAN_KINDS, SpanFlag } from '../../src/core/waterfall/columnLayout';
import { el } from './dom';
import { formatDuration } from './timeFormat';
import type { WaterfallState } from './waterfallState';

export const ROW_HEIGHT = 22;
export const MAX_DOM_ROWS = 150;
const OVERSCAN = 5;
const MAX_EVENT_MARKS = 4;
export const PALETTE_SIZE = 12;
const INDENT_PX = 12;
const MAX_INDENT_DEPTH = 40;

interface Slot {
  root: HTMLDivElement;
  nameCell: HTMLDivElement;
  toggle: HTMLSpanElement;
  errorMark: HTMLSpanElement;
  service: HTMLSpanElement;
  name: HTMLSpanElement;
  bar: HTMLDivElement;
  label: HTMLSpanElement;
  marks: HTMLSpanElement[];
  /** Marks currently shown, so rows without events touch no mark. */
  shownMarks: number;
  visIndex: number;
  row: number;
}

/** How a row is marked beyond what the columns say: a search match, a performance insight. */
export interface RowMarks {
  isMatch(row: number): boolean;
  /** Classes to add, each with a leading space, or ''. */
  rowClass(row: number): string;
}

export class RowList {
  private slots: Slot[] = [];

  constructor(
    private readonly scroller: HTMLDivElement,
    private readonly spacer: HTMLDivElement,
    private readonly state: WaterfallState,
    private readonly marks: RowMarks,
  ) {}

  /** The row count currently drawn (tests and the bench check it stays ≤ MAX_DOM_ROWS). */
  get domRowCount(): number {
    return this.scroller.querySelectorAll('.wf-row').length;
  }

  /** Sizes the slot pool to the viewport: enough rows to cover it plus overscan, never above MAX_DOM_ROWS. */
  ensurePool(): void {
    if (!this.state.columns) return;
    const height = this.scroller.clientHeight || 600;
    const wanted = Math.min(MAX_DOM_ROWS, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 1);
    if (wanted === this.slots.length) return;
    for (const slot of this.slots) slot.root.remove();
    this.slots = [];
    for (let k = 0; k < wanted; k++) this.slots.push(this.createSlot(k));
    this.scroller.append(...this.slots.map((s) => s.root));
    this.render(true);
  }

  private createSlot(k: number): Slot {
    const root = el('div', 'wf-row');
    root.id = `wf-slot-${k}`;
    root.setAttribute('role', 'row');
    root.hidden = true;
    const nameCell = el('div', 'wf-cell-name');
    nameCell.setAttribute('role', 'gridcell');
    const toggle = el('span', 'wf-toggle');
    toggle.setAttribute('aria-hidden', 'true');
    const errorMark = el('span', 'wf-error-mark', '!');
    errorMark.setAttribute('aria-hidden', 'true');
    const service = el('span', 'wf-service');
    const name = el('span', 'wf-name');
    nameCell.append(toggle, errorMark, service, name);
    const barCell = el('div', 'wf-cell-bar');
    barCell.setAttribute('role', 'gridcell');
    const bar = el('div', 'wf-bar');
    const label = el('span', 'wf-bar-label');
    barCell.append(bar, label);
    // Event marks are created the first time a row in this slot needs them: most spans have no
    // events, and fewer elements per row means less style work on every scrolled frame.
    const marks: HTMLSpanElement[] = [];
    root.append(nameCell, barCell);
    return { root, nameCell, toggle, errorMark, service, name, bar, label, marks, shownMarks: 0, visIndex: -1, row: -1 };
  }

  layoutSpacer(): void {
    this.spacer.style.height = `${(this.state.model?.visibleCount ?? 0) * ROW_HEIGHT}px`;
  }

  render(force: boolean): void {
    const model = this.state.model;
    if (!model || this.slots.length === 0) return;
    const count = this.slots.length;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    let active = '';
    for (let v = first; v < first + count; v++) {
      const slot = this.slots[v % count];
      if (v >= model.visibleCount) {
        if (slot.visIndex !== -1) { slot.root.hidden = true; slot.visIndex = -1; slot.row = -1; }
        continue;
      }
      const row = model.visible[v];
      if (force || slot.visIndex !== v || slot.row !== row) this.fillSlot(slot, v, row);
      if (row === this.state.selectedRow) active = slot.root.id;
    }
    if (active) this.scroller.setAttribute('aria-activedescendant', active);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private fillSlot(slot: Slot, v: number, row: number): void {
    const { columns, model, services, names, selectedRow } = this.state;
    const c = columns!;
    slot.visIndex = v;
    slot.row = row;
    const root = slot.root;
    root.hidden = false;
    root.style.transform = `translateY(${v * ROW_HEIGHT}px)`;
    const f = c.flags[row];
    const hasKids = c.subtreeSize[row] > 1;
    const collapsed = model!.collapsed[row] === 1;
    let cls = 'wf-row';
    if (row === selectedRow) cls += ' wf-selected';
    if (f & SpanFlag.critical) cls += ' wf-critical';
    if (f & SpanFlag.error) cls += ' wf-err';
    if (this.marks.isMatch(row)) cls += ' wf-match';
    cls += this.marks.rowClass(row);
    root.className = cls;
    root.setAttribute('aria-level', String(c.depth[row] + 1));
    root.setAttribute('aria-rowindex', String(v + 1));
    root.setAttribute('aria-selected', row === selectedRow ? 'true' : 'false');
    if (hasKids) root.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    else root.removeAttribute('aria-expanded');

    slot.nameCell.style.paddingInlineStart = `${Math.min(c.depth[row], MAX_INDENT_DEPTH) * INDENT_PX + 4}px`;
    slot.toggle.textContent = hasKids ? (collapsed ? '▸' : '▾') : '';
    slot.errorMark.hidden = (f & SpanFlag.error) === 0;
    const svc = c.service[row];
    slot.service.textContent = services[svc] ?? '';
    slot.service.className = `wf-service svc-fg-${svc % PALETTE_SIZE}`;
    slot.name.textContent = names[c.name[row]] ?? '';

    const from = this.state.viewFrom;
    const span = this.state.viewTo - from;
    // Clamped to the visible window so zoomed-out-of-view bars never spill over the names.
    const rawStart = (c.startNs[row] - from) / span;
    const rawEnd = (c.startNs[row] + c.durationNs[row] - from) / span;
    const start = Math.min(1, Math.max(0, rawStart));
    const width = Math.max(0, Math.min(1, rawEnd) - start);
    const outside = rawEnd < 0 || rawStart > 1;
    slot.bar.hidden = outside;
    slot.bar.className = `wf-bar svc-${svc % PALETTE_SIZE}${f & SpanFlag.error ? ' wf-bar-error' : ''}`;
    slot.bar.style.left = `${start * 100}%`;
    slot.bar.style.width = `${width * 100}%`;
    slot.label.textContent = formatDuration(c.durationNs[row]);
    // The label sits after the bar, or before it when the bar reaches the right edge.
    if (start + width > 0.8) {
      slot.label.style.left = '';
      // Before the bar when there is room on its left, else inside its right end.
      slot.label.style.right = `${(start > 0.2 ? 1 - start : Math.max(0, 1 - start - width)) * 100}%`;
      slot.label.classList.toggle('wf-bar-label-inside', start <= 0.2);
    } else {
      slot.label.classList.remove('wf-bar-label-inside');
      slot.label.style.right = '';
      slot.label.style.left = `${(start + width) * 100}%`;
    }
    const e0 = c.eventStart[row];
    const shown = Math.min(MAX_EVENT_MARKS, c.eventStart[row + 1] - e0);
    for (let k = shown; k < slot.shownMarks; k++) slot.marks[k].hidden = true;
    while (slot.marks.length < shown) {
      const m = el('span', 'wf-event-mark');
      slot.bar.parentElement!.append(m);
      slot.marks.push(m);
    }
    for (let k = 0; k < shown; k++) {
      const m = slot.marks[k];
      const e = e0 + k;
      const x = (c.eventTimeNs[e] - from) / span;
      m.hidden = x < 0 || x > 1;
      m.className = c.eventIsError[e] ? 'wf-event-mark wf-event-error' : 'wf-event-mark';
      m.style.left = `${x * 100}%`;
    }
    slot.shownMarks = shown;
  }

  /** The row an event happened on, and whether on its expand/collapse toggle. */
  rowFromEvent(e: Event): { row: number; onToggle: boolean } | undefined {
    const target = e.target as HTMLElement;
    const rowEl = target.closest('.wf-row');
    if (!rowEl) return undefined;
    const slot = this.slots.find((s) => s.root === rowEl);
    if (!slot || slot.row < 0) return undefined;
    return { row: slot.row, onToggle: target.classList.contains('wf-toggle') };
  }

  /** Tooltips are built on hover, not on every scroll. */
  describeHovered(e: Event): void {
    const hit = this.rowFromEvent(e);
    const { columns: c, services, names } = this.state;
    if (!hit || !c) return;
    const slot = this.slots.find((s) => s.row === hit.row);
    if (!slot) return;
    const r = hit.row;
    const kind = SPAN_KINDS[c.kind[r]] ?? 'unspecified';
    const kids = c.subtreeSize[r] - 1;
    slot.nameCell.title = `${services[c.service[r]] ?? ''} · ${names[c.name[r]] ?? ''} (${kind})${kids > 0 ? ` · ${kids} descendants` : ''}`;
    slot.bar.parentElement!.title = `${formatDuration(c.durationNs[r])} at +${formatDuration(c.startNs[r])} · self ${formatDuration(c.selfNs[r])}`;
  }
}
