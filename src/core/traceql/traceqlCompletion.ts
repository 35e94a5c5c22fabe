/**
 * TraceQL completion: where the cursor is in a query (an attribute name, or the value compared with
 * one), and what to offer there from the backend's tag names and values (Tempo's
 * `/api/v2/search/tags` and `/api/v2/search/tag/<name>/values`). Values are narrowed by the other
 * `attribute = "value"` conditions of the same spanset, as Grafana's editor does, so after
 * `resource.service.name = "checkout" && name = ` only checkout's span names are offered. Pure, no
 * `vscode`: the provider in src/traceql/ adapts it.
 */
import { attributeRef, quoteTraceQL } from '../backends/traceql';

/** What Tempo says about tag names and values; TempoClient implements it, backendTagSource.ts for Jaeger and Zipkin. */
export interface TraceQLTagSource {
  tags(signal?: AbortSignal): Promise<Record<string, string[]>>;
  typedTagValues(tag: string, q?: string, signal?: AbortSignal): Promise<Array<{ type: string; value: string }>>;
  /** How a name of `scope` is described when it does not come from the server's full list (a sample); default "<scope> attribute". */
  tagDetail?(scope: string, name: string): string;
}

/** Whether a backend answers tag names and values (Tempo). */
export function isTraceQLTagSource(backend: object): backend is TraceQLTagSource {
  const b = backend as Partial<TraceQLTagSource>;
  return typeof b.tags === 'function' && typeof b.typedTagValues === 'function';
}

export type TraceQLCompletionContext =
  /** An attribute name: `scope` when one is typed (`span.`, `resource.`…; '' for a bare `.`), else any. */
  | { kind: 'attribute'; scope?: string; prefix: string; from: number }
  /** The value compared with `attribute` (as written, e.g. `resource.service.name`, `status`). */
  | { kind: 'value'; attribute: string; prefix: string; from: number; quoted: boolean; narrowing?: string }
  | { kind: 'none' };

export interface TraceQLCompletion {
  label: string;
  /** Replaces the text from the context's `from` to the cursor. */
  insertText: string;
  kind: 'attribute' | 'intrinsic' | 'value';
  detail: string;
}

