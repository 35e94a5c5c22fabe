/*
 * Counts in sentences the user reads: singular for exactly one ("1 call path"), plural otherwise,
 * zero included ("0 traces").
 */

/** The noun for `n` of them: `one` for exactly one, else `many`. */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `n` (grouped: 12,345) with its noun: "1 trace", "2 traces", "1,234 spans". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${noun(n, one, many)}`;
}
