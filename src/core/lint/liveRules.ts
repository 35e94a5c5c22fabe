/**
 * Rules over received spans (the local receiver's store or fetched traces): SN010, SN011,
 * SN012, SD001, SD004, SD005, SD006. Pure functions over the model; each finding names a span
 * so the extension can map it to source through its code.* attributes.
 */
import type { AttributeValue, Attributes, Span } from '../model/trace';
import { revisionOf } from '../source/revision';
import type { LiveFinding, LiveRuleId, Severity, SeveritySetting, SpanRef } from './findings';
import { normalizeSpanName } from './nameNormalizer';
import { resolveSeverity } from './ruleCatalogue';
import { describeClass, SensitiveKeyMatcher, type KeyMatch, type KeyMatcherOptions } from './sensitiveKeys';
import { detectSensitiveValue, detectUrlSecret, VALUE_KIND_LABEL, type SensitiveValueKind, type UrlSecret } from './valueDetectors';

export interface ExplosionThresholds {
  /** SN010 by code location: at least this many distinct names… (default 50) */
  minDistinctNames: number;
  /** …and distinct/total at least this ratio (default 0.2). */
  minDistinctRatio: number;
  /** SN010 by template: this many raw names collapsing to one template (default 5). */
  minNamesPerTemplate: number;
}

export interface LiveLintOptions extends KeyMatcherOptions {
  rules?: Readonly<Record<string, SeveritySetting>>;
  explosion?: Partial<ExplosionThresholds>;
  /** A matcher built from these options and kept across calls (it caches each key's verdict); else one is built per call. */
  keyMatcher?: SensitiveKeyMatcher;
}

const DEFAULT_THRESHOLDS: ExplosionThresholds = { minDistinctNames: 50, minDistinctRatio: 0.2, minNamesPerTemplate: 5 };

const CREDENTIAL_HEADER_KEY = /^http\.(request|response)\.header\.(authorization|proxy[-_]authorization|cookie|set[-_]cookie|x[-_]api[-_]key|api[-_]key|x[-_]auth[-_]token)$/i;
const HEADER_KEY = /^http\.(request|response)\.header\./;
const URL_KEYS = ['url.full', 'url.query', 'http.url', 'http.target', 'url.original'];

function str(v: AttributeValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string') return v[0];
  return undefined;
}

