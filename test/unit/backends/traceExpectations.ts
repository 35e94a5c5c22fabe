// Compares a converted trace with what the harness sent (expected.json), field by field,
// to the fidelity each server keeps. Returns readable mismatches so one failing
// assertion lists everything that differs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttributeValue, Attributes, Span, Trace } from '../../../src/core/model/trace';

export interface ExpectedSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  serviceName: string;
  resourceAttributes: Record<string, unknown>;
  scope: { name: string; version?: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; timeUnixNano: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  status: { code: string; message?: string };
}

export interface ExpectedTraceJson {
  traceId: string;
  runId: string;
  rootSpanId: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  services: string[];
  spans: ExpectedSpanJson[];
}

/** What a server keeps of a span; everything else is compared exactly. */
export interface Fidelity {
  /** Time resolution in ns: 1 (OTLP) or 1000 (Jaeger, Zipkin keep µs). */
  timeUnitNs: bigint;
  /** Zipkin lower-cases span names. */
  lowercaseNames?: boolean;
  /** Zipkin keeps tags as strings (arrays joined with commas). */
  stringAttributes?: boolean;
  /** Jaeger's v1 JSON writes array attributes as JSON text in a string tag. */
  arraysAsJson?: boolean;
  eventAttributes: boolean;
  links: boolean;
  linkAttributes: boolean;
  scope: boolean;
  /** Zipkin has no INTERNAL kind. */
  internalKind: boolean;
  /** Zipkin writes a status message only for errors. */
  okStatusMessage?: boolean;
}

export const OTLP_FIDELITY: Fidelity = { timeUnitNs: 1n, eventAttributes: true, links: true, linkAttributes: true, scope: true, internalKind: true };

/** What Zipkin 3.6 keeps of an OpenTelemetry span (observed on the real server). */
export const ZIPKIN_FIDELITY: Fidelity = {
  timeUnitNs: 1000n,
  lowercaseNames: true,
  stringAttributes: true,
  eventAttributes: false,
  links: false,
  linkAttributes: false,
  scope: false,
  internalKind: false,
  okStatusMessage: false,
};

/** Jaeger v2's v3 API: OTLP as stored. */
export const JAEGER_V3_FIDELITY: Fidelity = { ...OTLP_FIDELITY };

/** Jaeger's v1 JSON: µs times, links as references without attributes, arrays as JSON text. */
export const JAEGER_V1_FIDELITY: Fidelity = { ...OTLP_FIDELITY, timeUnitNs: 1000n, linkAttributes: false, arraysAsJson: true };

export function readExpected(dir: string, file = 'expected.json'): ExpectedTraceJson {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ExpectedTraceJson;
}

function truncate(ns: string, unit: bigint): bigint {
  const v = BigInt(ns);
  return (v / unit) * unit;
}

function attrString(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join(',') : String(v);
}

function normalizeAttrs(attrs: Record<string, unknown>, f: Fidelity): Record<string, unknown> {
  if (f.arraysAsJson) return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v]));
  if (!f.stringAttributes) return attrs;
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, attrString(v)]));
}

