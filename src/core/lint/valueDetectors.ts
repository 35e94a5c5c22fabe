/**
 * Recognisers for sensitive values: SD004 on live attribute values, SD003 on source string
 * literals (the secret subset), SD006 on URLs. Each favours precision: a false alarm on every
 * span trains users to switch the rule off.
 */

export type SensitiveValueKind =
  | 'card-number'
  | 'ssn'
  | 'email'
  | 'iban'
  | 'bearer-token'
  | 'jwt'
  | 'aws-access-key'
  | 'github-token'
  | 'private-key'
  | 'slack-token'
  | 'stripe-key'
  | 'google-api-key'
  | 'basic-auth-url';

export const VALUE_KIND_LABEL: Readonly<Record<SensitiveValueKind, string>> = {
  'card-number': 'a payment card number',
  ssn: 'a US social security number',
  email: 'an email address',
  iban: 'an IBAN',
  'bearer-token': 'a bearer token',
  jwt: 'a JSON Web Token',
  'aws-access-key': 'an AWS access key id',
  'github-token': 'a GitHub token',
  'private-key': 'a PEM private key',
  'slack-token': 'a Slack token',
  'stripe-key': 'a Stripe secret key',
  'google-api-key': 'a Google API key',
  'basic-auth-url': 'a URL with user:password credentials',
};

/** Kinds that are secrets (SD003 in source); the others are personal or payment data. */
const SECRET_KINDS: ReadonlySet<SensitiveValueKind> = new Set([
  'bearer-token', 'jwt', 'aws-access-key', 'github-token', 'private-key', 'slack-token', 'stripe-key', 'google-api-key', 'basic-auth-url',
]);

const SECRET_PATTERNS: ReadonlyArray<readonly [SensitiveValueKind, RegExp]> = [
  ['private-key', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/],
  ['aws-access-key', /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/],
  ['github-token', /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/],
  ['slack-token', /(?<![A-Za-z0-9])xox[baprs]-[A-Za-z0-9-]{10,}/],
  ['stripe-key', /(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16,}/],
  ['google-api-key', /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/],
  ['jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  // A bearer credential needs some length and a digit, so "Bearer token" prose is not flagged.
  ['bearer-token', /\bBearer\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/-]{16,}=*/i],
  ['basic-auth-url', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s:/@]+@[^\s/]+/i],
];

/** All secret patterns in one global regex, for finding candidate literals in raw source text in one pass. */
export const SECRET_SCAN_RE = new RegExp(SECRET_PATTERNS.map(([, re]) => `(?:${re.source})`).join('|'), 'gi');

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/;
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/;
const CARD_CANDIDATE = /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g;
const IBAN = /(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Z0-9])/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function hasCardNumber(value: string): boolean {
  for (const m of value.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    // Mixed separators or all-same digits are rarely cards; real PANs start 2–6.
    if (digits.length < 13 || digits.length > 19) continue;
    if (!/^[2-6]/.test(digits) || /^(\d)\1+$/.test(digits)) continue;
    if (luhnValid(digits)) return true;
  }
  return false;
}

function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/ /g, '');
  if (s.length < 15 || s.length > 34) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? String(code - 55) : ch;
    for (const digit of v) rem = (rem * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

/** Secret-looking content (SD003 and part of SD004). */
export function detectSecret(value: string): SensitiveValueKind | undefined {
  for (const [kind, re] of SECRET_PATTERNS) if (re.test(value)) return kind;
  return undefined;
}

/** Everything SD004 looks for in a live attribute value. */
export function detectSensitiveValue(value: string): SensitiveValueKind | undefined {
  const secret = detectSecret(value);
  if (secret) return secret;
  if (value.length < 9) return undefined;
  if (hasCardNumber(value)) return 'card-number';
  if (SSN.test(value)) return 'ssn';
  const iban = IBAN.exec(value);
  if (iban && ibanValid(iban[0])) return 'iban';
  if (EMAIL.test(value)) return 'email';
  return undefined;
}

/**
 * A literal that could be a password or key when assigned to a credential-named variable:
 * long, no spaces, letters and digits, not an environment variable name, URL, path or placeholder.
 */
export function looksLikeSecretLiteral(v: string): boolean {
  if (v.length < 12 || /\s/.test(v)) return false;
  if (!/\d/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (/^[A-Z0-9_]+$/.test(v)) return false;
  if (/[/\\]|:\/\/|^\$\{|^<.*>$|^%.*%$|\{\w+\}/.test(v)) return false;
  if (/^(change.?me|example|placeholder|dummy|test|redacted)/i.test(v)) return false;
  return true;
}

export function isSecretKind(kind: SensitiveValueKind): boolean {
  return SECRET_KINDS.has(kind);
}

/** Query parameter names that carry credentials in URLs (SD006). */
const SENSITIVE_QUERY_KEYS = new Set([
  'token', 'access_token', 'refresh_token', 'id_token', 'key', 'api_key', 'apikey', 'sig', 'signature',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'awsaccesskeyid', 'password', 'pwd', 'secret',
  'client_secret', 'code', 'auth', 'session', 'sessionid', 'jwt', 'x-goog-signature', 'x-goog-credential',
]);

export interface UrlSecret {
  kind: 'userinfo' | 'query';
  /** The offending query parameter, for `query`. */
  parameter?: string;
}

/** SD006: `user:pass@` userinfo, or a sensitive query key with a non-empty value, in a URL or bare query string. */
export function detectUrlSecret(url: string): UrlSecret | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]+:[^\s/?#@]*@/i.test(url)) return { kind: 'userinfo' };
  const q = url.indexOf('?');
  const query = q >= 0 ? url.slice(q + 1) : /^[^/\s]*=/.test(url) ? url : '';
  if (!query) return undefined;
  for (const pair of query.split('#')[0].split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name);
    } catch {
      // Keep the raw name: a malformed escape is no reason to miss a secret.
    }
    const value = pair.slice(eq + 1);
    // Already redacted values (`REDACTED`, `***`) are what we want to see.
    if (!value || /^(?:redacted|\*+|x+|%2A+)$/i.test(value)) continue;
    if (SENSITIVE_QUERY_KEYS.has(name.toLowerCase())) return { kind: 'query', parameter: name };
  }
  return undefined;
}
