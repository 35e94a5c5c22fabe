// Where a frame of the flame graph is on screen, computed in Node with the module the webview
// lays the graph out with (src/core/flame/flameLayout.ts), for tests that click and hover frames.
import { layoutFlame, type FlameLayout } from '../../src/core/flame/flameLayout';
import type { WaterfallColumns } from '../../src/core/waterfall/columnLayout';

/** Must match FLAME_ROW_HEIGHT in webview/flame/flamePaint.ts. */
export const FLAME_ROW_HEIGHT = 20;

export function traceFlameLayout(c: WaterfallColumns): FlameLayout {
  return layoutFlame({ count: c.rowCount, parent: c.parent, subtreeSize: c.subtreeSize, depth: c.depth, value: c.durationNs });
}

/** The middle of `row`'s frame in the page, for a scroller at `box`, not zoomed or scrolled. */
export function framePoint(layout: FlameLayout, depth: number, row: number, box: { x: number; y: number; width: number }): { x: number; y: number } {
  return { x: box.x + (layout.x[row] + layout.width[row] / 2) * box.width, y: box.y + depth * FLAME_ROW_HEIGHT + FLAME_ROW_HEIGHT / 2 };
}