function num(v: AttributeValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function spanRef(span: Span): SpanRef {
  const a = span.attributes;
  const ref: SpanRef = { traceId: span.traceId, spanId: span.spanId, serviceName: span.resource.serviceName, name: span.name };
  const file = str(a['code.file.path']) ?? str(a['code.filepath']);
  const line = num(a['code.line.number']) ?? num(a['code.lineno']);
  const fn = str(a['code.function.name']) ?? str(a['code.function']);
  if (file) ref.codeFilePath = file;
  if (line !== undefined) ref.codeLineNumber = line;
  if (fn) ref.codeFunction = fn;
  if (line !== undefined) {
    const revision = revisionOf(a, span.resource.attributes);
    if (revision) ref.codeRevision = revision.commit;
  }
  return ref;
}

/** Code location of a span, or undefined when it carries no code.* attributes. */
function codeLocation(span: Span): string | undefined {
  const r = spanRef(span);
  if (!r.codeFilePath && !r.codeFunction) return undefined;
  return `${r.codeFilePath ?? ''}:${r.codeLineNumber ?? ''}:${r.codeFunction ?? ''}`;
}

class Collector {
  readonly out: LiveFinding[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly overrides: LiveLintOptions['rules']) {}

  add(dedupeKey: string, f: Omit<LiveFinding, 'severity'> & { severity: Severity }): void {
    const key = `${f.ruleId}\u0000${dedupeKey}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const severity = resolveSeverity(f.ruleId, f.severity, this.overrides);
    if (severity) this.out.push({ ...f, severity });
  }
}

export function lintSpans(spans: readonly Span[], options: LiveLintOptions = {}): LiveFinding[] {
  const c = new Collector(options.rules);
  const keys = options.keyMatcher ?? new SensitiveKeyMatcher(options);
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.explosion };
  // The live linter runs the name rules over a window of its own and the others span by span:
  // a pass skips the rules turned off for it rather than computing findings to drop.
  const on = (id: LiveRuleId): boolean => options.rules?.[id] !== 'off';
  if (on('SN010') || on('SN011')) nameRules(spans, thresholds, c);
  const httpNames = on('SN012');
  const sensitive = on('SD001') || on('SD004') || on('SD005') || on('SD006');
  if (!httpNames && !sensitive) return c.out;
  const resourcesSeen = new WeakSet<object>();
  for (const span of spans) {
    if (httpNames) httpNameRule(span, c);
    if (sensitive) sensitiveDataRules(span, keys, c, resourcesSeen);
  }
  return c.out;
}

function nameRules(spans: readonly Span[], t: ExplosionThresholds, c: Collector): void {
  const byLocation = new Map<string, { names: Set<string>; total: number; example: Span }>();
  const byTemplate = new Map<string, { names: Set<string>; example: Span; template: string; placeholders: string[] }>();
  // A window of thousands of spans holds a few hundred names at most: each is normalized once.
  const normalizedNames = new Map<string, ReturnType<typeof normalizeSpanName>>();
  const normalize = (name: string): ReturnType<typeof normalizeSpanName> => {
    let n = normalizedNames.get(name);
    if (!n) normalizedNames.set(name, (n = normalizeSpanName(name)));
    return n;
  };
  for (const span of spans) {
    const service = span.resource.serviceName;
    const loc = codeLocation(span);
    if (loc) {
      const g = byLocation.get(`${service}\u0000${loc}`) ?? { names: new Set<string>(), total: 0, example: span };
      g.names.add(span.name);
      g.total++;
      byLocation.set(`${service}\u0000${loc}`, g);
    }
    const n = normalize(span.name);
    if (n.placeholders.length === 0) continue;
    const key = `${service}\u0000${n.template}`;
    const g = byTemplate.get(key) ?? { names: new Set<string>(), example: span, template: n.template, placeholders: n.placeholders };
    g.names.add(span.name);
    byTemplate.set(key, g);
  }
  const exploded = new Set<string>();
  for (const [key, g] of byLocation) {
    if (g.names.size >= t.minDistinctNames && g.names.size / g.total >= t.minDistinctRatio) {
      const ref = spanRef(g.example);
      c.add(key, {
        ruleId: 'SN010', severity: 'error', span: ref, distinctNames: g.names.size, spanCount: g.total,
        message: `${g.names.size} distinct span names from one code location (${ref.codeFilePath ?? ref.codeFunction}${ref.codeLineNumber ? `:${ref.codeLineNumber}` : ''}) in ${g.total} spans of ${ref.serviceName}. Use a static name and put the varying part in an attribute.`,
      });
      for (const name of g.names) exploded.add(`${ref.serviceName}\u0000${normalize(name).template}`);
    }
  }
  for (const [key, g] of byTemplate) {
    const ref = spanRef(g.example);
    if (g.names.size >= t.minNamesPerTemplate) {
      exploded.add(key);
      c.add(`template\u0000${key}`, {
        ruleId: 'SN010', severity: 'error', span: ref, suggestion: g.template, distinctNames: g.names.size,
        message: `${g.names.size} span names of ${ref.serviceName} collapse to "${g.template}". Name the span "${g.template}" and record the value as an attribute.`,
      });
    }
  }
  for (const [key, g] of byTemplate) {
    if (exploded.has(key)) continue;
    const ref = spanRef(g.example);
    c.add(key, {
      ruleId: 'SN011', severity: 'warning', span: ref, suggestion: g.template,
      message: `Span name "${g.example.name}" contains id-like tokens (${[...new Set(g.placeholders)].join(', ')}); as a template: "${g.template}".`,
    });
  }
}

function httpNameRule(span: Span, c: Collector): void {
  const route = str(span.attributes['http.route']);
  if (!route) return;
  const rawMethod = str(span.attributes['http.request.method']) ?? str(span.attributes['http.method']);
  if (!rawMethod) return;
  const method = rawMethod === '_OTHER' ? 'HTTP' : rawMethod;
  const expected = `${method} ${route}`;
  if (span.name === expected) return;
  // One finding per route: when names explode (ids in them) a key with the name would flood the Problems view.
  c.add(`${span.resource.serviceName}\u0000${expected}`, {
    ruleId: 'SN012', severity: 'warning', span: spanRef(span), suggestion: expected,
    message: `HTTP span "${span.name}" has http.route "${route}"; name it "${expected}".`,
  });
}

interface AttributeMap {
  attrs: Attributes;
  location: 'span' | 'resource' | 'event' | 'link';
}

function attributeMaps(span: Span, resourcesSeen: WeakSet<object>): AttributeMap[] {
  const maps: AttributeMap[] = [{ attrs: span.attributes, location: 'span' }];
  // Resources are shared by a batch: check each once.
  if (!resourcesSeen.has(span.resource)) {
    resourcesSeen.add(span.resource);
    maps.push({ attrs: span.resource.attributes, location: 'resource' });
  }
  for (const e of span.events) maps.push({ attrs: e.attributes, location: 'event' });
  for (const l of span.links) maps.push({ attrs: l.attributes, location: 'link' });
  return maps;
}

function stringsOf(v: AttributeValue, out: string[], depth = 0): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v) && depth < 3) for (const x of v) stringsOf(x, out, depth + 1);
  else if (v && typeof v === 'object' && !(v instanceof Uint8Array) && depth < 3) for (const x of Object.values(v)) stringsOf(x, out, depth + 1);
}

/**
 * What the sensitive-data rules (SD001, SD004, SD005, SD006) see in one attribute; undefined when
 * nothing. The live lint reports these and the receiver redacts them before saving spans to disk,
 * so both always agree on what is sensitive.
 */
export interface SensitiveAttribute {
  /** SD005: a captured credential header (`http.request.header.authorization`). */
  credentialHeader?: true;
  /** SD001: the key names a credential or personal data. */
  key?: KeyMatch;
  /** SD004: the value holds a secret, card number, email… */
  valueKind?: SensitiveValueKind;
  /** SD006: a URL attribute carries userinfo or a sensitive query parameter. */
  urlSecret?: UrlSecret;
}

export function sensitiveAttribute(key: string, value: AttributeValue, keys: SensitiveKeyMatcher): SensitiveAttribute | undefined {
  if (CREDENTIAL_HEADER_KEY.test(key)) return { credentialHeader: true };
  if (keys.isAllowed(key)) return undefined;
  const found: SensitiveAttribute = {};
  const m = HEADER_KEY.test(key) ? undefined : keys.matchKey(key);
  if (m) found.key = m;
  const strings: string[] = [];
  stringsOf(value, strings);
  let kind: SensitiveValueKind | undefined;
  for (const s of strings) {
    kind = detectSensitiveValue(s);
    if (kind) break;
  }
  // URL credentials are SD006's, with a message about sanitising the URL.
  if (kind === 'basic-auth-url' && URL_KEYS.includes(key)) kind = undefined;
  if (kind) found.valueKind = kind;
  if (URL_KEYS.includes(key) && typeof value === 'string') {
    const secret = detectUrlSecret(value);
    if (secret) found.urlSecret = secret;
  }
  return found.key || found.valueKind || found.urlSecret ? found : undefined;
}

/** Attribute keys that hold URLs, which SD006 checks for credentials. */
export function isUrlAttributeKey(key: string): boolean {
  return URL_KEYS.includes(key);
}

function sensitiveDataRules(span: Span, keys: SensitiveKeyMatcher, c: Collector, seen: WeakSet<object>): void {
  const service = span.resource.serviceName;
  for (const { attrs, location } of attributeMaps(span, seen)) {
    for (const [key, value] of Object.entries(attrs)) {
      const found = sensitiveAttribute(key, value, keys);
      if (!found) continue;
      if (found.credentialHeader) {
        c.add(`${service}\u0000${key}`, {
          ruleId: 'SD005', severity: 'error', span: spanRef(span), attributeKey: key, location,
          message: `${key} is captured: credentials end up in every span. Remove the header from the capture configuration.`,
        });
        continue;
      }
      const m = found.key;
      if (m) {
        c.add(`${service}\u0000${location}\u0000${key}`, {
          ruleId: 'SD001', severity: m.severity, span: spanRef(span), attributeKey: key, location,
          message: `${location === 'span' ? 'Span' : location[0].toUpperCase() + location.slice(1)} attribute "${key}" looks like ${describeClass(m.sensitiveClass)} ("${m.term}").`,
        });
      }
      const kind = found.valueKind;
      if (kind) {
        c.add(`${service}\u0000${key}\u0000${kind}`, {
          ruleId: 'SD004', severity: kind === 'email' ? 'warning' : 'error', span: spanRef(span), attributeKey: key, location, valueKind: kind,
          message: `Attribute "${key}" holds ${VALUE_KIND_LABEL[kind]}. Redact it at the Collector (redaction processor) or stop recording it.`,
        });
      }
      const secret = found.urlSecret;
      if (secret) {
        c.add(`${service}\u0000${key}\u0000${secret.kind}\u0000${secret.parameter ?? ''}`, {
          ruleId: 'SD006', severity: 'error', span: spanRef(span), attributeKey: key, location,
          message: secret.kind === 'userinfo'
            ? `${key} contains user:password credentials. Strip the userinfo before recording the URL.`
            : `${key} carries the sensitive query parameter "${secret.parameter}". Redact its value before recording the URL.`,
        });
      }
    }
  }
}

/** Rule ids this module can report, for settings UIs. */
export const LIVE_RULE_IDS: readonly LiveRuleId[] = ['SN010', 'SN011', 'SN012', 'SD001', 'SD004', 'SD005', 'SD006'];
