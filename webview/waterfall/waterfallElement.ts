/**
 * <trace-waterfall>: header, toolbar, the span tree as a virtual list (rowList.ts) under the time
 * ruler (timeRuler.ts), the search (spanSearch.ts), the flame graph and the detail pane. The element
 * owns the trace shown and the view's state (selection, zoom); its parts read that state
 * (WaterfallState) and call back here to change it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { SpanFlag, type WaterfallColumns, type WaterfallSummary } from '../../src/core/waterfall/columnLayout';
import type { SourceLocation, SpanDetail } from '../../src/core/waterfall/spanDetail';
import type { TraceMessage } from '../../src/core/protocol/waterfallProtocol';
import { renderDetail } from './detailPane';
import { button, el, visibleText } from './dom';
import { InsightMarks } from './insightMarks';
import { RowModel } from './rowModel';
import { ROW_HEIGHT, RowList } from './rowList';
import { SpanSearch } from './spanSearch';
import { TimeRuler } from './timeRuler';
import { renderTraceHeader } from './traceHeader';
import { TraceFlameView } from './traceFlame';
import { focusOnSlash, onTreeKey } from './treeKeys';
import type { WaterfallState } from './waterfallState';

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

export class TraceWaterfallElement extends HTMLElement implements WaterfallState {
  private host: WaterfallHost | undefined;
  private built = false;
  columns: WaterfallColumns | undefined;
  summary: WaterfallSummary | undefined;
  names: string[] = [];
  services: string[] = [];
  model: RowModel | undefined;
  selectedRow = -1;
  viewFrom = 0;
  viewTo = 1;
  private detailRow = -1;
  private restoreState: ViewState | undefined;
  /** The legend's chips, one per service shown in it, so a reveal can press a chip again. */
  private chips: HTMLElement[] = [];

  // Parts, created once in build().
  private status!: HTMLElement;
  /** What the host says about the trace shown (windowed mode, a traceparent span not found): one line each. */
  private notices!: HTMLElement;
  private header!: HTMLElement;
  private toolbar!: HTMLElement;
  private search!: SpanSearch;
  private criticalBox!: HTMLElement & { checked: boolean };
  private resetZoomButton!: HTMLElement;
  private grid!: HTMLDivElement;
  private ruler!: TimeRuler;
  private scroller!: HTMLDivElement;
  private rows!: RowList;
  private detail!: HTMLElement;
  private main!: HTMLElement;
  private flame!: TraceFlameView;
  private resizeObserver: ResizeObserver | undefined;
  /** The trace's performance insights: marked rows and the toolbar's "next insight". */
  readonly insights = new InsightMarks((row) => { this.select(row, true); this.openDetail(row); }, () => this.rows?.render(true));

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
    this.buildToolbar();

    const main = el('div', 'wf-main');
    this.main = main;
    this.grid = el('div', 'wf-grid');
    const ruler = el('div', 'wf-ruler');
    ruler.setAttribute('aria-hidden', 'true');
    this.ruler = new TimeRuler(ruler, this, (from, to) => this.setWindow(from, to));
    this.scroller = el('div', 'wf-scroller');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'treegrid');
    this.scroller.setAttribute('aria-label', 'Spans of the trace');
    this.scroller.setAttribute('aria-readonly', 'true');
    const spacer = el('div', 'wf-spacer');
    this.scroller.append(spacer);
    this.rows = new RowList(this.scroller, spacer, this, { isMatch: (row) => this.search.isMatch(row), rowClass: (row) => this.insights.rowClass(row) });
    this.scroller.addEventListener('scroll', () => this.rows.render(false), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('pointerover', (e) => this.rows.describeHovered(e));
    this.grid.append(ruler, this.scroller);
    this.detail = el('aside', 'wf-detail');
    this.detail.setAttribute('aria-labelledby', 'wf-detail-title');
    this.detail.hidden = true;
    this.detail.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); this.closeDetail(); } });
    main.append(this.grid, this.flame.element, this.detail);
    this.append(this.status, this.notices, this.header, this.toolbar, main);
    // No trace yet: the trace's parts stay hidden until one arrives (an error may come instead).
    this.showTraceParts(false);

    focusOnSlash(this.search.field);
    this.resizeObserver = new ResizeObserver(() => {
      this.rows.ensurePool();
      if (this.summary && this.ruler.resized) this.ruler.render();
    });
    this.resizeObserver.observe(this.scroller);
    this.resizeObserver.observe(ruler);
    this.setLoading('Waiting for the trace…');
  }

  private buildToolbar(): void {
    this.toolbar = el('div', 'wf-toolbar');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Waterfall tools');
    this.search = new SpanSearch({
      search: (query) => this.host?.search(query),
      rowCount: () => this.columns?.rowCount,
      selectedRow: () => this.selectedRow,
      select: (row) => this.select(row, true),
      marked: (mask) => this.flame.setMatches(mask),
      redraw: () => this.rows.render(true),
      leave: () => this.scroller.focus(),
    });
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
      this.search.field,
      button('‹', 'Previous match (Shift+Enter)', () => this.search.step(-1)),
      button('›', 'Next match (Enter)', () => this.search.step(1)),
      this.search.label,
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
    this.search.reset(msg.columns.rowCount);
    this.insights.reset(msg.summary.traceId, msg.columns.rowCount);
    this.selectedRow = msg.columns.rowCount > 0 ? 0 : -1;
    this.status.hidden = true;
    this.status.classList.remove('wf-status-error');
    this.showTraceParts(true);
    this.renderNotices(msg);
    this.viewFrom = 0;
    this.viewTo = msg.summary.durationNs > 0 ? msg.summary.durationNs : 1;
    this.resetZoomButton.hidden = true;
    this.chips = renderTraceHeader(this.header, msg.summary, this.services, (i) => {
      this.model!.toggleService(i);
      this.serviceFilterChanged();
      this.afterVisibilityChange();
    });
    this.ruler.render();
    this.rows.ensurePool();
    this.flame.setTrace(msg.columns, this.names, this.services);
    const restore = this.restoreState;
    this.restoreState = undefined;
    if (restore) {
      if (restore.critical) { this.criticalBox.checked = true; this.setCriticalHighlight(true); }
      if (restore.selectedRow >= 0 && restore.selectedRow < msg.columns.rowCount) this.selectedRow = restore.selectedRow;
      this.scroller.scrollTop = restore.scrollTop;
      if (restore.flame) this.flame.show(true);
    }
    this.rows.layoutSpacer();
    this.rows.render(true);
    // A traceparent names a span: select and reveal it, over any selection restored from the view state.
    if (msg.selectRow !== undefined && msg.selectRow < msg.columns.rowCount) {
      this.select(msg.selectRow, true);
      this.openDetail(msg.selectRow);
    }
    performance.mark('wf-rows-rendered');
  }

  /** The row count currently drawn (tests and the bench check it stays ≤ MAX_DOM_ROWS). */
  get domRowCount(): number {
    return this.rows.domRowCount;
  }

  /** Zooms the timeline to [from, to] (ns from the trace start); bars outside are clipped. */
  setWindow(from: number, to: number): void {
    const total = this.summary?.durationNs || 1;
    const a = Math.max(0, Math.min(from, total));
    const b = Math.max(a + 1, Math.min(to, total));
    this.viewFrom = a;
    this.viewTo = b;
    this.resetZoomButton.hidden = a <= 0 && b >= total;
    this.ruler.render();
    this.rows.render(true);
  }

  /** Zooms to the selected span with a little room around it. */
  private zoomToSelected(): void {
    const c = this.columns;
    if (!c || this.selectedRow < 0) return;
    const s = c.startNs[this.selectedRow], d = Math.max(c.durationNs[this.selectedRow], 1);
    this.setWindow(s - d * 0.05, s + d * 1.05);
  }

  /** The legend and the flame graph follow the model's hidden services (a chip, or a reveal of a hidden row). */
  private serviceFilterChanged(): void {
    const model = this.model!;
    this.chips.forEach((chip, i) => chip.setAttribute('aria-pressed', model.hiddenServices[i] ? 'false' : 'true'));
    this.flame.setHiddenServices(model.hiddenServices, model.hiddenServiceCount);
  }

  private afterVisibilityChange(): void {
    this.rows.layoutSpacer();
    this.rows.render(true);
  }

  // ---- interaction -------------------------------------------------------

  private onClick(e: MouseEvent): void {
    const hit = this.rows.rowFromEvent(e);
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
    const handled = onTreeKey(e.key, this, {
      pageRows: Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1,
      select: (row) => this.select(row, true),
      toggle: (row, collapse) => this.toggle(row, collapse),
      openDetail: (row) => this.openDetail(row),
      closeDetail: () => this.closeDetail(),
      zoomToSelected: () => this.zoomToSelected(),
      showWholeTrace: () => this.setWindow(0, this.summary?.durationNs ?? 1),
    });
    if (handled) e.preventDefault();
  }

  /** Selects a row, revealing it (expanding ancestors) and scrolling it into view. */
  select(row: number, scroll: boolean): void {
    const model = this.model;
    if (!model || row < 0 || row >= model.rowCount) return;
    this.selectedRow = row;
    const hiddenBefore = model.hiddenServiceCount;
    if (model.reveal(row)) this.rows.layoutSpacer();
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
    this.rows.render(true);
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

  setSearchResult(query: string, rows: Int32Array, truncated: boolean): void {
    this.search.setResult(query, rows, truncated);
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
