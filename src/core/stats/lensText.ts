import { formatChange, formatCount, formatDuration, formatRate } from './statsFormat';
import type { LatencyStats, LocationStats } from './latencyStats';
import { countValue, isBucketed, missingQuantileText, quantileSupported, sourceText } from './statsBasis';
import type { QuantileName, StatsBasis } from './statsBasis';
import { formatLookback } from './lookback';
import { InvalidLensTemplateError } from './statsErrors';

export const DEFAULT_LENS_TEMPLATE = '${p50} · ${p95} · ${p99} · ${calls} · ${errorRate} errors';

/** The default before the lens named its window and source; a setting equal to it means the default. */
export const LEGACY_DEFAULT_LENS_TEMPLATE = '${p50} · ${p95} · ${p99} · ${count} calls · ${errorRate} errors';

/** The template to use for a `traceLens.codeLens.format` value: empty or the legacy default → the current default. */
export function effectiveLensTemplate(setting: string | undefined): string {
  if (typeof setting !== 'string' || setting.trim() === '' || setting === LEGACY_DEFAULT_LENS_TEMPLATE) return DEFAULT_LENS_TEMPLATE;
  return setting;
}

/**
 * Placeholders of the CodeLens template. Percentiles come with their label
 * (`p50 12 ms`; `~` marks bucket-approximated values; `p99 needs ≥ 100 samples`
 * when too few values support it); `calls` names the window and the source
 * (`last 1h · 1,204 calls`, `last 1h · 12 calls in a sample of 60 traces`);
 * `count` is `12 sampled` for a sample; the rest are bare values.
 */
export const LENS_PLACEHOLDERS = ['p50', 'p95', 'p99', 'calls', 'window', 'count', 'errorRate', 'errors', 'min', 'max', 'mean', 'trend', 'services'] as const;
export type LensPlaceholder = (typeof LENS_PLACEHOLDERS)[number];

export interface LensTextOptions {
  /** Appended when the location has fewer than ~100 samples. */
  lowConfidenceSuffix?: string;
}

/** `lookbackMs` names the window (`last 1h`); defaults to the stats' own window length. */
export type LensFormatter = (stats: LocationStats, lookbackMs?: number) => string;

const KNOWN = new Set<string>(LENS_PLACEHOLDERS);
const MAX_TEMPLATE = 300;

/** Compiles a template once (throws InvalidLensTemplateError on unknown placeholders); the result formats in O(parts). */
export function compileLensTemplate(template: string = DEFAULT_LENS_TEMPLATE, options: LensTextOptions = {}): LensFormatter {
  if (template.length > MAX_TEMPLATE) throw new InvalidLensTemplateError(template, `longer than ${MAX_TEMPLATE} characters`);
  const parts: Array<{ text: string } | { placeholder: LensPlaceholder }> = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    if (!KNOWN.has(m[1])) throw new InvalidLensTemplateError(template, `unknown placeholder \${${m[1]}}; known: ${LENS_PLACEHOLDERS.map((p) => `\${${p}}`).join(', ')}`);
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    parts.push({ placeholder: m[1] as LensPlaceholder });
    last = re.lastIndex;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  const suffix = options.lowConfidenceSuffix ?? ' (few samples)';
  return (stats, lookbackMs) => {
    const ctx: FormatContext = { stats, lookbackMs: lookbackMs ?? stats.window.endMs - stats.window.startMs, saidMissing: false };
    let out = '';
    for (const part of parts) out += 'text' in part ? part.text : value(part.placeholder, ctx);
    // A suppressed percentile already says what is missing; the suffix is for templates that do not.
    return stats.lowConfidence && !ctx.saidMissing ? out + suffix : out;
  };
}

interface FormatContext {
  stats: LocationStats;
  lookbackMs: number;
  saidMissing: boolean;
}

/** A percentile as the lens shows it, or undefined when the values cannot support it. */
export function supportedQuantileNs(c: LatencyStats, q: QuantileName, basis: StatsBasis): number | undefined {
  if (!quantileSupported(q, c.count, basis, c.spread)) return undefined;
  return q === 'p50' ? c.p50Ns : q === 'p95' ? c.p95Ns : c.p99Ns;
}

function quantile(q: QuantileName, ctx: FormatContext): string {
  const s = ctx.stats;
  const c = s.current;
  if (!quantileSupported(q, c.count, s.basis, c.spread)) {
    ctx.saidMissing = true;
    return `${q} ${missingQuantileText(q, c.count, s.basis, c.spread)}`;
  }
  const approx = c.approximate || isBucketed(s.basis) ? '~' : '';
  return `${q} ${approx}${formatDuration(q === 'p50' ? c.p50Ns : q === 'p95' ? c.p95Ns : c.p99Ns)}`;
}

function value(p: LensPlaceholder, ctx: FormatContext): string {
  const s = ctx.stats;
  const c = s.current;
  switch (p) {
    case 'p50':
    case 'p95':
    case 'p99':
      return quantile(p, ctx);
    case 'calls':
      return sourceText(c.count, s.basis, ctx.lookbackMs);
    case 'window':
      return `last ${formatLookback(ctx.lookbackMs)}`;
    case 'count':
      return countValue(c.count, s.basis);
    case 'errorRate':
      return formatRate(c.errorRate);
    case 'errors':
      return formatCount(c.errorCount);
    case 'min':
      return formatDuration(c.minNs);
    case 'max':
      return formatDuration(c.maxNs);
    case 'mean':
      return formatDuration(c.meanNs);
    case 'trend':
      return trendArrow(supportedQuantileNs(c, 'p95', s.basis), s.previous ? supportedQuantileNs(s.previous, 'p95', s.basis) : undefined);
    case 'services':
      return String(s.services.length);
  }
}

/** `↑` / `↓` when the value moved by 10 % or more against the previous window, `→` otherwise, `` with nothing to compare. */
export function trendArrow(current: number | undefined, previous: number | undefined): string {
  if (current === undefined || previous === undefined || !(previous > 0)) return '';
  const r = current / previous;
  return r >= 1.1 ? '↑' : r <= 1 / 1.1 ? '↓' : '→';
}

export { formatChange };
