/**
 * OTLP JSON (ExportTraceServiceRequest / TracesData) into the model, in both dialects:
 * protobuf-JSON as Tempo writes it and the hex/integer variant Jaeger's v3 API writes.
 */
import { UNKNOWN_SERVICE, type InstrumentationScope, type Resource, type Span, type SpanEvent, type SpanLink } from '../model/trace';
import type { ConversionContext } from './conversionContext';
import { MISSING_TIME } from './traceAssembly';
import {
  asArray,
  asString,
  decodeCount,
  decodeId,
  decodeKeyValues,
  decodeKind,
  decodeNanos,
  decodeStatusCode,
  isRecord,
} from './wireValues';

/**
 * The resource-spans list of an OTLP document, whatever wraps it: `resourceSpans` (OTLP),
 * `batches` (Tempo's v1 API), `trace` (Tempo's v2 API), `result` (Jaeger v3).
 * Undefined when the value holds none of them.
 */
export function findResourceSpans(doc: unknown): unknown[] | undefined {
  if (!isRecord(doc)) return undefined;
  if (Array.isArray(doc.resourceSpans)) return doc.resourceSpans;
  if (Array.isArray(doc.batches)) return doc.batches;
  for (const key of ['trace', 'result', 'data']) {
    const inner = doc[key];
    if (isRecord(inner)) {
      const found = findResourceSpans(inner);
      if (found) return found;
      // Tempo answers `{"trace":{}}` for a trace with no spans: an empty list, not a format error.
      if (Object.keys(inner).length === 0) return [];
    }
  }
  return undefined;
}

function convertResource(value: unknown, ctx: ConversionContext): Resource {
  const attributes = isRecord(value) ? decodeKeyValues(value.attributes, ctx) : {};
  const name = attributes['service.name'];
  return { serviceName: typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE, attributes };
}

function convertScope(value: unknown, ctx: ConversionContext): InstrumentationScope {
  if (!isRecord(value)) return { name: '' };
  const scope: InstrumentationScope = { name: ctx.str(asString(value.name) ?? '') };
  const version = asString(value.version);
  if (version) scope.version = ctx.str(version);
  if (Array.isArray(value.attributes) && value.attributes.length > 0) scope.attributes = decodeKeyValues(value.attributes, ctx);
  return scope;
}

function convertEvents(list: unknown, ctx: ConversionContext): SpanEvent[] {
  const items = asArray(list);
  const max = ctx.limits.maxEventsPerSpan;
  if (items.length > max) ctx.count('droppedEvents', items.length - max);
  const out: SpanEvent[] = [];
  for (const e of items.slice(0, max)) {
    if (!isRecord(e)) continue;
    let time = decodeNanos(e.timeUnixNano);
    if (time === undefined) {
      ctx.count('badEvent');
      time = MISSING_TIME;
    }
    out.push({ timeUnixNano: time, name: ctx.str(asString(e.name) ?? ''), attributes: decodeKeyValues(e.attributes, ctx) });
  }
  return out;
}

function convertLinks(list: unknown, ctx: ConversionContext): SpanLink[] {
  const items = asArray(list);
  const max = ctx.limits.maxLinksPerSpan;
  if (items.length > max) ctx.count('droppedLinks', items.length - max);
  const out: SpanLink[] = [];
  for (const l of items.slice(0, max)) {
    if (!isRecord(l)) continue;
    const traceId = decodeId(l.traceId, 16);
    const spanId = decodeId(l.spanId, 8);
    if (!traceId || !spanId) {
      ctx.count('badLink');
      continue;
    }
    const link: SpanLink = { traceId, spanId, attributes: decodeKeyValues(l.attributes, ctx) };
    const ts = asString(l.traceState);
    if (ts) link.traceState = ctx.str(ts);
    out.push(link);
  }
  return out;
}

function convertSpan(s: unknown, resource: Resource, scope: InstrumentationScope, ctx: ConversionContext): Span | undefined {
  if (!isRecord(s)) {
    ctx.count('badSpan');
    return undefined;
  }
  const traceId = decodeId(s.traceId, 16);
  const spanId = decodeId(s.spanId, 8);
  if (!traceId || !spanId) {
    ctx.count('badSpan');
    return undefined;
  }
  const status = isRecord(s.status) ? s.status : {};
  const span: Span = {
    traceId,
    spanId,
    name: ctx.str(asString(s.name) ?? ''),
    kind: decodeKind(s.kind),
    startTimeUnixNano: decodeNanos(s.startTimeUnixNano) ?? MISSING_TIME,
    endTimeUnixNano: decodeNanos(s.endTimeUnixNano) ?? MISSING_TIME,
    attributes: decodeKeyValues(s.attributes, ctx),
    events: convertEvents(s.events, ctx),
    links: convertLinks(s.links, ctx),
    status: { code: decodeStatusCode(status.code) },
    resource,
    scope,
  };
  const parentRaw = s.parentSpanId;
  if (typeof parentRaw === 'string' && parentRaw !== '') {
    const parent = decodeId(parentRaw, 8);
    if (parent) span.parentSpanId = parent;
    else if (!/^0+$/.test(parentRaw) && parentRaw !== 'AAAAAAAAAAA=') ctx.count('badParent');
  }
  const message = asString(status.message);
  if (message) span.status.message = ctx.str(message);
  const traceState = asString(s.traceState);
  if (traceState) span.traceState = ctx.str(traceState);
  const da = decodeCount(s.droppedAttributesCount);
  if (da) span.droppedAttributesCount = da;
  const de = decodeCount(s.droppedEventsCount);
  if (de) span.droppedEventsCount = de;
  const dl = decodeCount(s.droppedLinksCount);
  if (dl) span.droppedLinksCount = dl;
  return span;
}

/** Converts a resource-spans list; spans too broken to place are skipped and counted. */
export function convertResourceSpans(list: unknown[], ctx: ConversionContext, out: Span[] = []): Span[] {
  for (const rs of list) {
    if (!isRecord(rs)) continue;
    const resource = convertResource(rs.resource, ctx);
    const scopes = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : asArray(rs.instrumentationLibrarySpans);
    for (const ss of scopes) {
      if (!isRecord(ss)) continue;
      const scope = convertScope(ss.scope ?? ss.instrumentationLibrary, ctx);
      for (const raw of asArray(ss.spans)) {
        if (out.length >= ctx.limits.maxSpans) {
          ctx.count('droppedSpans');
          continue;
        }
        const span = convertSpan(raw, resource, scope, ctx);
        if (span) out.push(span);
      }
    }
  }
  return out;
}
