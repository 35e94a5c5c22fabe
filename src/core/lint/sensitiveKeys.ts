/**
 * SD001 key matching: keys are split into lower-case tokens and compared whole-token, so
 * `author` and `gen_ai.usage.input_tokens` do not match `auth` and `token` by substring.
 */
import type { Severity } from './findings';

export type SensitiveClass = 'credential' | 'payment' | 'government-id' | 'health' | 'personal';

export interface KeyMatch {
  /** The term from the list that matched, e.g. "api key". */
  term: string;
  sensitiveClass: SensitiveClass;
  /** Personal data is a warning; everything else an error. */
  severity: Severity;
}

export interface KeyMatcherOptions {
  /** Extra terms ("pin", "otp") or key globs ("myapp.*.secret_ref"); treated as credentials. */
  sensitiveKeys?: readonly string[];
  /** Key globs never reported, e.g. "app.session.count" or "internal.*". */
  allowedKeys?: readonly string[];
}

const DEFAULT_TERMS: ReadonlyArray<readonly [string, SensitiveClass]> = [
  ['password', 'credential'], ['passwd', 'credential'], ['pwd', 'credential'], ['passphrase', 'credential'],
  ['secret', 'credential'], ['api key', 'credential'], ['apikey', 'credential'], ['auth', 'credential'],
  ['authorization', 'credential'], ['credentials', 'credential'], ['credential', 'credential'],
  ['private key', 'credential'], ['access key', 'credential'], ['token', 'credential'], ['session', 'credential'],
  ['sessionid', 'credential'], ['csrf', 'credential'], ['xsrf', 'credential'], ['cookie', 'credential'],
  ['cookies', 'credential'], ['set cookie', 'credential'], ['bearer', 'credential'], ['jwt', 'credential'],
  ['credit', 'payment'], ['card', 'payment'], ['cvv', 'payment'], ['cvc', 'payment'], ['iban', 'payment'],
  ['ssn', 'government-id'],
  ['diagnosis', 'health'], ['patient id', 'health'], ['insurance id', 'health'],
  ['email', 'personal'], ['phone', 'personal'], ['ip', 'personal'],
];

export const DEFAULT_ALLOWED_KEYS: readonly string[] = ['gen_ai.usage.*_tokens', 'messaging.kafka.message.key', 'author'];

/**
 * A token right after the matched term that turns the key into metadata about the secret
 * rather than the secret: `password.length`, `token.type`, `auth.method`, `email.domain`.
 */
const BENIGN_QUALIFIERS = new Set([
  'count', 'type', 'length', 'len', 'size', 'expiry', 'expires', 'expired', 'expiration', 'ttl', 'scheme',
  'method', 'provider', 'kind', 'enabled', 'valid', 'present', 'status', 'source', 'mode', 'version',
  'hash', 'hashed', 'sha256', 'domain', 'verified', 'limit', 'usage', 'strategy', 'required', 'format',
  'policy', 'strength', 'brand', 'last4', 'issuer', 'network', 'country', 'rules', 'reset', 'rotation', 'rotated', 'changed', 'updated', 'age', 'attempts',
]);

/** A token right before the term that makes the key a flag or a counter: `has_token`, `is_authenticated`. */
const BENIGN_PREFIXES = new Set(['has', 'is', 'no', 'num', 'missing', 'valid', 'invalid']);

