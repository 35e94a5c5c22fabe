// What the bench and the workbench test measure inside the waterfall webview, written once. Each
// function runs in the page (pass it to page.evaluate / frame.evaluate): it may use only the page's
// globals, and the page must define `__name` (tsx compiles with keepNames) and, for the paint
// measures, `__afterNextPaint`: the harness's PAGE_PRELUDE defines both.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare const requestAnimationFrame: (cb: (ts: number) => void) => number;
declare const KeyboardEvent: any;
declare const MutationObserver: any;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A key press on the rows, to the frame painted after it was handled (ms). */
export function keyToPaintInPage(): Promise<number> {
  return new Promise<number>((resolve) => {
    const scroller = document.querySelector('.wf-scroller');
    scroller.focus();
    const t0 = performance.now();
    scroller.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    window.__afterNextPaint(() => resolve(performance.now() - t0));
  });
}

/**
 * A query typed into the search field and Enter pressed, to the frame painted after the results
 * were shown (ms), with the match label they left.
 */
export function searchToPaintInPage(query: string): Promise<{ ms: number; label: string }> {
  return new Promise((resolve) => {
    const field = document.querySelector('.wf-search');
    const label = document.querySelector('.wf-match-label');
    // The field cleared first, as a user does: Enter steps through the previous results otherwise.
    field.value = '';
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    label.textContent = '';
    field.value = query;
    // The results are shown when the label reads a count; then the frame that shows them is painted.
    const shown = new MutationObserver(() => {
      const text = String(label.textContent);
      if (!/^(\d+ \/ \d+|No results)$/.test(text)) return;
      shown.disconnect();
      window.__afterNextPaint(() => resolve({ ms: performance.now() - t0, label: text }));
    });
    shown.observe(label, { childList: true, characterData: true, subtree: true });
    const t0 = performance.now();
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  });
}

/** The q-quantile of ascending values (nearest rank below), 0 for none: frame p95s. Runs in Node. */
export function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface ScrollFrames {
  /** Main-thread work per scroll event (script + style + layout), ms. */
  work: number[];
  /** Between animation frames, ms. */
  intervals: number[];
  domRows: number;
  reachedEnd: boolean;
}

/**
 * `frames` animation frames of programmatic scrolling: wheel-like steps, flings and scrollbar
 * jumps (a fixed pattern, so runs compare), the last one to the end.
 */
export function scrollFramesInPage(frames: number): Promise<ScrollFrames> {
  return new Promise<ScrollFrames>((resolve) => {
    const scroller = document.querySelector('.wf-scroller');
    const work: number[] = [];
    const intervals: number[] = [];
    let start = 0;
    // Capture runs before the element's handler, the bubbling listener after it; the forced
    // layout makes style and layout part of the measured frame work.
    window.addEventListener('scroll', () => { start = performance.now(); }, { capture: true });
    scroller.addEventListener('scroll', () => {
      void scroller.lastElementChild.getBoundingClientRect();
      work.push(performance.now() - start);
    });
    const max = scroller.scrollHeight - scroller.clientHeight;
    let frame = 0;
    let last = 0;
    let domRows = 0;
    let reachedEnd = false;
    const step = (ts: number) => {
      if (last) intervals.push(ts - last);
      last = ts;
      frame++;
      const kind = frame % 100;
      if (kind < 60) scroller.scrollTop += 120; // wheel-like steps
      else if (kind < 90) scroller.scrollTop += 2_000; // flings
      else scroller.scrollTop = (((frame * 7919) % 1000) / 1000) * max; // scrollbar jumps
      if (frame === frames - 1) scroller.scrollTop = max;
      if (scroller.scrollTop >= max - 1) reachedEnd = true;
      domRows = Math.max(domRows, document.querySelectorAll('.wf-row').length);
      // The frame after the last scroll has run its scroll events: resolve then, not after a delay.
      if (frame < frames) requestAnimationFrame(step);
      else requestAnimationFrame(() => resolve({ work, intervals, domRows, reachedEnd }));
    };
    requestAnimationFrame(step);
  });
}
