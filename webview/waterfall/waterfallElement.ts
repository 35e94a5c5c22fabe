/**
 * <trace-waterfall>: header, toolbar, the span tree as a virtual list and the detail pane.
 * Only the rows in view (plus a small overscan) exist in the DOM, in a fixed pool of slots
 * that are re-filled as the list scrolls: row v always lives in slot v % poolSize, so
 * scrolling by one row re-fills one slot. Drawing cost depends on the viewport, not on the
 * span count. Positions are set through the CSSOM (allowed by the CSP), never style attributes.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { SPAN_KINDS, SpanFlag, type WaterfallColumns, type WaterfallSummary } from '../../src/core/waterfall/columnLayout';
import type { SourceLocation, SpanDetail } from '../../src/core/waterfall/spanDetail';
import type { TraceMessage } from '../../src/webviews/waterfall/protocol';
import { renderDetail } from './detailPane';
import { button, el, visibleText } from './dom';
import { InsightMarks } from './insightMarks';
import { RowModel } from './rowModel';
import { formatDuration, formatStart, placeTickLabels, rulerTicks, tickCountFor } from './timeFormat';
import { TraceFlameView } from './traceFlame';

export const ROW_HEIGHT = 22;
export const MAX_DOM_ROWS = 150;
const OVERSCAN = 5;
const MAX_EVENT_MARKS = 4;
const PALETTE_SIZE = 12;
const MAX_LEGEND = 40;
const INDENT_PX = 12;
const MAX_INDENT_DEPTH = 40;
/** How far a ruler label may run past the track's right end: the track's right margin (60 px in waterfall.css) less a little. */
const RULER_RIGHT_ROOM_PX = 56;

/** What the element needs from its page (main.ts wires these to postMessage). */
export interface WaterfallHost {
  requestDetail(row: number): void;
  search(query: string): void;
  openSource(location: SourceLocation): void;
  openTrace(traceId: string, spanId: string): void;
  copy(text: string): void;
  saveState(state: ViewState): void;
  /** Compare this trace with another (the host asks which). */
  compare(): void;
}

export interface ViewState { selectedRow: number; scrollTop: number; critical: boolean; flame?: boolean }

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

export class TraceWaterfallElement extends HTMLElement {
  private host: WaterfallHost | undefined;
  private built = false;
  private columns: WaterfallColumns | undefined;
  private summary: WaterfallSummary | undefined;
  private names: string[] = [];
  /** The legend's chips, one per service shown in it, so a reveal can press a chip again. */
  private chips: HTMLElement[] = [];
  private services: string[] = [];
  private model: RowModel | undefined;
  private slots: Slot[] = [];
  private selectedRow = -1;
  private detailRow = -1;
  private matchRows = new Int32Array(0);
  private matchMask = new Uint8Array(0);
  private matchIndex = -1;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private lastQuery = '';
  private restoreState: ViewState | undefined;
  /** The visible time window (zoom), ns from the trace start. */
  private viewFrom = 0;
  private viewTo = 1;
  /** Width of the ruler's track when its ticks were placed: a resize to another width places them again. */
  private rulerWidth = 0;
  private dragFrom: number | undefined;
  private selectionBox!: HTMLElement;
  private resetZoomButton!: HTMLElement;

  // Parts, created once in build().
  private status!: HTMLElement;
  /** What the host says about the trace shown (windowed mode, a traceparent span not found): one line each. */
  private notices!: HTMLElement;
  private header!: HTMLElement;
  private toolbar!: HTMLElement;
  private searchField!: HTMLElement & { value: string };
  private matchLabel!: HTMLElement;
  private criticalBox!: HTMLElement & { checked: boolean };
  private grid!: HTMLDivElement;
  private ruler!: HTMLDivElement;
  private scroller!: HTMLDivElement;
  private spacer!: HTMLDivElement;
  private detail!: HTMLElement;
  private main!: HTMLElement;
  private flame!: TraceFlameView;
  private resizeObserver: ResizeObserver | undefined;
  /** The trace's performance insights: marked rows and the toolbar's "next insight". */
  readonly insights = new InsightMarks((row) => { this.select(row, true); this.openDetail(row); }, () => this.renderRows(true));

