/** A window of time a query or a statistics pass covers. */
export interface TimeRange {
  /** Unix milliseconds, inclusive. */
  startMs: number;
  /** Unix milliseconds, inclusive. */
  endMs: number;
}
