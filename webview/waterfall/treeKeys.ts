// The keyboard of the span tree (a treegrid): arrows move and fold, Page/Home/End jump, Enter or
// Space open the detail, Escape closes it, z zooms to the span and 0 shows the whole trace.
import type { WaterfallState } from './waterfallState';

export interface TreeKeyActions {
  /** Rows in a page of the list as it is now. */
  readonly pageRows: number;
  select(row: number): void;
  toggle(row: number, collapse: boolean): void;
  openDetail(row: number): void;
  closeDetail(): void;
  zoomToSelected(): void;
  showWholeTrace(): void;
}

/** Acts on a key pressed in the rows; false when the key is not one of the tree's (left to the page). */
export function onTreeKey(key: string, state: WaterfallState, act: TreeKeyActions): boolean {
  const model = state.model;
  if (!model || model.visibleCount === 0) return false;
  const cur = Math.max(0, model.indexOf(state.selectedRow));
  const page = Math.max(1, act.pageRows);
  const moveTo = (v: number) => act.select(model.visible[Math.max(0, Math.min(model.visibleCount - 1, v))]);
  const row = state.selectedRow;
  const c = state.columns!;
  switch (key) {
    case 'ArrowDown': moveTo(cur + 1); break;
    case 'ArrowUp': moveTo(cur - 1); break;
    case 'PageDown': moveTo(cur + page); break;
    case 'PageUp': moveTo(cur - page); break;
    case 'Home': moveTo(0); break;
    case 'End': moveTo(model.visibleCount - 1); break;
    case 'ArrowRight':
      if (row < 0) break;
      if (c.subtreeSize[row] > 1 && model.collapsed[row]) act.toggle(row, false);
      else if (c.subtreeSize[row] > 1) moveTo(cur + 1);
      break;
    case 'ArrowLeft':
      if (row < 0) break;
      if (c.subtreeSize[row] > 1 && !model.collapsed[row]) act.toggle(row, true);
      else if (c.parent[row] >= 0) act.select(c.parent[row]);
      break;
    case 'Enter':
    case ' ':
      if (row >= 0) act.openDetail(row);
      break;
    case 'Escape': act.closeDetail(); break;
    case 'z': act.zoomToSelected(); break;
    case '0': act.showWholeTrace(); break;
    default: return false;
  }
  return true;
}

/** `/` anywhere but in a text field focuses the search, as in VS Code's own lists. */
export function focusOnSlash(field: HTMLElement): void {
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    const typing = target && (target.tagName === 'INPUT' || target.tagName === 'VSCODE-TEXTFIELD' || target.tagName === 'TEXTAREA');
    if (e.key === '/' && !typing) { e.preventDefault(); field.focus(); }
  });
}
