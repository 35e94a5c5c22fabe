import { formatChange, formatCount, formatDuration, formatRate } from './statsFormat';
import type { LocationStats } from './latencyStats';
import { InvalidLensTemplateError } from './statsErrors';

export const DEFAULT_LENS_TEMPLATE = '${p50} · ${p95} · ${p99} · ${count} calls · ${errorRate} errors';

/**
 * Placeholders of the CodeLens template. Percentiles come with their label
 * (`p50 12 ms`; `~` marks server-approximated values), the rest are bare values.
 */
export const LENS_PLACEHOLDERS = ['p50', 'p95', 'p99', 'count', 'errorRate', 'errors', 'min', 'max', 'mean', 'trend', 'services'] as const;
export type LensPlaceholder = (typeof LENS_PLACEHOLDERS)[number];

export interface LensTextOptions {
  /** Appended when the location has fewer than ~100 samples. */
  lowConfidenceSuffix?: string;
}

export type LensFormatter = (stats: LocationStats) => string;

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
  return (stats) => {
    let out = '';
    for (const part of parts) out += 'text' in part ? part.text : value(part.placeholder, stats);
    return stats.lowConfidence ? out + suffix : out;
  };
}

function value(p: LensPlaceholder, s: LocationStats): string {
  const c = s.current;
  const approx = c.approximate ? '~' : '';
  switch (p) {
    case 'p50':
      return `p50 ${approx}${formatDuration(c.p50Ns)}`;
    case 'p95':
      return `p95 ${approx}${formatDuration(c.p95Ns)}`;
    case 'p99':
      return `p99 ${approx}${formatDuration(c.p99Ns)}`;
    case 'count':
      return formatCount(c.count);
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
      return trendArrow(c.p95Ns, s.previous?.p95Ns);
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
