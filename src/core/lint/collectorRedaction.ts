/**
 * SD004's fix lives outside the code: a Collector `redaction` processor snippet that masks the
 * value kinds that were seen, for the user to paste into their Collector configuration.
 */
import type { SensitiveValueKind } from './valueDetectors';

const BLOCKED_VALUE_PATTERNS: Readonly<Partial<Record<SensitiveValueKind, string>>> = {
  'card-number': '\\b(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|3[47][0-9]{13}|6(?:011|5[0-9]{2})[0-9]{12})\\b',
  ssn: '\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b',
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}',
  iban: '\\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\\b',
  'bearer-token': '(?i)bearer\\s+[A-Za-z0-9._~+/-]+=*',
  jwt: 'eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+',
  'aws-access-key': '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b',
  'github-token': '\\bgh[pousr]_[A-Za-z0-9]{36,}\\b',
  'private-key': '-----BEGIN [A-Z ]*PRIVATE KEY-----',
  'slack-token': '\\bxox[baprs]-[A-Za-z0-9-]{10,}',
  'stripe-key': '\\b[sr]k_live_[A-Za-z0-9]{16,}',
  'google-api-key': '\\bAIza[0-9A-Za-z_-]{35}\\b',
};

function yamlQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** YAML for `processors.redaction`; add `redaction` to the traces pipeline's processors. */
export function redactionProcessorSnippet(kinds: Iterable<SensitiveValueKind>): string {
  const patterns = [...new Set(kinds)].map((k) => BLOCKED_VALUE_PATTERNS[k]).filter((p): p is string => p !== undefined);
  return [
    'processors:',
    '  redaction:',
    '    allow_all_keys: true',
    '    blocked_values:',
    ...patterns.map((p) => `      - ${yamlQuote(p)}`),
    '    summary: info',
    '',
  ].join('\n');
}
