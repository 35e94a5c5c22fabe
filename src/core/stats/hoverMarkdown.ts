import type { CodeLocationKey } from '../model/codeLocationKey';
import { locationLabel } from '../source/codeLocation';
import type { LatencyHistogram, LatencyStats, LocationStats } from './latencyStats';
import { trendArrow } from './lensText';
import { formatLookback } from './lookback';
import { supportedQuantileNs } from './lensText';
import { isBucketed, MAX_SAMPLE_SPREAD, MIN_SAMPLES, missingQuantileText, quantileMethodText, sourceText } from './statsBasis';
import type { QuantileName } from './statsBasis';
import { formatChange, formatCount, formatDuration, formatExactCount, formatRate } from './statsFormat';
import { COMMANDS, type CommandId } from '../commands/commandIds';
import { noun } from '../text/plural';

/** Commands hover links use: pass as `isTrusted: { enabledCommands: HOVER_COMMANDS }`, never `true`. */
export const HOVER_COMMANDS = [COMMANDS.showFunctionTraces, COMMANDS.openTraceById, COMMANDS.showFunctionFlameGraph] as const;

/** Arguments of `traceLens.openTraceById` when invoked from a hover link. */
export interface OpenTraceArgs {
  traceId: string;
  spanId?: string;
}

/** Arguments of `traceLens.showFunctionTraces` from a hover or CodeLens. */
export interface ShowFunctionTracesArgs {
  locationKey: string;
  location: CodeLocationKey;
  /** Exemplar traces already known (slowest first, then the latest failure). */
  traceIds: string[];
}

/**
 * `command:<id>?<encodeURIComponent(JSON.stringify([args]))>`. Parentheses are
 * escaped too (encodeURIComponent keeps them) because they end a markdown link
 * target; decodeURIComponent reads both forms the same.
 */
export function commandUri(command: CommandId, args: unknown): string {
  const encoded = encodeURIComponent(JSON.stringify([args])).replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `command:${command}?${encoded}`;
}

/**
 * Escapes span-derived text for markdown: every markdown punctuation character,
 * `$` (theme icons), HTML-significant characters, and line breaks (which would
 * end table rows). Cut to `max` characters.
 */
