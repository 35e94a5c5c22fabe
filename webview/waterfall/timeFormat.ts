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
