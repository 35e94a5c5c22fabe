import { formatLookback } from './lookback';
import { formatCount, formatExactCount } from './statsFormat';

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

/** True when `count` values can support the percentile (always, when the server did not say how many calls it saw). */
export function quantileSupported(q: QuantileName, count: number, basis: StatsBasis): boolean {
  return basis.countUnknown === true || count >= MIN_SAMPLES[q];
}

/** What replaces an unsupported percentile: `needs ≥ 100 samples`. */
export function missingQuantileText(q: QuantileName): string {
  return `needs ≥ ${MIN_SAMPLES[q]} samples`;
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

/** The basis of figures aggregated from `traces` sampled traces, of `found` the searches returned (a lower bound). */
export function sampleBasis(traces: number, found?: number): StatsBasis {
  const b: StatsBasis = { kind: 'sample', method: 'ddsketch', sampleTraces: traces };
  if (found !== undefined && Number.isFinite(found) && found > traces) b.ofAtLeast = Math.round(found);
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
    if (traces === undefined) return `${formatExactCount(count)} sampled ${plural(count, 'call')}`;
    const of = basis.ofAtLeast !== undefined && basis.ofAtLeast > traces ? ` (of ≥ ${formatExactCount(basis.ofAtLeast)})` : '';
    return `${formatExactCount(count)} ${plural(count, 'call')} in a sample of ${formatExactCount(traces)} ${plural(traces, 'trace')}${of}`;
  }
  if (basis.countUnknown) return 'calls unknown';
  return `${basis.countApproximate ? '~' : ''}${formatExactCount(count)} ${plural(count, 'call')}`;
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

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