/** Splits on `.`, `_`, `-`, spaces, `/`, `:` and camelCase humps; lower-cases. */
export function tokeniseKey(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

interface Term {
  tokens: string[];
  text: string;
  sensitiveClass: SensitiveClass;
}

export class SensitiveKeyMatcher {
  private readonly terms: Term[];
  private readonly keyGlobs: RegExp[];
  private readonly allowed: RegExp[];

  constructor(options: KeyMatcherOptions = {}) {
    this.terms = DEFAULT_TERMS.map(([text, sensitiveClass]) => ({ text, tokens: tokeniseKey(text), sensitiveClass }));
    this.keyGlobs = [];
    for (const extra of options.sensitiveKeys ?? []) {
      if (/[*.]/.test(extra)) this.keyGlobs.push(globToRegExp(extra));
      else this.terms.push({ text: extra.toLowerCase(), tokens: tokeniseKey(extra), sensitiveClass: 'credential' });
    }
    this.allowed = [...DEFAULT_ALLOWED_KEYS, ...(options.allowedKeys ?? [])].map(globToRegExp);
  }

  isAllowed(key: string): boolean {
    return this.allowed.some((re) => re.test(key));
  }

  private readonly keyCache = new Map<string, KeyMatch | undefined>();

  /** SD001: any whole-token occurrence of a term in the key. */
  matchKey(key: string): KeyMatch | undefined {
    // The same keys recur on every span and in every file: remember the answers.
    if (this.keyCache.has(key)) return this.keyCache.get(key);
    const m = this.computeKeyMatch(key);
    if (this.keyCache.size > 10000) this.keyCache.clear();
    this.keyCache.set(key, m);
    return m;
  }

  private computeKeyMatch(key: string): KeyMatch | undefined {
    if (this.isAllowed(key)) return undefined;
    if (this.keyGlobs.some((re) => re.test(key))) return toMatch({ text: key, tokens: [], sensitiveClass: 'credential' });
    const tokens = tokeniseKey(key);
    let best: Term | undefined;
    for (const term of this.terms) {
      if (termAt(tokens, term) !== undefined && (!best || rank(term) > rank(best))) best = term;
    }
    return best ? toMatch(best) : undefined;
  }

  /**
   * SD002: a value expression's name (`user.password`, `apiKey`) is sensitive only when it ends
   * with the term, so `passwordHash` and `password.length` stay quiet.
   */
  matchValueName(name: string): KeyMatch | undefined {
    const tokens = tokeniseKey(name);
    if (tokens.length === 0) return undefined;
    // A boolean about a secret is not the secret.
    if (tokens.length > 1 && ['has', 'is', 'num', 'n'].includes(tokens[0])) return undefined;
    const joinedTail = tokens.slice(-2).join('');
    for (const term of this.terms) {
      // Values are judged for credentials only: a card or SSN value is caught by its key (SD001) or live (SD004).
      if (term.sensitiveClass !== 'credential') continue;
      const n = term.tokens.length;
      const tail = tokens.slice(-n);
      if (tail.length === n && tail.every((t, i) => t === term.tokens[i])) return toMatch(term);
      if (term.tokens.length === 1 && joinedTail === term.tokens[0]) return toMatch(term);
    }
    return undefined;
  }
}

function rank(term: Term): number {
  // Prefer reporting the error class over personal data when a key has both (`user.email.password`).
  return (term.sensitiveClass === 'personal' ? 0 : 10) + term.tokens.length;
}

function termAt(tokens: readonly string[], term: Term): number | undefined {
  const n = term.tokens.length;
  for (let i = 0; i + n <= tokens.length; i++) {
    let ok = true;
    for (let j = 0; j < n; j++) {
      if (tokens[i + j] !== term.tokens[j]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const next = tokens[i + n];
    if (next !== undefined && BENIGN_QUALIFIERS.has(next)) continue;
    const prev = tokens[i - 1];
    if (prev !== undefined && BENIGN_PREFIXES.has(prev)) continue;
    return i;
  }
  return undefined;
}

function toMatch(term: Term): KeyMatch {
  return { term: term.text, sensitiveClass: term.sensitiveClass, severity: term.sensitiveClass === 'personal' ? 'warning' : 'error' };
}

export function describeClass(c: SensitiveClass): string {
  switch (c) {
    case 'credential':
      return 'a credential';
    case 'payment':
      return 'payment card data';
    case 'government-id':
      return 'a government id';
    case 'health':
      return 'health data';
    case 'personal':
      return 'personal data';
  }
}
