/**
 * <trace-compare>: the two traces' headers, counts, a status filter and the table of added,
 * missing and changed spans by impact. The worker bounds the rows (DEFAULT_MAX_COMPARED_SPANS), so
 * the table is drawn whole. Span data reaches the page only through textContent, after
 * visibleText; clicks are handled by delegation on the table, keyed by row index.
 */
import type { ComparedSpan, ComparedTrace, ComparisonStatus } from '../../src/core/compare/traceComparison';
import type { SourceLocation } from '../../src/core/waterfall/spanDetail';
import type { CompareSide, ComparisonMessage } from '../../src/core/protocol/compareProtocol';
import { ViewElement } from '../shared/viewElement';
import { el, visibleText } from '../waterfall/dom';
import { formatDuration } from '../waterfall/timeFormat';

export interface CompareHost {
  openTrace(side: CompareSide, spanId?: string): void;
  openSource(location: SourceLocation): void;
}

type Filter = 'all' | Exclude<ComparisonStatus, 'unchanged'>;
const FILTERS: Array<[Filter, string]> = [['all', 'All'], ['changed', 'Changed'], ['added', 'Added'], ['missing', 'Missing']];

function signed(ns: number): string {
  const text = formatDuration(Math.abs(ns));
  return ns > 0 ? `+${text}` : ns < 0 ? `−${text}` : text;
}