/** Scopes an attribute name can be written in, as Tempo lists them; `intrinsic` names stand alone. */
const ATTRIBUTE_SCOPES = ['resource', 'span', 'event', 'link', 'instrumentation'];
/** Intrinsics whose values are a fixed set (the tag-values API has none for them). */
const ENUM_VALUES: Record<string, string[]> = {
  status: ['error', 'ok', 'unset'],
  'span:status': ['error', 'ok', 'unset'],
  kind: ['client', 'consumer', 'internal', 'producer', 'server', 'unspecified'],
  'span:kind': ['client', 'consumer', 'internal', 'producer', 'server', 'unspecified'],
};
const OPERATOR = /(!=|=~|!~|>=|<=|=|>|<)\s*$/;
/** An attribute reference just before an operator: `resource.x.y`, `.x`, `span."odd name"`, `duration`, `span:kind`. */
const ATTRIBUTE_BEFORE = /((?:[A-Za-z_][\w:]*)?\.(?:"(?:[^"\\]|\\.)*"|[\w.:\-/]+)|[A-Za-z_][\w:]*)\s*$/;
const CONDITION = /((?:[A-Za-z_][\w:]*)?\.(?:"(?:[^"\\]|\\.)*"|[\w.:\-/]+)|[A-Za-z_][\w:]*)\s*=\s*("(?:[^"\\]|\\.)*")/g;

/** Where the innermost `{` before `offset` opens, or -1 outside a spanset. Strings are skipped. */
function spansetStart(text: string, offset: number): { open: number; inString: boolean; stringStart: number } {
  const opens: number[] = [];
  let inString = false;
  let stringStart = -1;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') { inString = true; stringStart = i; } else if (c === '{') opens.push(i);
    else if (c === '}') opens.pop();
  }
  return { open: opens.at(-1) ?? -1, inString, stringStart };
}

export function traceqlCompletionContext(text: string, offset: number): TraceQLCompletionContext {
  const { open, inString, stringStart } = spansetStart(text, offset);
  if (open < 0) return { kind: 'none' };
  const before = text.slice(open + 1, offset);
  // The value after an operator, bare or inside the quote being typed.
  const valueStart = inString ? stringStart - (open + 1) : before.search(/[\w.:"-]*$/);
  const head = before.slice(0, valueStart);
  const op = OPERATOR.exec(head);
  if (op) {
    const attr = ATTRIBUTE_BEFORE.exec(head.slice(0, op.index));
    if (!attr) return { kind: 'none' };
    const prefix = before.slice(valueStart);
    const narrowing = narrowingQuery(text.slice(open + 1, open + 1 + valueStart - op[0].length - attr[0].length) + text.slice(offset), attr[1]);
    return { kind: 'value', attribute: attr[1], prefix: inString ? prefix.slice(1) : prefix, from: open + 1 + valueStart, quoted: inString, narrowing };
  }
  if (inString) return { kind: 'none' };
  // An attribute name where a condition starts: after `{`, `(`, `&&`, `||` or `!`.
  const word = /(?:([A-Za-z_][\w:]*)?\.)?([\w.:\-/]*)$/.exec(before)!;
  const lead = before.slice(0, before.length - word[0].length);
  if (!/(^|[{(!]|&&|\|\|)\s*$/.test(lead)) return { kind: 'none' };
  if (word[0].includes('.')) {
    const scope = word[1] ?? '';
    if (scope !== '' && !ATTRIBUTE_SCOPES.includes(scope)) return { kind: 'none' };
    return { kind: 'attribute', scope, prefix: word[2], from: offset - word[2].length };
  }
  return { kind: 'attribute', prefix: word[2], from: offset - word[2].length };
}

/** `{ a = "x" && b = "y" }` of the spanset's other string equalities, to narrow the values Tempo offers. */
function narrowingQuery(rest: string, attribute: string): string | undefined {
  const conds: string[] = [];
  for (const m of rest.matchAll(CONDITION)) if (m[1] !== attribute) conds.push(`${m[1]} = ${m[2]}`);
  return conds.length > 0 ? `{ ${conds.join(' && ')} }` : undefined;
}

/** The name Tempo's tag-values API takes for an attribute as written: scoped names as they are, intrinsics bare. */
function tagName(attribute: string): string {
  return attribute.replace(/^([A-Za-z_][\w:]*)?\."((?:[^"\\]|\\.)*)"$/, (_, scope: string | undefined, name: string) => `${scope ?? ''}.${name.replace(/\\(.)/g, '$1')}`);
}

/**
 * Completions for a context. Tag names come from `source.tags()` (pass a cached source: it is called
 * on every keystroke that completes a name).
 */
export async function completeTraceQL(ctx: TraceQLCompletionContext, source: TraceQLTagSource, signal?: AbortSignal): Promise<TraceQLCompletion[]> {
  if (ctx.kind === 'none') return [];
  if (ctx.kind === 'attribute') {
    const scopes = await source.tags(signal);
    const out: TraceQLCompletion[] = [];
    for (const [scope, names] of Object.entries(scopes)) {
      if (scope === 'intrinsic') {
        if (ctx.scope !== undefined) continue;
        for (const name of names) out.push({ label: name, insertText: name, kind: 'intrinsic', detail: source.tagDetail?.(scope, name) ?? 'intrinsic' });
        continue;
      }
      if (ctx.scope !== undefined && ctx.scope !== '' && ctx.scope !== scope) continue;
      for (const name of names) {
        // After `span.` only the name goes in; elsewhere the scoped reference.
        const ref = attributeRef(name, ctx.scope !== undefined ? '' : (scope as 'span' | 'resource'));
        const insertText = ctx.scope !== undefined ? ref.slice(1) : ref;
        out.push({ label: ctx.scope !== undefined ? insertText : ref, insertText, kind: 'attribute', detail: source.tagDetail?.(scope, name) ?? `${scope} attribute` });
      }
    }
    const seen = new Set<string>();
    return out.filter((c) => c.label.startsWith(ctx.prefix) && !seen.has(c.label) && seen.add(c.label));
  }
  const fixed = ENUM_VALUES[ctx.attribute];
  const values = fixed
    ? fixed.map((value) => ({ type: 'keyword', value }))
    : await source.typedTagValues(tagName(ctx.attribute), ctx.narrowing, signal);
  const seen = new Set<string>();
  return values
    .filter((v) => v.value.startsWith(ctx.prefix) && !seen.has(v.value) && seen.add(v.value))
    .sort((a, b) => a.value.localeCompare(b.value))
    .map((v) => {
      // Strings are quoted (escaped, so a value cannot end the query); numbers, booleans, keywords and durations are not.
      const literal = v.type === 'string' ? quoteTraceQL(v.value) : v.value;
      const insertText = ctx.quoted ? (v.type === 'string' ? literal.slice(1) : v.value) : literal;
      return { label: v.value, insertText, kind: 'value' as const, detail: `${ctx.attribute} (${v.type})` };
    });
}

/** Caches a source's tag names for `ttlMs`: completion asks on every keystroke. */
export function cachedTagSource(source: TraceQLTagSource, ttlMs = 60_000, now: () => number = Date.now): TraceQLTagSource {
  let names: { at: number; value: Promise<Record<string, string[]>> } | undefined;
  return {
    tags(signal) {
      if (!names || now() - names.at > ttlMs) {
        const value = source.tags(signal);
        names = { at: now(), value };
        value.catch(() => { names = undefined; });
      }
      return names.value;
    },
    typedTagValues: (tag, q, signal) => source.typedTagValues(tag, q, signal),
    tagDetail: source.tagDetail?.bind(source),
  };
}
