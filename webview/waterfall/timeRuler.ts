/**
 * The time ruler above the rows: ticks for the visible window, labels placed by their real widths,
 * and drag-to-zoom (a double-click shows the whole trace again).
 */
import { el } from './dom';
import { formatDuration, placeTickLabels, rulerTicks, tickCountFor } from './timeFormat';
import type { WaterfallState } from './waterfallState';

/** How far a ruler label may run past the track's right end: the track's right margin (60 px in waterfall.css) less a little. */
const RULER_RIGHT_ROOM_PX = 56;

export class TimeRuler {
  /** Width of the track when its ticks were placed: a resize to another width places them again. */
  private width = 0;
  private dragFrom: number | undefined;
  private selectionBox!: HTMLElement;

  /** `setWindow`: zoom to [from, to], ns from the trace start. */
  constructor(readonly element: HTMLDivElement, private readonly state: WaterfallState, private readonly setWindow: (from: number, to: number) => void) {}

  /** The track changed width since the ticks were placed (a resize): they need placing again. */
  get resized(): boolean {
    const track = this.element.querySelector<HTMLElement>('.wf-ruler-track');
    return track !== null && track.clientWidth !== this.width;
  }

  render(): void {
    const from = this.state.viewFrom, to = this.state.viewTo;
    this.element.replaceChildren();
    const label = el('div', 'wf-ruler-label', 'Service · span');
    const track = el('div', 'wf-ruler-track');
    track.title = 'Drag to zoom into a time range; double-click to see the whole trace';
    this.selectionBox = el('div', 'wf-zoom-selection');
    this.selectionBox.hidden = true;
    track.append(this.selectionBox);
    track.addEventListener('pointerdown', (e) => this.startZoomDrag(e, track));
    track.addEventListener('dblclick', () => this.setWindow(0, this.state.summary?.durationNs ?? 1));
    this.element.append(label, track);
    // Ticks are chosen for the track's real width and their labels placed by their real widths
    // (two layouts per ruler, drawn on a new trace, a zoom or a resize only).
    const width = track.clientWidth;
    this.width = width;
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
    return this.state.viewFrom + x * (this.state.viewTo - this.state.viewFrom);
  }

  private startZoomDrag(e: PointerEvent, track: HTMLElement): void {
    if (e.button !== 0 || !this.state.columns) return;
    track.setPointerCapture(e.pointerId);
    this.dragFrom = this.timeAt(track, e.clientX);
    const move = (ev: PointerEvent) => {
      if (this.dragFrom === undefined) return;
      const t = this.timeAt(track, ev.clientX);
      const a = Math.min(t, this.dragFrom), b = Math.max(t, this.dragFrom);
      const span = this.state.viewTo - this.state.viewFrom;
      this.selectionBox.hidden = false;
      this.selectionBox.style.left = `${((a - this.state.viewFrom) / span) * 100}%`;
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
      if (Math.abs(t - from) / (this.state.viewTo - this.state.viewFrom) * r.width < 4) return;
      this.setWindow(Math.min(t, from), Math.max(t, from));
    };
    track.addEventListener('pointermove', move);
    track.addEventListener('pointerup', up);
  }
}
