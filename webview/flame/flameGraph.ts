/**
 * A flame graph (icicle: roots on top) drawn on a canvas, for any FlameTree: the flame graph of
 * one trace in the waterfall and the aggregated graph of a function. Only the depths in view are
 * drawn, and frames narrower than MIN_FRAME_PX are not drawn one by one: neighbours at one depth
 * merge into a hatched block that says how many spans it holds (click to zoom in), and their
 * subtrees are skipped, so a frame costs the same at 1k and at 100k spans. Hidden frames (the
 * waterfall's service filter) keep their place, so their children stay under their callers, but
 * are drawn as an empty outline that no click, key or tooltip reaches. Text reaches the page only
 * through `fillText` and `textContent`, never as markup.
 */
import type { FlameLayout, FlameTree } from '../../src/core/flame/flameLayout';
import { el } from '../waterfall/dom';
import { FLAME_ROW_HEIGHT, fit, MIN_LABEL_PX, paintMergedRun, PALETTE, readColors, type Colors, type Run } from './flamePaint';

/** Frames narrower than this (CSS px) merge with their neighbours at the same depth. */
const MIN_FRAME_PX = 2;

/** What the graph draws: the tree, where its frames sit, and how each one reads. */
export interface FlameData {
  tree: FlameTree;
  layout: FlameLayout;
  /** The frame's text, already made safe to show (visibleText). */
  label(i: number): string;
  /** Index into the palette (a service, say); wrapped. */
  color(i: number): number;
  isError(i: number): boolean;
  /** Tooltip lines of a frame. */
  describe(i: number): string[];
}

export interface FlameHost {
  /** A frame was clicked or reached with the keyboard. */
  select(i: number): void;
  /** Enter on a frame. */
  open(i: number): void;
}


export class FlameGraph {
  readonly element: HTMLDivElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private readonly zoomLabel: HTMLSpanElement;
  private readonly note: HTMLSpanElement;
  private readonly status: HTMLSpanElement;
  private readonly resetButton: HTMLButtonElement;
  private data: FlameData | undefined;
  private colors: Colors | undefined;
  private selected = -1;
  private matchPrefix: Int32Array | undefined;
  private errorPrefix: Int32Array | undefined;
  private hidden: ArrayLike<number> | undefined;
  private hiddenPrefix: Int32Array | undefined;
  private z0 = 0;
  private z1 = 1;
  private frameRequested = false;
  /** What the last draw put where, for clicks and tooltips: frames, then merged runs (kind 1). */
  private hitDepth: number[] = [];
  private hitX0: number[] = [];
  private hitX1: number[] = [];
  private hitKind: number[] = [];
  private hitRef: number[] = [];
  private runs: Run[] = [];
  private charWidth = 7;
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;

  constructor(private readonly host: FlameHost, ariaLabel: string) {
    this.element = el('div', 'fl');
    const bar = el('div', 'fl-bar');
    // The canvas is not read by screen readers: the selected frame is said here, as text.
    this.status = el('span', 'fl-status');
    this.status.setAttribute('role', 'status');
    this.zoomLabel = el('span', 'fl-zoom-label');
    this.note = el('span', 'fl-note');
    this.note.hidden = true;
    this.resetButton = el('button', 'fl-reset', 'Reset zoom');
    this.resetButton.type = 'button';
    this.resetButton.title = 'Show every frame again (0)';
    this.resetButton.hidden = true;
    this.resetButton.addEventListener('click', () => this.zoom(0, 1));
    bar.append(this.status, this.note, this.zoomLabel, this.resetButton);
    this.scroller = el('div', 'fl-scroller');
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'application');
    this.scroller.setAttribute('aria-label', ariaLabel);
    this.spacer = el('div', 'fl-spacer');
    this.canvas = el('canvas', 'fl-canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.tooltip = el('div', 'fl-tooltip');
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.scroller.append(this.spacer, this.canvas);
    this.element.append(bar, this.scroller, this.tooltip);
    this.scroller.addEventListener('scroll', () => this.invalidate(), { passive: true });
    this.scroller.addEventListener('click', (e) => this.onClick(e));
    this.scroller.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.scroller.addEventListener('pointermove', (e) => this.onHover(e));
    this.scroller.addEventListener('pointerleave', () => { this.tooltip.hidden = true; });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.resizeObserver = new ResizeObserver(() => this.invalidate());
    this.resizeObserver.observe(this.scroller);
    // VS Code changes the body's class with the theme: read the colours again then.
    this.themeObserver = new MutationObserver(() => { this.colors = undefined; this.invalidate(); });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
  }

