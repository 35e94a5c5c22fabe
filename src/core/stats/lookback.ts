import { InvalidLookbackError } from './statsErrors';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const MIN_LOOKBACK_MS = 60_000;
export const MAX_LOOKBACK_MS = 30 * 86_400_000;

/**
 * Parses `traceLens.lookback`: one or more `<number><unit>` parts (`15m`, `1h`,
 * `24h`, `1h30m`, `1.5h`, `7d`), units ms/s/m/h/d/w. Between one minute and 30
 * days, because a shorter window holds too few samples and a longer one is more
 * than any backend keeps by default.
 */
export function parseLookback(value: string): number {
  const s = value.trim().toLowerCase();
  if (s === '') throw new InvalidLookbackError(value, 'it is empty');
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) throw new InvalidLookbackError(value, 'expected a number followed by ms, s, m, h, d or w');
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = part.lastIndex;
    while (s[pos] === ' ') pos++;
  }
  if (!Number.isFinite(total) || total < MIN_LOOKBACK_MS) throw new InvalidLookbackError(value, 'it is shorter than one minute');
  if (total > MAX_LOOKBACK_MS) throw new InvalidLookbackError(value, 'it is longer than 30 days');
  return Math.round(total);
}

/** `3600000` → `1h`, `5400000` → `1h30m`: for labels such as "vs previous 1h". */
export function formatLookback(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, sec] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= sec) {
      parts.push(`${Math.floor(rest / sec)}${unit}`);
      rest %= sec;
    }
  }
  return parts.length > 0 ? parts.join('') : `${ms}ms`;
}
