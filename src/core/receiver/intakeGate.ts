/**
 * Keeps a burst of spans from taking the editor away from its user. The receiver runs on the
 * extension host's thread, beside everything that reads the spans (statistics, live lint,
 * insights, the saved snapshot); a service exporting tens of thousands of spans a second can
 * keep that thread busy for seconds, and CodeLens and hovers then wait. While the thread's event
 * loop is held up, new exports are answered with OTLP's throttling answer (HTTP 503 with
 * Retry-After, gRPC UNAVAILABLE), which every OTLP exporter retries later, as an OpenTelemetry
 * Collector's memory limiter does under pressure. Exports already being decoded finish.
 */

/** Whether the receiver should take a new export now. */
export interface IntakeGate {
  readonly busy: boolean;
  /** Counts the times the gate closed: a receiver reports a closing once, not every refusal. */
  readonly episode: number;
  /** An export arrived: the gate watches the thread while exports keep arriving, and sleeps otherwise. */
  noteExport(): void;
}

export interface EventLoopLagGateOptions {
  /** A timer tick this much later than due means the loop was held up. Default 50 ms (the host's budget for a block). */
  thresholdMs?: number;
  /** How long the gate stays closed after the last late tick, so the readers of what arrived can catch up. Default 500 ms. */
  holdMs?: number;
  /** How often the loop is probed. Default 20 ms. */
  periodMs?: number;
  /**
   * The gate closes on the second late probe within this long: one pause alone (a major garbage
   * collection of a heap holding 100k+ spans takes 100-200 ms here) is not a backlog, and deferring
   * exports for it would cost the exporters a second each. Default 1000 ms.
   */
  repeatWithinMs?: number;
  now?: () => number;
}

/** After this long without an export the probe stops, so an idle editor is not woken 50 times a second. */
const IDLE_AFTER_MS = 5_000;

/**
 * Closed while the event loop of this thread runs late again and again, probed by a timer (that
 * does not keep the process alive) from the first export on, until exports stop arriving.
 */
export class EventLoopLagGate implements IntakeGate {
  private readonly thresholdMs: number;
  private readonly holdMs: number;
  private readonly periodMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = 0;
  private lastExport = 0;
  private busyUntil = 0;
  private episodes = 0;
  private readonly repeatWithinMs: number;
  private lastLate = -Infinity;

  constructor(options: EventLoopLagGateOptions = {}) {
    this.thresholdMs = options.thresholdMs ?? 50;
    this.holdMs = options.holdMs ?? 500;
    this.periodMs = options.periodMs ?? 20;
    this.repeatWithinMs = options.repeatWithinMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
  }

  noteExport(): void {
    this.lastExport = this.now();
    if (this.timer) return;
    this.last = this.lastExport;
    this.timer = setInterval(() => this.tick(), this.periodMs);
    this.timer.unref();
  }

  get busy(): boolean {
    return this.now() < this.busyUntil;
  }

  get episode(): number {
    return this.episodes;
  }

  /** Whether the probe runs (exports arrived in the last few seconds). */
  get watching(): boolean {
    return this.timer !== undefined;
  }

  /** One probe: exposed for tests, which drive the clock. */
  tick(): void {
    const now = this.now();
    const late = now - this.last - this.periodMs;
    this.last = now;
    if (late <= this.thresholdMs) {
      if (now - this.lastExport > IDLE_AFTER_MS && now >= this.busyUntil) this.stop();
      return;
    }
    const previousLate = this.lastLate;
    this.lastLate = now;
    if (now >= this.busyUntil) {
      if (now - previousLate > this.repeatWithinMs) return;
      this.episodes++;
    }
    this.busyUntil = now + this.holdMs;
  }

  dispose(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
