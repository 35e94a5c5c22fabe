/**
 * The toolbar's search: the field (typing searches after a pause, Enter steps through the matches,
 * Escape returns to the rows), the match label and the matched rows. The host searches; the
 * answer marks the rows and selects the first match at or after the selection.
 */
import { el } from './dom';

export interface SpanSearchHost {
  /** Asks the host for the rows that match `query`; the answer comes to setResult. */
  search(query: string): void;
  /** The rows of the trace shown; undefined before one is. */
  rowCount(): number | undefined;
  selectedRow(): number;
  select(row: number): void;
  /** The matches changed: mark them where the rows are not drawn from isMatch (the flame graph). */
  marked(mask: Uint8Array): void;
  /** Draws the rows again (their match marks changed and no match is selected). */
  redraw(): void;
  /** Escape in the field: back to the rows. */
  leave(): void;
}

export class SpanSearch {
  readonly field: HTMLElement & { value: string };
  readonly label: HTMLElement;
  private rows = new Int32Array(0);
  private mask = new Uint8Array(0);
  private index = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastQuery = '';

  constructor(private readonly host: SpanSearchHost) {
    const field = document.createElement('vscode-textfield') as HTMLElement & { value: string };
    field.setAttribute('placeholder', 'Search name, service, attribute (key=value)  /');
    field.setAttribute('aria-label', 'Search spans in this trace');
    field.className = 'wf-search';
    field.addEventListener('input', () => this.schedule());
    field.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') { e.preventDefault(); this.flush(); this.step(e.shiftKey ? -1 : 1); }
      if (e.key === 'Escape') { e.preventDefault(); host.leave(); }
    });
    this.field = field;
    this.label = el('span', 'wf-match-label');
    this.label.setAttribute('aria-live', 'polite');
  }

  /** A new trace: no matches, room for one mark a row. */
  reset(rowCount: number): void {
    this.rows = new Int32Array(0);
    this.mask = new Uint8Array(rowCount);
    this.index = -1;
  }

  isMatch(row: number): boolean {
    return this.mask[row] === 1;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 150);
  }

  private flush(): void {
    clearTimeout(this.timer);
    const q = String(this.field.value ?? '');
    if (q === this.lastQuery) return;
    this.lastQuery = q;
    if (q.trim() === '') { this.setResult(q, new Int32Array(0), false); return; }
    this.host.search(q);
  }

  /** The host's answer for `query`; an answer to an older query is dropped. */
  setResult(query: string, rows: Int32Array, truncated: boolean): void {
    const n = this.host.rowCount();
    if (query !== this.lastQuery || n === undefined) return;
    this.mask.fill(0);
    const valid = rows.filter((r) => r >= 0 && r < n);
    for (const r of valid) this.mask[r] = 1;
    this.rows = valid;
    this.index = -1;
    this.host.marked(this.mask);
    this.label.textContent = query.trim() === '' ? '' : valid.length === 0 ? 'No results' : `${valid.length}${truncated ? '+' : ''} matches`;
    if (valid.length > 0) this.step(1);
    else this.host.redraw();
  }

  /** The next (1) or previous (-1) match, selected. */
  step(dir: 1 | -1): void {
    const m = this.rows;
    if (m.length === 0) return;
    if (this.index < 0) {
      // Start from the selection: the first match at or after it.
      const selected = this.host.selectedRow();
      let i = m.findIndex((r) => r >= selected);
      if (i < 0) i = 0;
      this.index = dir === 1 ? i : (i - 1 + m.length) % m.length;
    } else {
      this.index = (this.index + dir + m.length) % m.length;
    }
    this.label.textContent = `${this.index + 1} / ${m.length}`;
    this.host.select(m[this.index]);
  }
}
