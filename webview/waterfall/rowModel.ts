/**
 * Which rows are shown: collapse state, service filter and the visible-row list the virtual
 * list draws from. Rows are depth-first, so a subtree is the contiguous range
 * `[row, row + subtreeSize[row])` and collapsing is a skip, not a walk: the cost of a
 * collapse is one pass over the rows that stay visible, whatever the subtree size.
 */
import { SpanFlag, type WaterfallColumns } from '../../src/core/waterfall/columnLayout';

export class RowModel {
  readonly collapsed: Uint8Array;
  /** Visible rows in ascending row order; only the first `visibleCount` entries are meaningful. */
  visible: Int32Array;
  visibleCount = 0;
  /** Services hidden by the filter (index → 1). */
  readonly hiddenServices: Uint8Array;
  hiddenServiceCount = 0;

  constructor(readonly columns: WaterfallColumns, serviceCount: number) {
    this.collapsed = new Uint8Array(columns.rowCount);
    this.visible = new Int32Array(columns.rowCount);
    this.hiddenServices = new Uint8Array(Math.max(1, serviceCount));
    this.recompute();
  }

  get rowCount(): number { return this.columns.rowCount; }

  hasChildren(row: number): boolean { return this.columns.subtreeSize[row] > 1; }

  recompute(): void {
    const { subtreeSize, service } = this.columns;
    const n = this.columns.rowCount;
    const out = this.visible;
    const collapsed = this.collapsed;
    let k = 0;
    let i = 0;
    if (this.hiddenServiceCount === 0) {
      while (i < n) { out[k++] = i; i += collapsed[i] ? subtreeSize[i] : 1; }
    } else {
      const hidden = this.hiddenServices;
      while (i < n) {
        if (!hidden[service[i]]) out[k++] = i;
        i += collapsed[i] ? subtreeSize[i] : 1;
      }
    }
    this.visibleCount = k;
  }

  /** Position of `row` in the visible list, or -1 (binary search: the list is sorted). */
  indexOf(row: number): number {
    let lo = 0, hi = this.visibleCount - 1;
    const v = this.visible;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (v[mid] === row) return mid;
      if (v[mid] < row) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  setCollapsed(row: number, collapsed: boolean): boolean {
    if (!this.hasChildren(row) || (this.collapsed[row] === 1) === collapsed) return false;
    this.collapsed[row] = collapsed ? 1 : 0;
    this.recompute();
    return true;
  }

  /** Opens every collapsed ancestor so `row` can be shown. Returns whether anything changed. */
  reveal(row: number): boolean {
    let changed = false;
    for (let p = this.columns.parent[row]; p >= 0; p = this.columns.parent[p]) {
      if (this.collapsed[p]) { this.collapsed[p] = 0; changed = true; }
    }
    if (this.hiddenServiceCount > 0 && this.hiddenServices[this.columns.service[row]]) {
      this.hiddenServices[this.columns.service[row]] = 0;
      this.hiddenServiceCount--;
      changed = true;
    }
    if (changed) this.recompute();
    return changed;
  }

  expandAll(): void { this.collapsed.fill(0); this.recompute(); }

  /** Keeps open only the spans on the critical path, so the path reads top to bottom. */
  collapseToCritical(): void {
    const { flags, subtreeSize } = this.columns;
    for (let r = 0; r < this.rowCount; r++) {
      this.collapsed[r] = subtreeSize[r] > 1 && (flags[r] & SpanFlag.critical) === 0 ? 1 : 0;
    }
    this.recompute();
  }

  toggleService(service: number): void {
    if (service < 0 || service >= this.hiddenServices.length) return;
    this.hiddenServices[service] ^= 1;
    this.hiddenServiceCount += this.hiddenServices[service] ? 1 : -1;
    this.recompute();
  }

  /** Next (dir 1) or previous (-1) row from `from` whose flags have `bit`, wrapping around. */
  findFlag(from: number, dir: 1 | -1, bit: number): number {
    const n = this.rowCount;
    const { flags } = this.columns;
    for (let k = 1; k <= n; k++) {
      const r = (((from + dir * k) % n) + n) % n;
      if (flags[r] & bit) return r;
    }
    return -1;
  }
}
