/**
 * Redaction of received spans before they are written to disk. The values the sensitive-data lint
 * rules flag (SD001 key, SD004 value, SD005 credential header, SD006 URL secret: see
 * sensitiveAttribute in ../lint/liveRules.ts) are replaced, so a token a service records never
 * lands in the workspace storage folder. The spans held in memory are not touched: the live lint
 * must still see what it reports.
 *
 * Rules switched `off` in `traceLens.lint.rules` still redact: silencing a diagnostic is about
 * noise, not about wanting secrets on disk. `traceLens.lint.allowedKeys` does exempt a key, since it
 * says the key is not sensitive.
 */
import { isUrlAttributeKey, sensitiveAttribute } from '../lint/liveRules';
import { SensitiveKeyMatcher, type KeyMatcherOptions } from '../lint/sensitiveKeys';
import { detectSensitiveValue, detectUrlSecret } from '../lint/valueDetectors';
import type { AttributeValue, Attributes, InstrumentationScope, Resource, Span } from '../model/trace';

/** What a whole redacted value becomes. */
export const REDACTED_VALUE = '[redacted by Trace Lens]';
/** What a redacted URL query parameter becomes: the value SD006 treats as already redacted. */
const REDACTED_QUERY_VALUE = 'REDACTED';

export class SnapshotRedactor {
  private readonly keys: SensitiveKeyMatcher;
  /** Resources and scopes are shared by many spans: redact each object once, keep them shared. */
  private readonly resources = new WeakMap<Resource, Resource>();
  private readonly scopes = new WeakMap<InstrumentationScope, InstrumentationScope>();
  /** Held spans never change: a redactor kept across saves checks each span once, not on every save. */
  private readonly spans = new WeakMap<Span, Span>();
  private redactedCount = 0;

  constructor(options: KeyMatcherOptions = {}) {
    this.keys = new SensitiveKeyMatcher(options);
  }

  /** Attribute values replaced so far (each span counted once, the first time it is redacted). */
  get redacted(): number {
    return this.redactedCount;
  }

  /** The span itself when nothing in it is flagged, else a copy with the flagged values replaced. */
  redactSpan(span: Span): Span {
    let out = this.spans.get(span);
    if (!out) {
      out = this.redactSpanOnce(span);
      this.spans.set(span, out);
    }
    return out;
  }

  private redactSpanOnce(span: Span): Span {
    const attributes = this.redactAttributes(span.attributes);
    const resource = this.redactResource(span.resource);
    const scope = this.redactScope(span.scope);
    let events = span.events;
    if (events.some((e) => this.redactAttributes(e.attributes, false) !== e.attributes)) {
      events = events.map((e) => ({ ...e, attributes: this.redactAttributes(e.attributes) }));
    }
    let links = span.links;
    if (links.some((l) => this.redactAttributes(l.attributes, false) !== l.attributes)) {
      links = links.map((l) => ({ ...l, attributes: this.redactAttributes(l.attributes) }));
    }
    if (attributes === span.attributes && resource === span.resource && scope === span.scope && events === span.events && links === span.links) {
      return span;
    }
    return { ...span, attributes, resource, scope, events, links };
  }

  /** The same object when nothing is flagged (so callers can compare by identity). */
  redactAttributes(attributes: Attributes, count = true): Attributes {
    let out: Attributes | undefined;
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      const redacted = this.redactValue(key, value);
      if (redacted === value) continue;
      out ??= { ...attributes };
      out[key] = redacted;
      if (count) this.redactedCount++;
    }
    return out ?? attributes;
  }

  private redactValue(key: string, value: AttributeValue): AttributeValue {
    const found = sensitiveAttribute(key, value, this.keys);
    if (!found) return value;
    // A URL keeps its scheme, host and path, which the waterfall shows; its secrets go.
    if (!found.credentialHeader && !found.key && !found.valueKind && found.urlSecret && typeof value === 'string' && isUrlAttributeKey(key)) {
      const url = redactUrl(value);
      if (detectUrlSecret(url) === undefined && detectSensitiveValue(url) === undefined) return url;
    }
    return REDACTED_VALUE;
  }

  private redactResource(resource: Resource): Resource {
    const known = this.resources.get(resource);
    if (known) return known;
    const attributes = this.redactAttributes(resource.attributes);
    const out = attributes === resource.attributes ? resource : { ...resource, attributes };
    this.resources.set(resource, out);
    return out;
  }

  private redactScope(scope: InstrumentationScope): InstrumentationScope {
    const known = this.scopes.get(scope);
    if (known) return known;
    const attributes = scope.attributes ? this.redactAttributes(scope.attributes) : undefined;
    const out = attributes === scope.attributes ? scope : { ...scope, attributes };
    this.scopes.set(scope, out);
    return out;
  }
}

const SENSITIVE_QUERY_VALUE = /((?:^|[?&;])(?:token|access_token|refresh_token|id_token|key|api_key|apikey|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|password|pwd|secret|client_secret|code|auth|session|sessionid|jwt|x-goog-signature|x-goog-credential)=)[^&#;]*/gi;

/** Drops `user:password@` and masks the values of credential query parameters. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/i, '$1')
    .replace(SENSITIVE_QUERY_VALUE, (_m, prefix: string) => `${prefix}${REDACTED_QUERY_VALUE}`);
}