function plain(v: AttributeValue): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('base64')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function plainAttrs(a: Attributes): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, plain(v)]));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export function compareTrace(trace: Trace, expected: ExpectedTraceJson, f: Fidelity): string[] {
  const problems: string[] = [];
  const say = (s: string) => problems.push(s);
  if (trace.traceId !== expected.traceId) say(`traceId ${trace.traceId} != ${expected.traceId}`);
  if (trace.spans.length !== expected.spans.length) say(`span count ${trace.spans.length} != ${expected.spans.length}`);
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  for (const e of expected.spans) {
    const s: Span | undefined = byId.get(e.spanId);
    const at = `span ${e.name} (${e.spanId})`;
    if (!s) {
      say(`${at}: missing`);
      continue;
    }
    if (s.traceId !== e.traceId) say(`${at}: traceId ${s.traceId}`);
    if (s.parentSpanId !== e.parentSpanId) say(`${at}: parent ${s.parentSpanId} != ${e.parentSpanId}`);
    const name = f.lowercaseNames ? e.name.toLowerCase() : e.name;
    if (s.name !== name) say(`${at}: name ${s.name} != ${name}`);
    const kind = !f.internalKind && e.kind === 'INTERNAL' ? 'internal' : e.kind.toLowerCase();
    if (s.kind !== kind) say(`${at}: kind ${s.kind} != ${kind}`);
    if (s.resource.serviceName !== e.serviceName) say(`${at}: service ${s.resource.serviceName} != ${e.serviceName}`);
    const resAttrs = normalizeAttrs(e.resourceAttributes, f);
    for (const [k, v] of Object.entries(resAttrs)) {
      if (!same(plain(s.resource.attributes[k] ?? null), v)) say(`${at}: resource ${k}=${JSON.stringify(plain(s.resource.attributes[k] ?? null))} != ${JSON.stringify(v)}`);
    }
    if (f.scope) {
      if (s.scope.name !== e.scope.name) say(`${at}: scope ${s.scope.name} != ${e.scope.name}`);
      if ((s.scope.version ?? undefined) !== e.scope.version) say(`${at}: scope version ${s.scope.version} != ${e.scope.version}`);
    }
    const start = truncate(e.startTimeUnixNano, f.timeUnitNs);
    const end = truncate(e.endTimeUnixNano, f.timeUnitNs);
    if (s.startTimeUnixNano !== start) say(`${at}: start ${s.startTimeUnixNano} != ${start}`);
    if (s.endTimeUnixNano !== end) say(`${at}: end ${s.endTimeUnixNano} != ${end}`);
    const attrs = normalizeAttrs(e.attributes, f);
    if (!same(plainAttrs(s.attributes), attrs)) say(`${at}: attributes ${JSON.stringify(plainAttrs(s.attributes))} != ${JSON.stringify(attrs)}`);
    if (s.events.length !== e.events.length) say(`${at}: ${s.events.length} events != ${e.events.length}`);
    e.events.forEach((ee, i) => {
      const se = s.events[i];
      if (!se) return;
      if (se.name !== ee.name) say(`${at}: event ${i} name ${se.name} != ${ee.name}`);
      if (se.timeUnixNano !== truncate(ee.timeUnixNano, f.timeUnitNs)) say(`${at}: event ${i} time ${se.timeUnixNano} != ${ee.timeUnixNano}`);
      const want = f.eventAttributes ? normalizeAttrs(ee.attributes, f) : {};
      if (!same(plainAttrs(se.attributes), want)) say(`${at}: event ${i} attributes ${JSON.stringify(plainAttrs(se.attributes))} != ${JSON.stringify(want)}`);
    });
    const links = f.links ? e.links : [];
    if (s.links.length !== links.length) say(`${at}: ${s.links.length} links != ${links.length}`);
    links.forEach((el, i) => {
      const sl = s.links[i];
      if (!sl) return;
      if (sl.traceId !== el.traceId || sl.spanId !== el.spanId) say(`${at}: link ${i} ${sl.traceId}/${sl.spanId} != ${el.traceId}/${el.spanId}`);
      const want = f.linkAttributes ? el.attributes : {};
      if (!same(plainAttrs(sl.attributes), want)) say(`${at}: link ${i} attributes ${JSON.stringify(plainAttrs(sl.attributes))} != ${JSON.stringify(want)}`);
    });
    if (s.status.code !== e.status.code.toLowerCase()) say(`${at}: status ${s.status.code} != ${e.status.code}`);
    const message = e.status.code === 'ERROR' || f.okStatusMessage !== false ? e.status.message : undefined;
    if (s.status.message !== message) say(`${at}: status message ${s.status.message} != ${message}`);
  }
  return problems;
}

export const fixturesRoot = path.resolve(__dirname, '../../fixtures/backends');

/** The recorded fixture folder of a server (`<server>-<version>`); fails loudly when none was recorded. */
export function fixtureDir(server: 'tempo' | 'jaeger' | 'zipkin'): string {
  // `<server>-<version>` only: `jaeger-2.12.0-spm` holds monitor-API answers, not traces.
  const dirs = readdirSync(fixturesRoot).filter((d) => new RegExp(`^${server}-\\d+(\\.\\d+)*$`).test(d)).sort();
  if (dirs.length === 0) throw new Error(`no recorded ${server} fixtures under ${fixturesRoot}: run npx tsx test/backends/harness/recordFixtures.ts ${server}`);
  return path.join(fixturesRoot, dirs[dirs.length - 1]);
}

export function readFixture(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
}