  setData(data: FlameData): void {
    this.data = data;
    this.selected = -1;
    this.status.textContent = '';
    this.matchPrefix = undefined;
    this.hidden = undefined;
    this.hiddenPrefix = undefined;
    this.note.hidden = true;
    this.errorPrefix = prefixOf(data.tree.count, (i) => data.isError(i));
    this.z0 = 0;
    this.z1 = 1;
    this.resetButton.hidden = true;
    this.spacer.style.height = `${(data.layout.maxDepth + 1) * FLAME_ROW_HEIGHT}px`;
    this.draw();
  }

  /** Frames to highlight (1 = match); an empty or missing mask ends the highlighting. */
  setMatches(mask: ArrayLike<number> | undefined): void {
    const n = this.data?.tree.count ?? 0;
    let any = false;
    if (mask) for (let i = 0; i < mask.length && !any; i++) any = mask[i] !== 0;
    this.matchPrefix = any ? prefixOf(n, (i) => mask![i] !== 0) : undefined;
    this.invalidate();
  }

  /**
   * Frames to hide (1 = hidden), with a line for the bar that says why; a missing or empty mask
   * shows every frame again.
   */
  setHidden(mask: ArrayLike<number> | undefined, note = ''): void {
    const n = this.data?.tree.count ?? 0;
    let any = false;
    if (mask) for (let i = 0; i < mask.length && !any; i++) any = mask[i] !== 0;
    this.hidden = any ? mask : undefined;
    this.hiddenPrefix = any ? prefixOf(n, (i) => mask![i] !== 0) : undefined;
    this.note.textContent = any ? note : '';
    this.note.hidden = !any || note === '';
    this.invalidate();
  }

  private isHidden(i: number): boolean { return this.hidden !== undefined && this.hidden[i] !== 0; }

  /** Marks a frame selected; `reveal` zooms and scrolls so it can be seen and clicked. */
  setSelected(i: number, reveal: boolean): void {
    const data = this.data;
    if (!data || i < 0 || i >= data.tree.count) return;
    this.selected = i;
    this.status.textContent = data.describe(i).slice(0, 2).join(' — ');
    if (reveal) this.reveal(i);
    this.invalidate();
  }

  get selectedFrame(): number { return this.selected; }

  /** Draws now (the first paint after showing); later changes draw on the next animation frame. */
  draw(): void {
    this.frameRequested = false;
    const data = this.data;
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    if (!data || w === 0 || h === 0) return;
    this.colors ??= readColors(this.element);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    const top = this.scroller.scrollTop;
    this.canvas.style.transform = `translateY(${top}px)`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = `12px ${getComputedStyle(this.element).fontFamily}`;
    ctx.textBaseline = 'middle';
    this.charWidth = ctx.measureText('abcdefghijklmnopqrstuvwxyz').width / 26 || 7;
    this.paint(ctx, data, w, top, h);
    this.zoomLabel.textContent = this.z0 > 0 || this.z1 < 1 ? `zoom ×${Number((1 / (this.z1 - this.z0)).toPrecision(3)).toLocaleString('en-US')}` : 'double-click a frame to zoom';
  }

