/** Number formatting for CodeLens titles and hovers: short, unit-aware, stable width where possible. */

/** `850 ns`, `12.3 µs`, `48 ms`, `1.25 s`, `2.5 min`: three significant digits at most. */
export function formatDuration(ns: number | undefined): string {
  if (ns === undefined || !Number.isFinite(ns) || ns < 0) return '–';
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 999_500) return `${sig(ns / 1e3)} µs`;
  if (ns < 999_500_000) return `${sig(ns / 1e6)} ms`;
  if (ns < 119_500_000_000) return `${sig(ns / 1e9)} s`;
  if (ns < 7_170_000_000_000) return `${sig(ns / 6e10)} min`;
  return `${sig(ns / 3.6e12)} h`;
}

/** Three significant digits without trailing zeros: 1.25, 12.3, 120. */
function sig(v: number): string {
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return trim(v.toFixed(1));
  return trim(v.toFixed(2));
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `950`, `1.2k`, `12k`, `1.2M`. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1000) return String(Math.round(n));
  if (n < 9950) return `${trim((n / 1e3).toFixed(1))}k`;
  if (n < 999_500) return `${Math.round(n / 1e3)}k`;
  if (n < 9_950_000) return `${trim((n / 1e6).toFixed(1))}M`;
  if (n < 999_500_000) return `${Math.round(n / 1e6)}M`;
  return `${trim((n / 1e9).toFixed(1))}B`;
}

/** `950`, `1,204`, `999,999`, then `1.2M`: exact below a million, for call counts that are exact. */
export function formatExactCount(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  const r = Math.round(n);
  if (r >= 1_000_000) return formatCount(r);
  return String(r).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A 0..1 rate as `0%`, `<0.1%`, `0.4%`, `12%`, `100%`. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return '0%';
  if (rate >= 1) return '100%';
  const pct = rate * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct < 9.95) return `${trim(pct.toFixed(1))}%`;
  return `${Math.min(99, Math.round(pct))}%`;
}

/** Relative change as `+35%` / `−12%`; undefined when there is nothing to compare. */
export function formatChange(current: number | undefined, previous: number | undefined): string | undefined {
  if (current === undefined || previous === undefined || !(previous > 0) || !Number.isFinite(current)) return undefined;
  const pct = Math.round(((current - previous) / previous) * 100);
  if (pct === 0) return '±0%';
  return pct > 0 ? `+${pct}%` : `−${-pct}%`;
}
