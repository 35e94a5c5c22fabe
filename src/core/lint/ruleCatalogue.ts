/** Rule metadata shared by diagnostics, the CLI's SARIF output and settings validation. */
import type { RuleId, Severity, SeveritySetting } from './findings';

export interface RuleInfo {
  id: RuleId;
  /** Short name, used as SARIF `rule.name`. */
  name: string;
  title: string;
  /** Instrumentation Score impact; decides the default severity (critical → error, important → warning). */
  impact: 'critical' | 'important' | 'normal';
  defaultSeverity: Severity;
  scope: 'source' | 'live' | 'both';
  description: string;
}

const DOCS_BASE = 'https://github.com/trace-lens/trace-lens/blob/main/docs/lint-rules.md';

export function helpUri(id: RuleId): string {
  return `${DOCS_BASE}#${id.toLowerCase()}`;
}

export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  SN001: {
    id: 'SN001', name: 'DynamicSpanName', title: 'Span name built at run time', impact: 'critical', defaultSeverity: 'error', scope: 'source',
    description: 'The span name is built from run-time values (template, concatenation, format call), so every value creates a new span name. Use a static name with {placeholders} and record the value as an attribute.',
  },
  SN002: {
    id: 'SN002', name: 'UrlPathSpanName', title: 'URL path used as span name', impact: 'critical', defaultSeverity: 'error', scope: 'source',
    description: 'The span name comes from the raw request path, which contains ids. Name HTTP server spans "{method} {http.route}".',
  },
  SN010: {
    id: 'SN010', name: 'SpanNameExplosion', title: 'Span name explosion', impact: 'critical', defaultSeverity: 'error', scope: 'live',
    description: 'Many distinct span names come from one place, or many names collapse to one template.',
  },
  SN011: {
    id: 'SN011', name: 'IdInSpanName', title: 'Id-like token in span name', impact: 'important', defaultSeverity: 'warning', scope: 'both',
    description: 'The span name contains a token that looks like an id (UUID, number, hex, email, date, timestamp, query string).',
  },
  SN012: {
    id: 'SN012', name: 'HttpSpanNameMismatch', title: 'HTTP span name does not follow {method} {route}', impact: 'important', defaultSeverity: 'warning', scope: 'live',
    description: 'The span has http.route but its name is not "{method} {http.route}".',
  },
  SD001: {
    id: 'SD001', name: 'SensitiveAttributeKey', title: 'Sensitive attribute key', impact: 'critical', defaultSeverity: 'error', scope: 'both',
    description: 'The attribute key names a credential, card data, health data or personal data. Credentials, card data and SSNs are errors; personal data (email, phone, IP) is a warning.',
  },
  SD002: {
    id: 'SD002', name: 'SensitiveAttributeValue', title: 'Sensitive value recorded', impact: 'critical', defaultSeverity: 'error', scope: 'source',
    description: 'The attribute value is a credential (password, token, authorization header) or a whole request/headers object. Record a derived value instead (hash, length, boolean).',
  },
  SD003: {
    id: 'SD003', name: 'HardCodedSecret', title: 'Hard-coded secret', impact: 'critical', defaultSeverity: 'error', scope: 'source',
    description: 'A string literal looks like a secret (cloud key, token, private key). Remove it and rotate the secret.',
  },
  SD004: {
    id: 'SD004', name: 'SensitiveValue', title: 'Sensitive value in telemetry', impact: 'critical', defaultSeverity: 'error', scope: 'live',
    description: 'An attribute value looks like a card number, SSN, email, IBAN, bearer token, JWT, cloud key or private key. Redact it at the Collector.',
  },
  SD005: {
    id: 'SD005', name: 'CredentialHeaderCapture', title: 'Credential headers captured', impact: 'critical', defaultSeverity: 'error', scope: 'both',
    description: 'Header capture is configured to record authorization, cookie, set-cookie or API-key headers.',
  },
  SD006: {
    id: 'SD006', name: 'SecretInUrl', title: 'Secret in URL', impact: 'critical', defaultSeverity: 'error', scope: 'live',
    description: 'A URL attribute carries user:password credentials or a sensitive query parameter.',
  },
};

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}

/**
 * The severity to report, or undefined when the rule is off. A rule's own finding may carry a
 * lower default (personal data under SD001), which an explicit setting overrides.
 */
export function resolveSeverity(
  id: RuleId,
  findingDefault: Severity,
  overrides: Readonly<Partial<Record<string, SeveritySetting>>> | undefined,
): Severity | undefined {
  const setting = overrides?.[id];
  if (setting === 'off') return undefined;
  return setting ?? findingDefault;
}