function percent(relative: number | null): string {
  if (relative === null) return '—';
  const p = relative * 100;
  const text = Math.abs(p) >= 10 ? Math.abs(p).toFixed(0) : Math.abs(p).toFixed(1);
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${text} %`;
}

function button(label: string, title: string, action: string): HTMLButtonElement {
  const b = el('button', 'cmp-button', label);
  b.type = 'button';
  b.title = title;
  b.dataset.action = action;
  return b;
}

export class TraceCompareElement extends ViewElement<CompareHost> {
  protected readonly cssPrefix = 'cmp';
  private spans: ComparedSpan[] = [];
  private filter: Filter = 'all';
  private toolbar!: HTMLElement;
  private body!: HTMLTableSectionElement;
  private table!: HTMLTableElement;
  private footer!: HTMLElement;

  protected build(): void {
    this.toolbar = el('div', 'cmp-toolbar');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Show spans');
    this.toolbar.addEventListener('click', (e) => {
      const f = (e.target as HTMLElement).closest<HTMLElement>('[data-filter]')?.dataset.filter as Filter | undefined;
      if (f) this.setFilter(f);
    });
    this.table = el('table', 'cmp-table');
    const head = this.table.createTHead().insertRow();
    for (const h of ['Change', 'Span', 'Baseline', 'Candidate', 'Δ', 'Δ %', '']) head.append(el('th', undefined, h));
    this.body = this.table.createTBody();
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.header.addEventListener('click', (e) => {
      const side = (e.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
      if (side === 'left' || side === 'right') this.host?.openTrace(side);
    });
    this.footer = el('p', 'cmp-footer');
    const scroller = el('div', 'cmp-scroller');
    scroller.append(this.table, this.footer);
    this.append(this.status, this.header, this.toolbar, scroller);
    this.showParts(false);
  }

  setLoading(message: string): void {
    this.showStatus(message, false);
  }

  setError(message: string): void {
    this.showStatus(message, true);
    this.showParts(false);
  }

  private showParts(shown: boolean): void {
    this.header.hidden = !shown;
    this.toolbar.hidden = !shown;
    this.table.hidden = !shown;
  }

  setComparison(msg: ComparisonMessage): void {
    const c = msg.comparison;
    this.spans = c.spans;
    this.status.hidden = true;
    this.header.replaceChildren(
      this.sideLine('Baseline', 'left', msg.leftLabel, c.left),
      this.sideLine('Candidate', 'right', msg.rightLabel, c.right),
      el('p', 'cmp-total', `Root duration ${signed(c.right.durationNs - c.left.durationNs)} (${percent(c.left.durationNs > 0 ? (c.right.durationNs - c.left.durationNs) / c.left.durationNs : null)})`),
      el('p', 'cmp-counts', `${c.counts.changed} changed · ${c.counts.added} added · ${c.counts.missing} missing · ${c.counts.unchanged} unchanged`),
    );
    for (const w of [...c.left.warnings.map((x) => `Baseline: ${x}`), ...c.right.warnings.map((x) => `Candidate: ${x}`)].slice(0, 5)) {
      this.header.append(el('p', 'cmp-warning', visibleText(w)));
    }
    this.toolbar.replaceChildren(...FILTERS.map(([f, label]) => {
      const n = f === 'all' ? c.spans.length : c.spans.filter((s) => s.status === f).length;
      const b = el('button', 'cmp-filter', `${label} (${n})`);
      b.type = 'button';
      b.dataset.filter = f;
      return b;
    }));
    this.body.replaceChildren(...c.spans.map((s, i) => this.row(s, i)));
    this.footer.textContent = c.spans.length === 0
      ? 'No span was added, went missing or changed beyond the noise threshold.'
      : c.omitted > 0 ? `Showing the ${c.spans.length.toLocaleString('en-US')} spans with the largest change; ${c.omitted.toLocaleString('en-US')} smaller changes are not listed.` : '';
    this.showParts(true);
    this.setFilter(this.filter);
  }

  private sideLine(title: string, side: CompareSide, label: string, t: ComparedTrace): HTMLElement {
    const line = el('div', 'cmp-side');
    line.append(
      el('span', 'cmp-side-title', title),
      el('span', 'cmp-side-root', visibleText(`${t.rootService}: ${t.rootName}`)),
      el('span', 'cmp-muted', `${formatDuration(t.durationNs)} · ${t.spanCount.toLocaleString('en-US')} spans · ${visibleText(label)}`),
      button('Open', `Open the ${title.toLowerCase()} trace in the waterfall`, side),
    );
    return line;
  }

  private row(s: ComparedSpan, index: number): HTMLTableRowElement {
    const tr = el('tr', `cmp-row cmp-${s.status}`);
    tr.dataset.index = String(index);
    tr.dataset.status = s.status;
    const name = el('td', 'cmp-span');
    const label = el('div', 'cmp-name', visibleText(`${s.service}: ${s.name}`));
    if (s.left?.error || s.right?.error) label.append(el('span', 'cmp-error-text', ` · error in ${s.left?.error && s.right?.error ? 'both' : s.left?.error ? 'baseline' : 'candidate'}`));
    name.append(label);
    if (s.ancestors.length > 0) name.append(el('div', 'cmp-path', visibleText(s.ancestors.join(' › '))));
    const actions = el('td', 'cmp-actions');
    if (s.left) actions.append(button('Baseline', 'Open this span in the baseline trace', 'left'));
    if (s.right) actions.append(button('Candidate', 'Open this span in the candidate trace', 'right'));
    if (s.right?.location ?? s.left?.location) actions.append(button('Source', 'Go to the code of this span', 'source'));
    tr.append(
      el('td', 'cmp-badge', s.status),
      name,
      el('td', 'cmp-num', s.left ? formatDuration(s.left.durationNs) : '—'),
      el('td', 'cmp-num', s.right ? formatDuration(s.right.durationNs) : '—'),
      el('td', 'cmp-num', signed(s.deltaNs)),
      el('td', 'cmp-num', percent(s.relative)),
      actions,
    );
    return tr;
  }

  private setFilter(filter: Filter): void {
    this.filter = filter;
    for (const b of this.toolbar.querySelectorAll<HTMLElement>('[data-filter]')) b.setAttribute('aria-pressed', String(b.dataset.filter === filter));
    for (const tr of this.body.rows) tr.hidden = filter !== 'all' && tr.dataset.status !== filter;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    const s = this.spans[Number(target.closest<HTMLElement>('tr')?.dataset.index)];
    if (!action || !s) return;
    if (action === 'left' && s.left) this.host?.openTrace('left', s.left.spanId);
    else if (action === 'right' && s.right) this.host?.openTrace('right', s.right.spanId);
    else if (action === 'source') {
      const location = s.right?.location ?? s.left?.location;
      if (location) this.host?.openSource(location);
    }
  }
}

customElements.define('trace-compare', TraceCompareElement);
