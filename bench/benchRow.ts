/** One row of `npm run bench`: what docs/performance.md's budget table measures. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The budget as text, e.g. "≤ 300 ms" or "≥ 50000 spans/s". */
  budget: string;
  /** Whether the value is within the budget. */
  ok: boolean;
  /** Extra context printed under the table, e.g. peak RSS. */
  note?: string;
}

/** A bench module exports `run()` returning its rows; bench/run.ts collects them. */
export type BenchModule = { run(): Promise<BenchRow[]> };
