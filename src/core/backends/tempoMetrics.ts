/**
 * Latency per code location from Tempo's TraceQL metrics. Spans carry either the current
 * semantic-convention names (`code.function.name`, `code.file.path`) or the older ones
 * (`code.function`, `code.namespace`, `code.filepath`); the query groups by all of them and
 * the parser folds each series back into one location key.
 */
import { MalformedResponseError } from '../errors';
import type { CodeLocationKey } from '../model/codeLocationKey';
import type { LatencyQuantiles } from '../model/latencyQuantiles';
import { quoteTraceQL } from './traceql';
import { asArray, isRecord } from './wireValues';

export const CODE_LABELS = {
  functionName: ['code.function.name', 'code.function'],
  filePath: ['code.file.path', 'code.filepath'],
  namespace: ['code.namespace'],
} as const;

const BY_ATTRIBUTES = ['span.code.function.name', 'span.code.file.path', 'span.code.function', 'span.code.namespace', 'span.code.filepath'];

export interface TempoLatencyQueries {
  quantiles: string;
  count: string;
  errors: string;
}

export function tempoLatencyQueries(services: string[]): TempoLatencyQueries {
  const conds: string[] = ['(span.code.function.name != nil || span.code.function != nil)'];
  if (services.length) conds.unshift(`(${services.map((s) => `resource.service.name = ${quoteTraceQL(s)}`).join(' || ')})`);
  const filter = conds.join(' && ');
  const by = `by (${BY_ATTRIBUTES.join(', ')})`;
  return {
    quantiles: `{ ${filter} } | quantile_over_time(duration, .5, .95, .99) ${by}`,
    count: `{ ${filter} } | count_over_time() ${by}`,
    errors: `{ ${filter} && status = error } | count_over_time() ${by}`,
  };
}

interface Series {
  labels: Map<string, string>;
  samples: Array<{ t: number; v: number }>;
}

function labelValue(v: unknown): string | undefined {
  if (!isRecord(v)) return typeof v === 'string' ? v : undefined;
  for (const k of ['stringValue', 'doubleValue', 'intValue', 'boolValue']) {
    if (k in v && v[k] !== undefined && v[k] !== null) return String(v[k]);
  }
  return undefined;
}

function readSeries(doc: unknown): Series[] {
  if (!isRecord(doc) || !(Array.isArray(doc.series) || doc.series === undefined || doc.series === null)) {
    throw new MalformedResponseError("Tempo's metrics answer", 'a "series" list');
  }
  const out: Series[] = [];
  for (const s of asArray(doc.series)) {
    if (!isRecord(s)) continue;
    const labels = new Map<string, string>();
    for (const l of asArray(s.labels)) {
      if (!isRecord(l) || typeof l.key !== 'string') continue;
      const v = labelValue(l.value);
      // Tempo writes `nil` for a by() attribute the span did not have.
      if (v !== undefined && v !== 'nil' && v !== '<nil>') labels.set(l.key.replace(/^(span|resource)\./, ''), v);
    }
    const samples: Array<{ t: number; v: number }> = [];
    for (const p of asArray(s.samples)) {
      if (!isRecord(p)) continue;
      const v = typeof p.value === 'number' ? p.value : Number(p.value);
      const t = Number(p.timestampMs ?? 0);
      if (Number.isFinite(v)) samples.push({ t, v });
    }
    out.push({ labels, samples });
  }
  return out;
}

function first(labels: Map<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = labels.get(k);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function locationOf(labels: Map<string, string>): CodeLocationKey | undefined {
  const loc: CodeLocationKey = {};
  const fn = first(labels, CODE_LABELS.functionName);
  const file = first(labels, CODE_LABELS.filePath);
  const ns = first(labels, CODE_LABELS.namespace);
  if (fn !== undefined) loc.functionName = fn;
  if (file !== undefined) loc.filePath = file;
  if (ns !== undefined) loc.namespace = ns;
  return fn === undefined && file === undefined ? undefined : loc;
}

function keyOf(loc: CodeLocationKey): string {
  return JSON.stringify([loc.functionName ?? '', loc.filePath ?? '', loc.namespace ?? '']);
}

export function parseLatencySeries(quantilesDoc: unknown, countDoc: unknown, errorDoc: unknown): LatencyQuantiles[] {
  const byKey = new Map<string, LatencyQuantiles>();
  const entry = (loc: CodeLocationKey): LatencyQuantiles => {
    const k = keyOf(loc);
    let e = byKey.get(k);
    if (!e) byKey.set(k, (e = { location: loc, approximate: true }));
    return e;
  };
  for (const s of readSeries(quantilesDoc)) {
    const loc = locationOf(s.labels);
    if (!loc || s.samples.length === 0) continue;
    const p = Number(s.labels.get('p'));
    // Tempo writes 0 for an interval without spans; the latest interval with data wins.
    const withData = s.samples.filter((x) => x.v > 0);
    if (withData.length === 0) continue;
    const v = withData.reduce((a, b) => (b.t >= a.t ? b : a)).v;
    const e = entry(loc);
    if (p === 0.5) e.p50 = v;
    else if (p === 0.95) e.p95 = v;
    else if (p === 0.99) e.p99 = v;
  }
  for (const [doc, field] of [[countDoc, 'count'], [errorDoc, 'errorCount']] as const) {
    for (const s of readSeries(doc)) {
      const loc = locationOf(s.labels);
      if (!loc) continue;
      const e = entry(loc);
      e[field] = Math.round(s.samples.reduce((a, b) => a + b.v, 0));
    }
  }
  for (const e of byKey.values()) if (e.count !== undefined && e.errorCount === undefined) e.errorCount = 0;
  return [...byKey.values()];
}