  private invalidate(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => { if (this.frameRequested) this.draw(); });
  }

  private paint(ctx: CanvasRenderingContext2D, data: FlameData, w: number, top: number, h: number): void {
    const { tree, layout } = data;
    const { subtreeSize, depth } = tree;
    const { x, width } = layout;
    const colors = this.colors!;
    const d0 = Math.floor(top / FLAME_ROW_HEIGHT);
    const d1 = Math.ceil((top + h) / FLAME_ROW_HEIGHT);
    const z0 = this.z0;
    const scale = w / (this.z1 - this.z0);
    const matches = this.matchPrefix;
    const errors = this.errorPrefix!;
    const hidden = this.hidden;
    const hiddenPrefix = this.hiddenPrefix;
    const hits = { depth: [] as number[], x0: [] as number[], x1: [] as number[], kind: [] as number[], ref: [] as number[] };
    const runs: Run[] = [];
    // The open run of merged frames at each visible depth.
    const open: (Run | undefined)[] = new Array(d1 - d0 + 1);
    const flush = (k: number) => {
      const run = open[k];
      if (!run) return;
      open[k] = undefined;
      runs.push(run);
      // A block of hidden frames only is drawn, as an outline, but cannot be clicked.
      if (run.hidden === run.spans) return;
      hits.depth.push(run.depth); hits.x0.push(run.px0); hits.x1.push(Math.max(run.px1, run.px0 + 1)); hits.kind.push(1); hits.ref.push(runs.length - 1);
    };
    const n = tree.count;
    let i = 0;
    while (i < n) {
      const size = subtreeSize[i];
      const d = depth[i];
      const px0 = (x[i] - z0) * scale;
      const pw = width[i] * scale;
      if (px0 >= w || px0 + pw <= 0 || d > d1) { i += size; continue; }
      if (pw < MIN_FRAME_PX) {
        if (d >= d0) {
          const k = d - d0;
          let run = open[k];
          if (run && px0 > run.px1 + 1) { flush(k); run = undefined; }
          if (!run) {
            run = { depth: d, px0: Math.max(0, px0), px1: px0 + pw, u0: x[i], u1: x[i] + width[i], spans: 0, matches: 0, hidden: 0, selected: false, error: false };
            open[k] = run;
          }
          run.px1 = Math.max(run.px1, px0 + pw);
          run.u1 = Math.max(run.u1, x[i] + width[i]);
          run.spans += size;
          if (matches) run.matches += matches[i + size] - matches[i];
          if (hiddenPrefix) run.hidden += hiddenPrefix[i + size] - hiddenPrefix[i];
          if (errors[i + size] > errors[i]) run.error = true;
          if (this.selected >= i && this.selected < i + size) run.selected = true;
        }
        i += size;
        continue;
      }
      if (d >= d0) {
        const k = d - d0;
        // A wide frame ends the merged run to its left at the same depth.
        if (open[k] && open[k]!.px1 <= px0 + 1) flush(k);
        const left = Math.max(0, px0);
        const right = Math.min(w, px0 + pw);
        const y = d * FLAME_ROW_HEIGHT - top;
        if (hidden && hidden[i] !== 0) {
          ctx.strokeStyle = colors.muted;
          ctx.globalAlpha = 0.5;
          ctx.lineWidth = 1;
          ctx.strokeRect(left + 0.5, y + 0.5, Math.max(0, right - left - 2), FLAME_ROW_HEIGHT - 2);
          ctx.globalAlpha = 1;
          i++;
          continue;
        }
        const dim = matches !== undefined && matches[i + 1] === matches[i];
        const c = data.color(i) % PALETTE.length;
        ctx.globalAlpha = dim ? 0.3 : 1;
        ctx.fillStyle = colors.fills[c];
        ctx.fillRect(left, y, right - left - 1, FLAME_ROW_HEIGHT - 1);
        if (data.isError(i)) {
          ctx.fillStyle = colors.error;
          ctx.fillRect(left, y + FLAME_ROW_HEIGHT - 4, right - left - 1, 3);
        }
        if (right - left >= MIN_LABEL_PX) {
          ctx.fillStyle = colors.texts[c];
          ctx.fillText(fit(data.label(i), (right - left - 8) / this.charWidth), left + 4, y + FLAME_ROW_HEIGHT / 2, right - left - 6);
        }
        ctx.globalAlpha = 1;
        if (i === this.selected || (!dim && matches)) {
          ctx.strokeStyle = i === this.selected ? colors.focus : colors.match;
          ctx.lineWidth = 2;
          ctx.strokeRect(left + 1, y + 1, right - left - 3, FLAME_ROW_HEIGHT - 3);
        }
        hits.depth.push(d); hits.x0.push(left); hits.x1.push(right); hits.kind.push(0); hits.ref.push(i);
      }
      i++;
    }
    for (let k = 0; k < open.length; k++) flush(k);
    for (const run of runs) paintMergedRun(ctx, run, top, colors, matches !== undefined, this.charWidth);
    this.hitDepth = hits.depth; this.hitX0 = hits.x0; this.hitX1 = hits.x1; this.hitKind = hits.kind; this.hitRef = hits.ref;
    this.runs = runs;
  }

  /** The frame (kind 0) or merged run (kind 1) under a point of the scroller, if any. */
  private hitAt(e: MouseEvent): { kind: number; ref: number } | undefined {
    const r = this.scroller.getBoundingClientRect();
    const px = e.clientX - r.left;
    const d = Math.floor((e.clientY - r.top + this.scroller.scrollTop) / FLAME_ROW_HEIGHT);
    // Runs were appended after frames: look from the end so a run drawn over a frame's edge wins.
    for (let k = this.hitDepth.length - 1; k >= 0; k--) {
      if (this.hitDepth[k] === d && px >= this.hitX0[k] && px < this.hitX1[k]) return { kind: this.hitKind[k], ref: this.hitRef[k] };
    }
    return undefined;
  }

  private onClick(e: MouseEvent): void {
    const hit = this.hitAt(e);
    if (!hit) return;
    if (hit.kind === 1) {
      const run = this.runs[hit.ref];
      const view = this.z1 - this.z0;
      if (run.u1 - run.u0 < view / 4) { this.zoom(run.u0, run.u1); return; }
      // A wide block of tiny frames: zoom 8× around the click, inside the block.
      const r = this.scroller.getBoundingClientRect();
      const at = this.z0 + ((e.clientX - r.left) / Math.max(1, r.width)) * view;
      const half = view / 16;
      const from = Math.max(run.u0, Math.min(at - half, run.u1 - 2 * half));
      this.zoom(from, from + 2 * half);
      return;
    }
    this.setSelected(hit.ref, false);
    this.host.select(hit.ref);
  }

  private onDoubleClick(e: MouseEvent): void {
    const hit = this.hitAt(e);
    if (!hit || hit.kind !== 0 || !this.data) return;
    const { x, width } = this.data.layout;
    this.zoom(x[hit.ref], x[hit.ref] + width[hit.ref]);
  }

  private onHover(e: PointerEvent): void {
    const hit = this.hitAt(e);
    if (!hit || !this.data) { this.tooltip.hidden = true; return; }
    let lines: string[];
    if (hit.kind === 0) {
      lines = this.data.describe(hit.ref);
    } else {
      const run = this.runs[hit.ref];
      lines = [`${run.spans.toLocaleString('en-US')} spans too narrow to draw one by one`, 'Click to zoom in'];
      if (this.matchPrefix) lines.push(`${run.matches.toLocaleString('en-US')} matching the search`);
    }
    this.tooltip.replaceChildren(...lines.map((t, k) => el('div', k === 0 ? 'fl-tooltip-title' : undefined, t)));
    this.tooltip.hidden = false;
    const box = this.element.getBoundingClientRect();
    const left = Math.min(e.clientX - box.left + 12, Math.max(0, box.width - this.tooltip.offsetWidth - 4));
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${e.clientY - box.top + 16}px`;
  }

  private onKey(e: KeyboardEvent): void {
    const data = this.data;
    if (!data) return;
    const { parent, subtreeSize } = data.tree;
    const n = data.tree.count;
    const i = this.selected;
    const move = (to: number) => { if (to >= 0 && to < n) { this.setSelected(to, true); this.host.select(to); } };
    // Keys step over hidden frames as the waterfall's rows skip hidden services.
    switch (e.key) {
      case 'ArrowUp': {
        let p = i > 0 ? parent[i] : -1;
        while (p >= 0 && this.isHidden(p)) p = parent[p];
        move(p);
        break;
      }
      case 'ArrowDown': {
        const end = i < 0 ? n : i + subtreeSize[i];
        let d = i + 1;
        while (d < end && this.isHidden(d)) d++;
        if (d < end) move(d);
        break;
      }
      case 'ArrowRight': {
        if (i < 0) { move(0); break; }
        let next = i + subtreeSize[i];
        while (next < n && parent[next] === parent[i] && this.isHidden(next)) next += subtreeSize[next];
        if (next < n && parent[next] === parent[i]) move(next);
        break;
      }
      case 'ArrowLeft': {
        if (i < 0) break;
        // The previous shown sibling: walk the siblings from the first one.
        let s = parent[i] >= 0 ? parent[i] + 1 : 0;
        let prev = -1;
        while (s < i) { if (!this.isHidden(s)) prev = s; s += subtreeSize[s]; }
        if (prev >= 0) move(prev);
        break;
      }
      case 'Enter': if (i >= 0) this.host.open(i); break;
      case 'z': if (i >= 0) this.zoom(data.layout.x[i], data.layout.x[i] + data.layout.width[i]); break;
      case '0': this.zoom(0, 1); break;
      default: return;
    }
    e.preventDefault();
  }

  /** Shows [u0, u1] of the full width across the canvas. */
  zoom(u0: number, u1: number): void {
    const a = Math.max(0, Math.min(1, u0));
    const b = Math.max(a + 1e-12, Math.min(1, u1));
    this.z0 = a;
    this.z1 = b;
    this.resetButton.hidden = a <= 0 && b >= 1;
    // Drawn now, not on the next frame: what the pointer hits next must be what is on screen.
    this.draw();
  }

  /** Zooms out to the frame's parent (or the frame) when it is off screen or too narrow to click, and scrolls to its depth. */
  private reveal(i: number): void {
    const { x, width } = this.data!.layout;
    const w = this.scroller.clientWidth || 1;
    const scale = w / (this.z1 - this.z0);
    const visible = x[i] >= this.z0 && x[i] + width[i] <= this.z1 && width[i] * scale >= MIN_FRAME_PX * 2;
    if (!visible) {
      const p = this.data!.tree.parent[i];
      const useParent = p >= 0 && width[i] / Math.max(width[p], 1e-300) * w >= MIN_FRAME_PX * 2;
      const from = useParent ? x[p] : x[i];
      const to = useParent ? x[p] + width[p] : x[i] + width[i];
      if (to > from) this.zoom(from, to);
    }
    const y = this.data!.tree.depth[i] * FLAME_ROW_HEIGHT;
    const h = this.scroller.clientHeight;
    if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
    else if (y + FLAME_ROW_HEIGHT > this.scroller.scrollTop + h) this.scroller.scrollTop = y + FLAME_ROW_HEIGHT - h;
  }
}

/** prefix[i] = how many of the rows before i satisfy `has`; a range count is two reads. */
function prefixOf(n: number, has: (i: number) => boolean): Int32Array {
  const p = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) p[i + 1] = p[i] + (has(i) ? 1 : 0);
  return p;
}
