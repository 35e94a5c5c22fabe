// Durations and ruler ticks. Times are ns as numbers (offsets from the trace start).

const UNITS: [number, string][] = [[3_600e9, 'h'], [60e9, 'min'], [1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

/** Three significant digits in the largest unit that keeps the value ≥ 1: "12.3 ms", "950 µs". */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns) || ns <= 0) return '0 ms';
  for (const [size, unit] of UNITS) {
    if (ns >= size || unit === 'ns') {
      const v = ns / size;
      const text = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
      // Trailing zeros of a fraction only: "1.50" → "1.5", but "950" stays.
      return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text} ${unit}`;
    }
  }
  return `${ns} ns`;
}

/** Evenly spaced "nice" tick positions (1, 2, 5 × 10^k ns) inside [fromNs, toNs]. */
export function rulerTicks(fromNs: number, toNs: number, maxTicks = 8): number[] {
  const span = toNs - fromNs;
  if (!(span > 0)) return [fromNs];
  const raw = span / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  // toPrecision drops float noise (7 × 2e8 = 1400000000.0000002); "+ 0" turns -0 into 0.
  for (let k = Math.ceil(fromNs / step - 1e-9); k * step <= toNs + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)) + 0);
  return ticks;
}

/** Room per tick label ("999.5 ms" plus a gap) when choosing how many ticks a ruler of some width gets. */
const TICK_SPACING_PX = 80;

/** How many ticks a ruler this wide has room for: between 2 and 8. */
export function tickCountFor(widthPx: number): number {
  return Math.max(2, Math.min(8, Math.floor(widthPx / TICK_SPACING_PX)));
}

/** A tick's label as laid out: x of the tick and the label's width, px from the track's left edge. */
export interface TickLabel { x: number; width: number }
/** Right of the tick, left of it (it would run past the end), or not at all (it would overlap). */
export type TickPlacement = 'start' | 'end' | 'hidden';

/**
 * Places ruler labels so that none overlaps another. A label sits right of its tick unless it would
 * run more than `rightRoom` px past the track's end; then left of it. The last tick (the latest time,
 * the one a reader looks for) is always labelled; the others are taken left to right, each only if it
 * clears the label before it and the last one by `gap` px.
 */
export function placeTickLabels(ticks: readonly TickLabel[], trackWidth: number, rightRoom: number, gap = 6): TickPlacement[] {
  const side = ticks.map((t): TickPlacement => (t.x + t.width <= trackWidth + rightRoom ? 'start' : 'end'));
  const left = ticks.map((t, i) => (side[i] === 'start' ? t.x : t.x - t.width));
  const out: TickPlacement[] = ticks.map(() => 'hidden');
  const last = ticks.length - 1;
  if (last < 0) return out;
  out[last] = side[last];
  let prevRight = -Infinity;
  for (let i = 0; i < last; i++) {
    const right = left[i] + ticks[i].width;
    if (left[i] >= prevRight + gap && right + gap <= left[last]) {
      out[i] = side[i];
      prevRight = right;
    }
  }
  return out;
}

/** ns since the epoch (decimal string) → ISO date-time in UTC with milliseconds. */
export function formatStart(unixNs: string): string {
  try {
    const ms = Number(BigInt(unixNs) / 1_000_000n);
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? unixNs : d.toISOString().replace('T', ' ').replace('Z', ' UTC');
  } catch {
    return unixNs;
  }
}
