/**
 * When the latency statistics are computed again, and how much a remote refresh may fetch: the
 * policy, apart from the editor events that trigger it (src/stats/statsController.ts), so it is
 * decided and tested in one place. Time comes from an injected clock (`now`).
 */

/** Spans arriving in bursts recompute the local statistics at most this often… */
export const LOCAL_THROTTLE_MS = 1_000;
/** …and a pass that took long waits at most this long before the next. */
export const LOCAL_THROTTLE_MAX_MS = 15_000;
/** A local pass may take this share of the host's time: the next waits ten times what it took. */
const LOCAL_COST_FACTOR = 10;
/** Remote statistics are refetched this often when all is well. */
export const REMOTE_REFRESH_MS = 5 * 60_000;
/** After a failed remote refresh: 30 s, doubling per failure in a row, 15 min at most. */
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 15 * 60_000;

/** What one remote refresh may fetch. */
export const SAMPLING_BUDGET = {
  /** Services searched when `traceLens.serviceNames` is empty. */
  maxServices: 4,
  /** Traces fetched in all… */
  maxTraces: 60,
  /** …or only this many when the server computes the figures (Tempo, Jaeger's SPM): traces then serve exemplars and line numbers. */
  maxTracesWithServerStats: 20,
  /** Traces fetched at once. */
  fetchConcurrency: 4,
  /** Traces a spread sample (Jaeger without SPM, Zipkin) holds at most: enough for a p95 within ±5 % of a skewed operation. */
  maxSpreadSampleTraces: 2_000,
  /** Server operations the sample did not place on code: one example trace each, this many at most. */
  maxOperationExamples: 10,
  /** Example traces searched and fetched at once. */
  exampleConcurrency: 2,
} as const;

/** How often the local window slides: a twelfth of the lookback, between 5 s and a minute. */
export function slideStepMs(lookbackMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.floor(lookbackMs / 12)));
}

/** Traces to fetch in all: fewer when the server's figures cover every call. */
export function sampledTraceBudget(hasServerFigures: boolean): number {
  return hasServerFigures ? SAMPLING_BUDGET.maxTracesWithServerStats : SAMPLING_BUDGET.maxTraces;
}

/** Traces to search per service so `maxTraces` spread over `services` (one at least). */
export function tracesPerService(maxTraces: number, services: number): number {
  return Math.max(1, Math.floor(maxTraces / Math.max(1, services)));
}

/** Services to sample when none are configured: those that mapped to workspace files before, then the rest, a few at most. */
export function pickSampledServices(all: readonly string[], mapped: ReadonlySet<string>): string[] {
  const known = all.filter((s) => mapped.has(s));
  const rest = all.filter((s) => !mapped.has(s));
  return [...known, ...rest].slice(0, SAMPLING_BUDGET.maxServices);
}

/**
 * Throttles the local statistics pass (over the receiver's store): the next pass starts at the
 * earliest `throttleMs` after the last one started, and the throttle grows with what a pass costs,
 * so a big store never takes more than about a tenth of the host's time.
 */
export class LocalRefreshThrottle {
  private lastRunMs = 0;
  private throttle = LOCAL_THROTTLE_MS;

  constructor(private readonly now: () => number = Date.now) {}

  get throttleMs(): number {
    return this.throttle;
  }

  /** How long until the next pass may start (0: now). */
  delayMs(): number {
    return Math.max(0, this.lastRunMs + this.throttle - this.now());
  }

  /** A pass starts now; returns its start time. */
  started(): number {
    this.lastRunMs = this.now();
    return this.lastRunMs;
  }

  /** The statistics pass that started last has finished; returns what it took. Wall time: on a starved machine it must not stall the lenses for minutes either. */
  statsDone(): number {
    const took = this.now() - this.lastRunMs;
    this.throttle = clampThrottle(took * LOCAL_COST_FACTOR);
    return took;
  }

  /** The detectors after a statistics pass of `statsMs` took `insightsMs` more: the throttle grows if that cost more, never shrinks. */
  insightsDone(statsMs: number, insightsMs: number): void {
    this.throttle = Math.min(LOCAL_THROTTLE_MAX_MS, Math.max(this.throttle, (statsMs + insightsMs) * LOCAL_COST_FACTOR));
  }
}

function clampThrottle(ms: number): number {
  return Math.min(LOCAL_THROTTLE_MAX_MS, Math.max(LOCAL_THROTTLE_MS, ms));
}

/** When the next remote refresh is due: every REMOTE_REFRESH_MS, with exponential backoff after failures. */
export class RemoteRefreshSchedule {
  private nextMs = 0;
  private failures = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A background refresh should start now. */
  isDue(): boolean {
    return this.now() >= this.nextMs;
  }

  succeeded(): void {
    this.failures = 0;
    this.nextMs = this.now() + REMOTE_REFRESH_MS;
  }

  /** Returns the wait before the next attempt. */
  failed(): number {
    this.failures++;
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.failures - 1));
    this.nextMs = this.now() + wait;
    return wait;
  }

  /** Another backend: due at once, no failures counted. */
  reset(): void {
    this.failures = 0;
    this.nextMs = 0;
  }
}