  connect(host: WaterfallHost, state?: ViewState): void {
    this.host = host;
    this.restoreState = state;
  }

  connectedCallback(): void {
    if (this.built) return;
    this.built = true;
    this.build();
  }

  disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
  }

  private build(): void {
    this.classList.add('wf');
    this.status = el('div', 'wf-status');
    this.status.setAttribute('role', 'status');
    this.notices = el('div', 'wf-notices');
    this.notices.setAttribute('role', 'status');
    this.notices.hidden = true;
    this.header = el('header', 'wf-header');
    this.toolbar = el('div', 'wf-toolbar');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Waterfall tools');

    const field = document.createElement('vscode-textfield') as HTMLElement & { value: string };
    field.setAttribute('placeholder', 'Search name, service, attribute (key=value)  /');
    field.setAttribute('aria-label', 'Search spans in this trace');
    field.className = 'wf-search';
    field.addEventListener('input', () => this.scheduleSearch());
    field.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') { e.preventDefault(); this.flushSearch(); this.stepMatch(e.shiftKey ? -1 : 1); }
      if (e.key === 'Escape') { e.preventDefault(); this.scroller.focus(); }
    });
    this.searchField = field;
    this.matchLabel = el('span', 'wf-match-label');
    this.matchLabel.setAttribute('aria-live', 'polite');
    const crit = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
    crit.setAttribute('label', 'Critical path');
    crit.addEventListener('change', () => this.setCriticalHighlight(crit.checked));
    this.criticalBox = crit;
    this.flame = new TraceFlameView({
      select: (row) => { this.select(row, true); this.openDetail(row); },
      open: (row) => this.openDetail(row),
      toggled: (shown) => { this.grid.hidden = shown; this.saveState(); },
    });
    this.toolbar.append(
      field,
      button('‹', 'Previous match (Shift+Enter)', () => this.stepMatch(-1)),
      button('›', 'Next match (Enter)', () => this.stepMatch(1)),
      this.matchLabel,
      button('‹ Error', 'Previous error', () => this.stepError(-1)),
      button('Error ›', 'Next error', () => this.stepError(1)),
      crit,
      this.flame.toggle,
      button('Collapse to critical path', 'Collapse everything not on the critical path', () => this.collapseToCritical()),
      button('Expand all', 'Expand every span', () => this.expandAll()),
      button('Compare…', 'Compare this trace with another', () => this.host?.compare()),
    );
    this.resetZoomButton = button('Reset zoom', 'Show the whole trace again (0)', () => this.setWindow(0, this.summary?.durationNs ?? 1));
    this.resetZoomButton.hidden = true;
    this.toolbar.append(this.resetZoomButton, this.insights.controls);

    const main = el('div', 'wf-main');
    this.main = main;
    this.grid = el('div', 'wf-grid');
    this.ruler = el('div', 'wf-ruler');
    this.ruler.setAttribute('aria-hidden', 'true');
    this.scroller = el('div', 'wf-scroller');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'treegrid');
    this.scroller.setAttribute('aria-label', 'Spans of the trace');
    this.scroller.setAttribute('aria-readonly', 'true');
    this.spacer = el('div', 'wf-spacer');
    this.scroller.append(this.spacer);
    this.scroller.addEventListener('scroll', () => this.renderRows(false), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    // Tooltips are built on hover, not on every scroll.
    this.scroller.addEventListener('pointerover', (e) => this.describeHovered(e));
    this.grid.append(this.ruler, this.scroller);
    this.detail = el('aside', 'wf-detail');
    this.detail.setAttribute('aria-labelledby', 'wf-detail-title');
    this.detail.hidden = true;
    this.detail.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); this.closeDetail(); } });
    main.append(this.grid, this.flame.element, this.detail);
    this.append(this.status, this.notices, this.header, this.toolbar, main);
    // No trace yet: the trace's parts stay hidden until one arrives (an error may come instead).
    this.showTraceParts(false);

    document.addEventListener('keydown', (e) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'VSCODE-TEXTFIELD' || target.tagName === 'TEXTAREA');
      if (e.key === '/' && !typing) { e.preventDefault(); this.searchField.focus(); }
    });
    this.resizeObserver = new ResizeObserver(() => {
      this.ensurePool();
      const track = this.ruler.querySelector<HTMLElement>('.wf-ruler-track');
      if (this.summary && track && track.clientWidth !== this.rulerWidth) this.renderRuler();
    });
    this.resizeObserver.observe(this.scroller);
    this.resizeObserver.observe(this.ruler);
    this.setLoading('Waiting for the trace…');
  }

  setLoading(message: string): void {
    this.status.textContent = message;
    this.status.hidden = false;
  }

  /** The trace could not be shown: the message alone, without the toolbar and rows of a trace that is not there. */
  setError(message: string): void {
    this.status.textContent = message;
    this.status.classList.add('wf-status-error');
    this.status.hidden = false;
    this.showTraceParts(false);
  }

  private showTraceParts(shown: boolean): void {
    this.header.hidden = !shown;
    this.toolbar.hidden = !shown;
    this.main.hidden = !shown;
    if (!shown) this.notices.hidden = true;
  }

  private renderNotices(msg: TraceMessage): void {
    const lines = [msg.summary.windowed, msg.notice].filter((t): t is string => typeof t === 'string' && t.length > 0);
    this.notices.replaceChildren(...lines.map((t) => el('p', 'wf-notice', visibleText(t))));
    this.notices.hidden = lines.length === 0;
  }

  setTrace(msg: TraceMessage): void {
    performance.mark('wf-trace-received');
    this.columns = msg.columns;
    this.summary = msg.summary;
    // One pass over the distinct strings: control and bidi characters are made visible once here.
    this.names = msg.strings.names.map((s) => visibleText(String(s)));
    this.services = msg.strings.services.map((s) => visibleText(String(s)));
    this.model = new RowModel(msg.columns, this.services.length);
    this.matchRows = new Int32Array(0);
    this.matchMask = new Uint8Array(msg.columns.rowCount);
    this.matchIndex = -1;
    this.insights.reset(msg.summary.traceId, msg.columns.rowCount);
    this.selectedRow = msg.columns.rowCount > 0 ? 0 : -1;
    this.status.hidden = true;
    this.status.classList.remove('wf-status-error');
    this.showTraceParts(true);
    this.renderNotices(msg);
    this.viewFrom = 0;
    this.viewTo = msg.summary.durationNs > 0 ? msg.summary.durationNs : 1;
    this.resetZoomButton.hidden = true;
    this.renderHeader();
    this.renderRuler();
    this.ensurePool();
    this.flame.setTrace(msg.columns, this.names, this.services);
    const restore = this.restoreState;
    this.restoreState = undefined;
    if (restore) {
      if (restore.critical) { this.criticalBox.checked = true; this.setCriticalHighlight(true); }
      if (restore.selectedRow >= 0 && restore.selectedRow < msg.columns.rowCount) this.selectedRow = restore.selectedRow;
      this.scroller.scrollTop = restore.scrollTop;
      if (restore.flame) this.flame.show(true);
    }
    this.layoutSpacer();
    this.renderRows(true);
    // A traceparent names a span: select and reveal it, over any selection restored from the view state.
    if (msg.selectRow !== undefined && msg.selectRow < msg.columns.rowCount) {
      this.select(msg.selectRow, true);
      this.openDetail(msg.selectRow);
    }
    performance.mark('wf-rows-rendered');
  }

  /** The row count currently drawn (tests and the bench check it stays ≤ MAX_DOM_ROWS). */
  get domRowCount(): number {
    return this.scroller.querySelectorAll('.wf-row').length;
  }

  private renderHeader(): void {
    const s = this.summary!;
    this.header.replaceChildren();
    const title = el('h1', 'wf-title');
    title.append(el('span', 'wf-title-service', visibleText(s.rootService)), el('span', 'wf-title-name', visibleText(s.rootName)));
    const meta = el('div', 'wf-meta');
    const item = (label: string, value: string, cls?: string) => {
      const span = el('span', cls ? `wf-meta-item ${cls}` : 'wf-meta-item');
      span.append(el('span', 'wf-muted', `${label} `), el('span', undefined, value));
      meta.append(span);
    };
    item('Trace', s.traceId);
    item('Start', formatStart(s.startUnixNs));
    item('Duration', formatDuration(s.durationNs));
    item('Spans', s.spanCount === s.totalSpanCount ? s.spanCount.toLocaleString('en-US') : `${s.spanCount.toLocaleString('en-US')} of ${s.totalSpanCount.toLocaleString('en-US')}`);
    item('Services', String(s.serviceCount));
    item('Errors', String(s.errorCount), s.errorCount > 0 ? 'wf-error-text' : undefined);
    if (s.partial) item('Partial', 'the source says this trace is incomplete', 'wf-warning-text');
    this.chips = [];
    const legend = el('div', 'wf-legend');
    legend.setAttribute('aria-label', 'Services (click to hide or show)');
    this.services.slice(0, MAX_LEGEND).forEach((name, i) => {
      const chip = el('button', 'wf-chip');
      chip.type = 'button';
      chip.setAttribute('aria-pressed', 'true');
      chip.title = `Show or hide ${name}`;
      chip.append(el('span', `wf-swatch svc-${i % PALETTE_SIZE}`), el('span', undefined, name));
      chip.addEventListener('click', () => {
        this.model!.toggleService(i);
        this.serviceFilterChanged();
        this.afterVisibilityChange();
      });
      this.chips.push(chip);
      legend.append(chip);
    });
    if (this.services.length > MAX_LEGEND) legend.append(el('span', 'wf-muted', `+${this.services.length - MAX_LEGEND} more`));
    this.header.append(title, meta, legend);
    for (const w of s.warnings.slice(0, 5)) this.header.append(el('p', 'wf-warning-text wf-warning', visibleText(w)));
  }

  private renderRuler(): void {
    const from = this.viewFrom, to = this.viewTo;
    this.ruler.replaceChildren();
    const label = el('div', 'wf-ruler-label', 'Service · span');
    const track = el('div', 'wf-ruler-track');
    track.title = 'Drag to zoom into a time range; double-click to see the whole trace';
    this.selectionBox = el('div', 'wf-zoom-selection');
    this.selectionBox.hidden = true;
    track.append(this.selectionBox);
    track.addEventListener('pointerdown', (e) => this.startZoomDrag(e, track));
    track.addEventListener('dblclick', () => this.setWindow(0, this.summary?.durationNs ?? 1));
    this.ruler.append(label, track);
    // Ticks are chosen for the track's real width and their labels placed by their real widths
    // (two layouts per ruler, drawn on a new trace, a zoom or a resize only).
    const width = track.clientWidth;
    this.rulerWidth = width;
    const ticks = rulerTicks(from, to, width > 0 ? tickCountFor(width) : undefined);
    const tickEls = ticks.map((t) => {
      const tick = el('span', 'wf-tick', formatDuration(t));
      tick.style.left = `${((t - from) / (to - from)) * 100}%`;
      return tick;
    });
    track.prepend(...tickEls);
    if (width === 0) return; // not laid out (hidden): the resize observer draws it again once it is
    const labels = ticks.map((t, i) => ({ x: ((t - from) / (to - from)) * width, width: tickEls[i].getBoundingClientRect().width }));
    placeTickLabels(labels, width, RULER_RIGHT_ROOM_PX).forEach((placement, i) => {
      if (placement === 'end') tickEls[i].classList.add('wf-tick-end');
      if (placement === 'hidden') { tickEls[i].textContent = ''; tickEls[i].classList.add('wf-tick-bare'); }
    });
  }

  private timeAt(track: HTMLElement, clientX: number): number {
    const r = track.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (clientX - r.left) / (r.width || 1)));
    return this.viewFrom + x * (this.viewTo - this.viewFrom);
  }

  private startZoomDrag(e: PointerEvent, track: HTMLElement): void {
    if (e.button !== 0 || !this.columns) return;
    track.setPointerCapture(e.pointerId);
    this.dragFrom = this.timeAt(track, e.clientX);
    const move = (ev: PointerEvent) => {
      if (this.dragFrom === undefined) return;
      const t = this.timeAt(track, ev.clientX);
      const a = Math.min(t, this.dragFrom), b = Math.max(t, this.dragFrom);
      const span = this.viewTo - this.viewFrom;
      this.selectionBox.hidden = false;
      this.selectionBox.style.left = `${((a - this.viewFrom) / span) * 100}%`;
      this.selectionBox.style.width = `${((b - a) / span) * 100}%`;
    };
    const up = (ev: PointerEvent) => {
      track.removeEventListener('pointermove', move);
      track.removeEventListener('pointerup', up);
      const from = this.dragFrom;
      this.dragFrom = undefined;
      this.selectionBox.hidden = true;
      if (from === undefined) return;
      const t = this.timeAt(track, ev.clientX);
      const r = track.getBoundingClientRect();
      // A click (under 4 px of movement) is not a zoom.
      if (Math.abs(t - from) / (this.viewTo - this.viewFrom) * r.width < 4) return;
      this.setWindow(Math.min(t, from), Math.max(t, from));
    };
    track.addEventListener('pointermove', move);
    track.addEventListener('pointerup', up);
  }

  /** Zooms the timeline to [from, to] (ns from the trace start); bars outside are clipped. */
  setWindow(from: number, to: number): void {
    const total = this.summary?.durationNs || 1;
    const a = Math.max(0, Math.min(from, total));
    const b = Math.max(a + 1, Math.min(to, total));
    this.viewFrom = a;
    this.viewTo = b;
    this.resetZoomButton.hidden = a <= 0 && b >= total;
    this.renderRuler();
    this.renderRows(true);
  }

  /** Zooms to the selected span with a little room around it. */
  private zoomToSelected(): void {
    const c = this.columns;
    if (!c || this.selectedRow < 0) return;
    const s = c.startNs[this.selectedRow], d = Math.max(c.durationNs[this.selectedRow], 1);
    this.setWindow(s - d * 0.05, s + d * 1.05);
  }

  /** Sizes the slot pool to the viewport: enough rows to cover it plus overscan, never above MAX_DOM_ROWS. */
  private ensurePool(): void {
    if (!this.columns) return;
    const height = this.scroller.clientHeight || 600;
    const wanted = Math.min(MAX_DOM_ROWS, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 1);
    if (wanted === this.slots.length) return;
    for (const slot of this.slots) slot.root.remove();
    this.slots = [];
    for (let k = 0; k < wanted; k++) this.slots.push(this.createSlot(k));
    this.scroller.append(...this.slots.map((s) => s.root));
    this.renderRows(true);
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

  private layoutSpacer(): void {
    this.spacer.style.height = `${(this.model?.visibleCount ?? 0) * ROW_HEIGHT}px`;
  }

  private renderRows(force: boolean): void {
    const model = this.model;
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
      if (row === this.selectedRow) active = slot.root.id;
    }
    if (active) this.scroller.setAttribute('aria-activedescendant', active);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private fillSlot(slot: Slot, v: number, row: number): void {
    const c = this.columns!;
    const model = this.model!;
    slot.visIndex = v;
    slot.row = row;
    const root = slot.root;
    root.hidden = false;
    root.style.transform = `translateY(${v * ROW_HEIGHT}px)`;
    const f = c.flags[row];
    const hasKids = c.subtreeSize[row] > 1;
    const collapsed = model.collapsed[row] === 1;
    let cls = 'wf-row';
    if (row === this.selectedRow) cls += ' wf-selected';
    if (f & SpanFlag.critical) cls += ' wf-critical';
    if (f & SpanFlag.error) cls += ' wf-err';
    if (this.matchMask[row]) cls += ' wf-match';
    cls += this.insights.rowClass(row);
    root.className = cls;
    root.setAttribute('aria-level', String(c.depth[row] + 1));
    root.setAttribute('aria-rowindex', String(v + 1));
    root.setAttribute('aria-selected', row === this.selectedRow ? 'true' : 'false');
    if (hasKids) root.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    else root.removeAttribute('aria-expanded');

    slot.nameCell.style.paddingInlineStart = `${Math.min(c.depth[row], MAX_INDENT_DEPTH) * INDENT_PX + 4}px`;
    slot.toggle.textContent = hasKids ? (collapsed ? '▸' : '▾') : '';
    slot.errorMark.hidden = (f & SpanFlag.error) === 0;
    const svc = c.service[row];
    slot.service.textContent = this.services[svc] ?? '';
    slot.service.className = `wf-service svc-fg-${svc % PALETTE_SIZE}`;
    slot.name.textContent = this.names[c.name[row]] ?? '';

    const from = this.viewFrom;
    const span = this.viewTo - from;
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

  /** The legend and the flame graph follow the model's hidden services (a chip, or a reveal of a hidden row). */
  private serviceFilterChanged(): void {
    const model = this.model!;
    this.chips.forEach((chip, i) => chip.setAttribute('aria-pressed', model.hiddenServices[i] ? 'false' : 'true'));
    this.flame.setHiddenServices(model.hiddenServices, model.hiddenServiceCount);
  }

  private afterVisibilityChange(): void {
    this.layoutSpacer();
    this.renderRows(true);
  }

  // ---- interaction -------------------------------------------------------

  private rowFromEvent(e: Event): { row: number; onToggle: boolean } | undefined {
    const target = e.target as HTMLElement;
    const rowEl = target.closest('.wf-row');
    if (!rowEl) return undefined;
    const slot = this.slots.find((s) => s.root === rowEl);
    if (!slot || slot.row < 0) return undefined;
    return { row: slot.row, onToggle: target.classList.contains('wf-toggle') };
  }

  private describeHovered(e: Event): void {
    const hit = this.rowFromEvent(e);
    const c = this.columns;
    if (!hit || !c) return;
    const slot = this.slots.find((s) => s.row === hit.row);
    if (!slot) return;
    const r = hit.row;
    const kind = SPAN_KINDS[c.kind[r]] ?? 'unspecified';
    const kids = c.subtreeSize[r] - 1;
    slot.nameCell.title = `${this.services[c.service[r]] ?? ''} · ${this.names[c.name[r]] ?? ''} (${kind})${kids > 0 ? ` · ${kids} descendants` : ''}`;
    slot.bar.parentElement!.title = `${formatDuration(c.durationNs[r])} at +${formatDuration(c.startNs[r])} · self ${formatDuration(c.selfNs[r])}`;
  }

  private onClick(e: MouseEvent): void {
    const hit = this.rowFromEvent(e);
    if (!hit) return;
    if (hit.onToggle) { this.toggle(hit.row); return; }
    this.select(hit.row, false);
    this.openDetail(hit.row);
  }

  /** Collapses or expands one row; returns the time taken (the bench reads it). */
  toggle(row: number, collapse?: boolean): number {
    const t0 = performance.now();
    const model = this.model;
    if (!model) return 0;
    const next = collapse ?? model.collapsed[row] === 0;
    if (model.setCollapsed(row, next)) this.afterVisibilityChange();
    this.saveState();
    return performance.now() - t0;
  }

  private onKey(e: KeyboardEvent): void {
    const model = this.model;
    if (!model || model.visibleCount === 0) return;
    const cur = Math.max(0, model.indexOf(this.selectedRow));
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moveTo = (v: number) => this.select(model.visible[Math.max(0, Math.min(model.visibleCount - 1, v))], true);
    const row = this.selectedRow;
    const c = this.columns!;
    switch (e.key) {
      case 'ArrowDown': moveTo(cur + 1); break;
      case 'ArrowUp': moveTo(cur - 1); break;
      case 'PageDown': moveTo(cur + page); break;
      case 'PageUp': moveTo(cur - page); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(model.visibleCount - 1); break;
      case 'ArrowRight':
        if (row < 0) break;
        if (c.subtreeSize[row] > 1 && model.collapsed[row]) this.toggle(row, false);
        else if (c.subtreeSize[row] > 1) moveTo(cur + 1);
        break;
      case 'ArrowLeft':
        if (row < 0) break;
        if (c.subtreeSize[row] > 1 && !model.collapsed[row]) this.toggle(row, true);
        else if (c.parent[row] >= 0) this.select(c.parent[row], true);
        break;
      case 'Enter':
      case ' ':
        if (row >= 0) this.openDetail(row);
        break;
      case 'Escape': this.closeDetail(); break;
      case 'z': this.zoomToSelected(); break;
      case '0': this.setWindow(0, this.summary?.durationNs ?? 1); break;
      default: return;
    }
    e.preventDefault();
  }

  /** Selects a row, revealing it (expanding ancestors) and scrolling it into view. */
  select(row: number, scroll: boolean): void {
    const model = this.model;
    if (!model || row < 0 || row >= model.rowCount) return;
    this.selectedRow = row;
    const hiddenBefore = model.hiddenServiceCount;
    if (model.reveal(row)) this.layoutSpacer();
    // Selecting a span of a hidden service (a search match, a frame) shows that service again.
    if (model.hiddenServiceCount !== hiddenBefore) this.serviceFilterChanged();
    this.flame.selected(row);
    if (scroll) {
      const v = model.indexOf(row);
      const top = v * ROW_HEIGHT;
      const h = this.scroller.clientHeight;
      if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
      else if (top + ROW_HEIGHT > this.scroller.scrollTop + h) this.scroller.scrollTop = top + ROW_HEIGHT - h;
    }
    this.renderRows(true);
    this.saveState();
  }

  openDetail(row: number): void {
    performance.mark('wf-detail-requested');
    this.detailRow = row;
    this.host?.requestDetail(row);
  }

  showDetail(row: number, detail: SpanDetail | null): void {
    if (row !== this.detailRow) return; // an answer to an older request
    if (!detail) { this.closeDetail(); return; }
    renderDetail(this.detail, detail, {
      openSource: (loc) => this.host?.openSource(loc),
      openTrace: (traceId, spanId) => this.host?.openTrace(traceId, spanId),
      copy: (text) => this.host?.copy(text),
      close: () => this.closeDetail(),
    });
    this.detail.hidden = false;
    this.classList.add('wf-has-detail');
    performance.mark('wf-detail-shown');
  }

  private closeDetail(): void {
    this.detail.hidden = true;
    this.detailRow = -1;
    this.classList.remove('wf-has-detail');
    this.scroller.focus();
  }

  private scheduleSearch(): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.flushSearch(), 150);
  }

  private flushSearch(): void {
    clearTimeout(this.searchTimer);
    const q = String(this.searchField.value ?? '');
    if (q === this.lastQuery) return;
    this.lastQuery = q;
    if (q.trim() === '') { this.setSearchResult(q, new Int32Array(0), false); return; }
    this.host?.search(q);
  }

  setSearchResult(query: string, rows: Int32Array, truncated: boolean): void {
    if (query !== this.lastQuery || !this.columns) return;
    this.matchMask.fill(0);
    const n = this.columns.rowCount;
    const valid = rows.filter((r) => r >= 0 && r < n);
    for (const r of valid) this.matchMask[r] = 1;
    this.matchRows = valid;
    this.matchIndex = -1;
    this.flame.setMatches(this.matchMask);
    this.matchLabel.textContent = query.trim() === '' ? '' : valid.length === 0 ? 'No results' : `${valid.length}${truncated ? '+' : ''} matches`;
    if (valid.length > 0) this.stepMatch(1);
    else this.renderRows(true);
  }

  private stepMatch(dir: 1 | -1): void {
    const m = this.matchRows;
    if (m.length === 0) return;
    if (this.matchIndex < 0) {
      // Start from the selection: the first match at or after it.
      let i = m.findIndex((r) => r >= this.selectedRow);
      if (i < 0) i = 0;
      this.matchIndex = dir === 1 ? i : (i - 1 + m.length) % m.length;
    } else {
      this.matchIndex = (this.matchIndex + dir + m.length) % m.length;
    }
    this.matchLabel.textContent = `${this.matchIndex + 1} / ${m.length}`;
    this.select(m[this.matchIndex], true);
  }

  private stepError(dir: 1 | -1): void {
    if (!this.model) return;
    const r = this.model.findFlag(this.selectedRow, dir, SpanFlag.error);
    if (r >= 0) this.select(r, true);
  }

  private setCriticalHighlight(on: boolean): void {
    this.classList.toggle('wf-critical-on', on);
    this.saveState();
  }

  collapseToCritical(): void {
    if (!this.model) return;
    this.model.collapseToCritical();
    this.criticalBox.checked = true;
    this.setCriticalHighlight(true);
    this.afterVisibilityChange();
  }

  private expandAll(): void {
    this.model?.expandAll();
    this.afterVisibilityChange();
  }

  private saveState(): void {
    this.host?.saveState({ selectedRow: this.selectedRow, scrollTop: this.scroller.scrollTop, critical: this.classList.contains('wf-critical-on'), flame: this.flame.shown });
  }
}

customElements.define('trace-waterfall', TraceWaterfallElement);
