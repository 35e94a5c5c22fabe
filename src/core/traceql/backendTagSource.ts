/**
 * TraceQL completion's tag names and values for backends without Tempo's tag APIs (Jaeger, Zipkin):
 * service names and operations from the APIs they have (`/api/v3/services`, `/api/v3/operations`;
 * `/api/v2/services`, `/api/v2/spans`), and attribute names and values from the spans of a few recent
 * traces, since neither server lists tag keys. Those come from a sample and the completion says so.
 * The sample is searched once per `ttlMs` (completion asks on every keystroke). Pure, no `vscode`.
 */
import type { AttributeValue, Trace } from '../model/trace';
import type { TimeRange } from '../model/timeRange';
import type { TraceBackend } from '../backends/traceBackend';
import type { TraceQLTagSource } from './traceqlCompletion';
import { countOf } from '../text/plural';

export type TagSampleBackend = Pick<TraceBackend, 'services' | 'operations' | 'searchTraces'>;

export interface BackendTagOptions {
  /** The window searched for the sample (the lookback). */
  range: () => TimeRange;
  /** Services whose recent traces are read for attribute names. Default 5. */
  sampleServices?: number;
  /** Traces read per service. Default 10. */
  tracesPerService?: number;
  /** How long a sample and a service list are kept. Default a minute. */
  ttlMs?: number;
  now?: () => number;
}

/** Intrinsics both servers' spans have. */
const INTRINSICS = ['duration', 'kind', 'name', 'status'];
const SERVICE_TAGS = new Set(['resource.service.name', '.service.name']);
/** Values offered per attribute at most. */
const MAX_VALUES = 200;
/** Services whose operations are listed when the query names no service. */
const MAX_OPERATION_SERVICES = 20;

interface TagSample {
  traces: number;
  names: Record<'resource' | 'span', Map<string, Map<string, string>>>;
}

function valueType(v: AttributeValue): string | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  return undefined;
}

function collect(traces: readonly Trace[]): TagSample {
  const names: TagSample['names'] = { resource: new Map(), span: new Map() };
  const add = (scope: 'resource' | 'span', key: string, v: AttributeValue) => {
    let values = names[scope].get(key);
    if (!values) names[scope].set(key, (values = new Map()));
    const type = valueType(v);
    if (type && values.size < MAX_VALUES) values.set(String(v), type);
  };
  const resources = new Set<object>();
  for (const t of traces) {
    for (const s of t.spans) {
      for (const [k, v] of Object.entries(s.attributes)) add('span', k, v);
      if (resources.has(s.resource)) continue;
      resources.add(s.resource);
      for (const [k, v] of Object.entries(s.resource.attributes)) add('resource', k, v);
    }
  }
  return { traces: traces.length, names };
}

/** `{ resource.service.name = "checkout" && … }` → `checkout`: the service a narrowing query names. */
function narrowedService(q: string | undefined): string | undefined {
  const m = q ? /(?:resource)?\.service\.name\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(q) : null;
  return m ? m[1].replace(/\\(.)/g, '$1') : undefined;
}

export interface BackendTagSource extends TraceQLTagSource {
  /** What a completion of a name says about where it came from: the server's list, or the sample. */
  tagDetail(scope: string, name: string): string;
}

export function backendTagSource(backend: TagSampleBackend, options: BackendTagOptions): BackendTagSource {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const perService = options.tracesPerService ?? 10;
  const serviceCount = options.sampleServices ?? 5;
  let services: { at: number; value: Promise<string[]> } | undefined;
  let sample: { at: number; value: Promise<TagSample> } | undefined;
  let sampledTraces = 0;

  const listServices = (signal?: AbortSignal) => {
    if (!services || now() - services.at > ttl) {
      const value = backend.services(signal);
      services = { at: now(), value };
      value.catch(() => { services = undefined; });
    }
    return services.value;
  };
  const readSample = (signal?: AbortSignal) => {
    if (!sample || now() - sample.at > ttl) {
      const value = (async () => {
        const search = backend.searchTraces?.bind(backend);
        if (!search) return collect([]);
        const range = options.range();
        const names = (await listServices(signal)).slice(0, serviceCount);
        const found = new Map<string, Trace>();
        // One service at a time: a sample for completion must not load the server.
        for (const service of names) for (const t of await search({ service, range, limit: perService }, signal)) found.set(t.traceId, t);
        const collected = collect([...found.values()]);
        sampledTraces = collected.traces;
        return collected;
      })();
      sample = { at: now(), value };
      value.catch(() => { sample = undefined; });
    }
    return sample.value;
  };

  return {
    async tags(signal) {
      const s = await readSample(signal);
      const resource = new Set(['service.name', ...s.names.resource.keys()]);
      return { intrinsic: INTRINSICS, resource: [...resource].sort(), span: [...s.names.span.keys()].sort() };
    },
    async typedTagValues(tag, q, signal) {
      if (SERVICE_TAGS.has(tag)) return (await listServices(signal)).map((value) => ({ type: 'string', value }));
      if (tag === 'name' || tag === 'span:name') {
        const named = narrowedService(q);
        const from = named !== undefined ? [named] : (await listServices(signal)).slice(0, MAX_OPERATION_SERVICES);
        const ops = new Set<string>();
        for (const service of from) for (const op of await backend.operations(service, signal)) ops.add(op);
        return [...ops].map((value) => ({ type: 'string', value }));
      }
      const m = /^(resource|span)?\.(.+)$/.exec(tag);
      if (!m) return [];
      const s = await readSample(signal);
      const scopes = m[1] ? [m[1] as 'resource' | 'span'] : (['span', 'resource'] as const);
      const out: Array<{ type: string; value: string }> = [];
      for (const scope of scopes) for (const [value, type] of s.names[scope].get(m[2]) ?? []) out.push({ type, value });
      return out;
    },
    tagDetail(scope, name) {
      if (scope === 'intrinsic') return 'intrinsic';
      if (scope === 'resource' && name === 'service.name') return 'resource attribute, values from the server\'s services';
      return `${scope} attribute, seen in a sample of ${countOf(sampledTraces, 'recent trace')}`;
    },
  };
}
