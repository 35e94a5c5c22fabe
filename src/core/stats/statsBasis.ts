import type { LatencyStats } from './latencyStats';
import { formatLookback } from './lookback';
import { formatCount, formatExactCount } from './statsFormat';
import { noun } from '../text/plural';

/**
 * How a location's quantiles were computed; one definition per source, stated
 * in the hover and the README.
 * - `ddsketch`: spans we aggregate ourselves (receiver, sampled traces), relative error ≤ 1 %.
 * - `prometheus-histogram`: Jaeger SPM, `histogram_quantile` over the spanmetrics
 *   connector's buckets, so within one bucket.
 * - `tempo-buckets`: Tempo's TraceQL metrics, interpolated between power-of-two buckets.
 */
export type QuantileMethod = 'ddsketch' | 'prometheus-histogram' | 'tempo-buckets';

/** What a location's figures are computed from. */
export interface StatsBasis {
  /**
   * `exact`: every call in the window was counted (the receiver, a server aggregate);
   * `sample`: only the calls found in sampled traces, so counts describe the sample.
   */
  kind: 'exact' | 'sample';
  method: QuantileMethod;
  /** Sample: traces fetched (the whole sample, not only those holding this location). */
  sampleTraces?: number;
  /** Sample: traces the search reported in the window, a lower bound; only when more than `sampleTraces`. */
  ofAtLeast?: number;
  /** Sample: every trace the searches found in the window was taken, so no percentile is a guess from part of it. */
  complete?: boolean;
  /** Prometheus histogram: the widest bucket's upper/lower bound ratio minus 1 (0.1 = 10 %). */
  bucketRelativeWidth?: number;
  /** Server figures without a call count (the server sent quantiles only). */
  countUnknown?: boolean;
  /** Every call, but counted from a rate (Jaeger SPM: Prometheus extrapolates to the window's edges): `~1,204 calls`. */
  countApproximate?: boolean;
}

export const EXACT_DDSKETCH: StatsBasis = Object.freeze({ kind: 'exact', method: 'ddsketch' }) as StatsBasis;

export type QuantileName = 'p50' | 'p95' | 'p99';

/**
 * Values a percentile needs before it is shown as a number: p99 of fewer than
 * 100 values is the maximum or an interpolation past it, p95 of fewer than 20 likewise.
 */
export const MIN_SAMPLES: Readonly<Record<QuantileName, number>> = Object.freeze({ p50: 1, p95: 20, p99: 100 });

/**
 * A sampled percentile whose 95 % interval is wider than ± this is not shown as a number: e.g. the
 * p99 of a sample that stopped once its p95 was known within ±5 % may be off several times over.
 */
export const MAX_SAMPLE_SPREAD = 0.1;

/**
 * The interval of a tail percentile (p95, p99) of an incomplete sample, when too wide to show it as a
 * number. The p50 keeps the count rule alone: a median of a few values is rough, but not the tail
 * guess this guards against.
 */
function tooUncertain(q: QuantileName, basis: StatsBasis, spread: LatencyStats['spread']): number | undefined {
  if (q === 'p50' || basis.kind !== 'sample' || basis.complete || !spread) return undefined;
  return spread[q] > MAX_SAMPLE_SPREAD ? spread[q] : undefined;
}

/**
 * True when the values can support the percentile (always, when the server did not say how many
 * calls it saw): enough of them, and for an incomplete sample an interval within ±10 %.
 */
export function quantileSupported(q: QuantileName, count: number, basis: StatsBasis, spread?: LatencyStats['spread']): boolean {
  if (basis.countUnknown === true) return true;
  return count >= MIN_SAMPLES[q] && tooUncertain(q, basis, spread) === undefined;
}

/** What replaces an unsupported percentile: `needs ≥ 100 samples`, or `uncertain (±61 % in this sample)`. */
export function missingQuantileText(q: QuantileName, count = 0, basis?: StatsBasis, spread?: LatencyStats['spread']): string {
  const wide = count >= MIN_SAMPLES[q] && basis ? tooUncertain(q, basis, spread) : undefined;
  if (wide === undefined) return `needs ≥ ${MIN_SAMPLES[q]} samples`;
  return Number.isFinite(wide) ? `uncertain (±${Math.round(wide * 100)} % in this sample)` : 'uncertain (needs a larger sample)';
}

/** The quantile definition of a source, one sentence for the hover. */
export function quantileMethodText(basis: StatsBasis): string {
  switch (basis.method) {
    case 'ddsketch':
      return basis.kind === 'sample' ? 'DDSketch over the sampled spans, relative error ≤ 1 % of the sample' : 'DDSketch over every span received, relative error ≤ 1 %';
    case 'prometheus-histogram': {
      const w = basis.bucketRelativeWidth;
      const tol = w !== undefined && Number.isFinite(w) && w > 0 ? ` (buckets ≤ ${Math.round(w * 100)} % wide)` : '';
      return `Prometheus histogram (Jaeger SPM), within one bucket${tol}`;
    }
    case 'tempo-buckets':
      return 'Tempo TraceQL metrics, power-of-two buckets (approximate)';
  }
}

/** The basis of figures aggregated from `traces` sampled traces, of `found` the searches returned (a lower bound); `complete` when they are every trace of the window. */
export function sampleBasis(traces: number, found?: number, complete = false): StatsBasis {
  const b: StatsBasis = { kind: 'sample', method: 'ddsketch', sampleTraces: traces };
  if (found !== undefined && Number.isFinite(found) && found > traces) b.ofAtLeast = Math.round(found);
  else if (complete) b.complete = true;
  return b;
}

/** Short form for the lens's `~`: true where the method interpolates between buckets. */
export function isBucketed(basis: StatsBasis): boolean {
  return basis.method !== 'ddsketch';
}

/** `1,204 calls` (exact), `12 calls in a sample of 60 traces (of ≥ 200)` (sampled), `calls unknown`. */
export function callsText(count: number, basis: StatsBasis): string {
  if (basis.kind === 'sample') {
    const traces = basis.sampleTraces;
    if (traces === undefined) return `${formatExactCount(count)} sampled ${noun(count, 'call')}`;
    const of = basis.ofAtLeast !== undefined && basis.ofAtLeast > traces ? ` (of ≥ ${formatExactCount(basis.ofAtLeast)})` : '';
    return `${formatExactCount(count)} ${noun(count, 'call')} in a sample of ${formatExactCount(traces)} ${noun(traces, 'trace')}${of}`;
  }
  if (basis.countUnknown) return 'calls unknown';
  return `${basis.countApproximate ? '~' : ''}${formatExactCount(count)} ${noun(count, 'call')}`;
}

/** The window and the source: `last 1h · 1,204 calls`, `last 1h · 12 calls in a sample of 60 traces (of ≥ 200)`. */
export function sourceText(count: number, basis: StatsBasis, lookbackMs: number): string {
  return `last ${formatLookback(lookbackMs)} · ${callsText(count, basis)}`;
}

/** `${count}` of a lens template: the bare count when exact, `12 sampled` for a sample, `–` when unknown. */
export function countValue(count: number, basis: StatsBasis): string {
  if (basis.kind === 'sample') return `${formatCount(count)} sampled`;
  if (basis.countUnknown) return '–';
  return `${basis.countApproximate ? '~' : ''}${formatCount(count)}`;
}