export function escapeMarkdown(text: string, max = 200): string {
  let s = String(text).replace(/[\r\n\t\u2028\u2029]+/g, ' ');
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s.replace(/[\\`*_{}[\]()#+\-.!|~$:]/g, '\\$&').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** Unicode-block sparkline: empty buckets are `▁`, the fullest `█`, others scaled between `▂` and `█`. */
export function sparkline(h: LatencyHistogram): string {
  const max = Math.max(...h.counts);
  if (!(max > 0)) return '';
  return h.counts.map((c) => (c <= 0 ? BLOCKS[0] : BLOCKS[1 + Math.min(6, Math.floor((c / max) * 6.999))])).join('');
}

export interface HoverOptions {
  lookbackMs: number;
  /** Services listed at most. Default 5. */
  maxServices?: number;
}

/** The hover of one location: percentiles against the previous window, a sparkline, services, links to example traces. */
export function buildHoverMarkdown(stats: LocationStats, options: HoverOptions): string {
  const c = stats.current;
  const p = stats.previous;
  const span = formatLookback(options.lookbackMs);
  const basis = stats.basis;
  const sampled = basis.kind === 'sample';
  const lines: string[] = [];
  lines.push(`**Trace Lens** · ${escapeMarkdown(locationLabel(stats.location))} · ${sourceText(c.count, basis, options.lookbackMs)}`, '');
  lines.push(`| | last ${span} | previous ${span} | |`, '|---|---:|---:|---|');
  const row = (label: string, cur: number | undefined, prev: number | undefined, fmt: (v: number | undefined) => string): void => {
    const change = formatChange(cur, prev);
    const arrow = trendArrow(cur, prev);
    lines.push(`| ${label} | ${fmt(cur)} | ${prev !== undefined ? fmt(prev) : '–'} | ${arrow}${change ? ` ${change}` : ''} |`);
  };
  const approx = c.approximate || isBucketed(basis) ? '~' : '';
  const missing: QuantileName[] = [];
  for (const q of ['p50', 'p95', 'p99'] as const) {
    const cur = supportedQuantileNs(c, q, basis);
    const prev = p ? supportedQuantileNs(p, q, basis) : undefined;
    if (cur === undefined && quantileValue(c, q) !== undefined) {
      // Too few values: say what is missing instead of a number the sample cannot support.
      lines.push(`| ${q} | ${missingQuantileText(q, c.count, basis, c.spread)} | ${prev !== undefined ? formatDuration(prev) : '–'} | |`);
      missing.push(q);
      continue;
    }
    row(q, cur, prev, (v) => (v === undefined ? '–' : `${approx}${formatDuration(v)}`));
  }
  const countFmt = (v: number | undefined): string => (v === undefined || basis.countUnknown ? '–' : `${basis.countApproximate ? '~' : ''}${formatExactCount(v)}`);
  row(sampled ? 'calls (in the sample)' : 'calls', c.count, p?.count, countFmt);
  lines.push(`| errors | ${formatRate(c.errorRate)} (${formatCount(c.errorCount)}) | ${p ? formatRate(p.errorRate) : '–'} | ${errorTrend(c, p)} |`);
  lines.push('');
  if (stats.histogram) {
    const h = stats.histogram;
    lines.push(`Distribution: ${formatDuration(h.boundsNs[0])} \`${sparkline(h)}\` ${formatDuration(h.boundsNs[h.boundsNs.length - 1])}`, '');
  }
  if (stats.services.length > 0) {
    const max = options.maxServices ?? 5;
    const shown = stats.services.slice(0, max).map((s) => escapeMarkdown(s, 80));
    lines.push(`Services: ${shown.join(', ')}${stats.services.length > max ? ` and ${stats.services.length - max} more` : ''}`, '');
  }
  const links: string[] = [];
  const slowest = stats.slowest[0];
  if (slowest) links.push(`[Slowest trace (${formatDuration(slowest.durationNs)})](${commandUri(COMMANDS.openTraceById, { traceId: slowest.traceId, spanId: slowest.spanId } satisfies OpenTraceArgs)})`);
  if (stats.latestError) {
    const e = stats.latestError;
    const msg = e.statusMessage ? `: ${escapeMarkdown(e.statusMessage, 80)}` : '';
    links.push(`[Latest failing trace](${commandUri(COMMANDS.openTraceById, { traceId: e.traceId, spanId: e.spanId } satisfies OpenTraceArgs)})${msg}`);
  }
  const args = showTracesArgsOf(stats);
  links.push(`[Example traces…](${commandUri(COMMANDS.showFunctionTraces, args)})`);
  links.push(`[Where time goes…](${commandUri(COMMANDS.showFunctionFlameGraph, args)})`);
  lines.push(links.join(' · '), '');
  lines.push(`_Quantiles: ${quantileMethodText(basis)}._`);
  if (sampled) {
    const of = basis.ofAtLeast !== undefined && basis.sampleTraces !== undefined && basis.ofAtLeast > basis.sampleTraces ? ` of at least ${formatExactCount(basis.ofAtLeast)} in the window` : '';
    lines.push(`_Sampled: figures come from ${formatExactCount(c.count)} ${noun(c.count, 'call')} found in ${basis.sampleTraces !== undefined ? `${formatExactCount(basis.sampleTraces)} sampled ${noun(basis.sampleTraces, 'trace')}` : 'the sampled traces'}${of}; calls and errors count the sample, not all calls._`);
  }
  const tooFew = missing.filter((q) => c.count < MIN_SAMPLES[q]);
  const uncertain = missing.filter((q) => c.count >= MIN_SAMPLES[q]);
  if (tooFew.length > 0) lines.push(`_Too few values (${formatExactCount(c.count)}) for ${tooFew.join(' and ')}: ${tooFew.map((q) => `${q} ${missingQuantileText(q)}`).join(', ')}._`);
  if (uncertain.length > 0) lines.push(`_${uncertain.join(' and ')} not shown: in a sample of part of the window, the 95 % interval is wider than ±${Math.round(MAX_SAMPLE_SPREAD * 100)} %._`);
  if (missing.length === 0 && stats.lowConfidence && !basis.countUnknown) lines.push(`_Few samples (${formatCount(c.count)}): percentiles are indicative only._`);
  if (stats.exceptionHint && stats.location.spanName !== undefined) {
    lines.push(`_Failures point at ${escapeMarkdown(locationLabel(stats.exceptionHint))}${stats.exceptionHint.lineNumber ? ` line ${stats.exceptionHint.lineNumber}` : ''}._`);
  }
  return lines.join('\n').trimEnd();
}

function quantileValue(c: LatencyStats, q: QuantileName): number | undefined {
  return q === 'p50' ? c.p50Ns : q === 'p95' ? c.p95Ns : c.p99Ns;
}

function errorTrend(c: LatencyStats, p: LatencyStats | undefined): string {
  if (!p) return '';
  const d = c.errorRate - p.errorRate;
  if (Math.abs(d) < 0.001) return '→';
  return d > 0 ? `↑ +${formatRate(d)}` : `↓ −${formatRate(-d)}`;
}

/** The arguments of `traceLens.showFunctionTraces` (and of the flame graph) for one location, as its lens and hover links pass them. */
export function showTracesArgsOf(stats: LocationStats): ShowFunctionTracesArgs {
  const l = stats.location;
  const location: CodeLocationKey = {};
  if (l.filePath !== undefined) location.filePath = l.filePath;
  if (l.functionName !== undefined) location.functionName = l.functionName;
  if (l.namespace !== undefined) location.namespace = l.namespace;
  if (l.spanName !== undefined) location.spanName = l.spanName;
  const traceIds = [...stats.slowest.map((s) => s.traceId), ...(stats.latestError ? [stats.latestError.traceId] : [])];
  return { locationKey: stats.keyString, location, traceIds: [...new Set(traceIds)] };
}
