/**
 * Collapses high-cardinality tokens in span names into placeholders. Shared by SN011 on
 * source literals and by SN010/SN011 on live span names, so both agree on what a template is.
 */

interface Replacement {
  re: RegExp;
  placeholder: string;
  /** Optional check on the match, for patterns a regex alone cannot express well. */
  accept?: (match: string) => boolean;
}

// Boundaries: a token is "standalone" when not glued to letters or digits, so `oauth2`,
// `base64`, `sha256` and `http2` stay as they are.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

const REPLACEMENTS: readonly Replacement[] = [
  // Query strings go first so ids inside them do not produce extra placeholders.
  { re: /\?[^\s#]*/g, placeholder: '?{query}', accept: (m) => m.length > 1 },
  { re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, placeholder: '{email}' },
  { re: new RegExp(`${B}[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}${E}`, 'g'), placeholder: '{uuid}' },
  {
    re: new RegExp(`${B}\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?${E}`, 'g'),
    placeholder: '{date}',
  },
  // Epoch seconds (2001–2286) and milliseconds.
  { re: new RegExp(`${B}1\\d{9}(?:\\d{3})?${E}`, 'g'), placeholder: '{timestamp}' },
  // Hex runs of 6+ with at least one digit (so `facade`, `deadbeef`-free words survive).
  { re: new RegExp(`${B}[0-9a-fA-F]{6,}${E}`, 'g'), placeholder: '{hex}', accept: (m) => /\d/.test(m) && /[a-fA-F]/.test(m) },
  // Digit groups with separators: card-like, phone-like, `12-34-56`.
  { re: new RegExp(`${B}\\d+(?:[-.:, ]\\d+){2,}${E}`, 'g'), placeholder: '{id}', accept: (m) => !/^\d+\.\d+\.\d+$/.test(m) },
  { re: new RegExp(`${B}\\d{2,}${E}`, 'g'), placeholder: '{id}' },
  // Long tokens mixing letters and digits (base64 ids, random slugs), not plain words.
  {
    re: new RegExp(`${B}[A-Za-z0-9_-]{16,}${E}`, 'g'),
    placeholder: '{token}',
    accept: (m) => /\d/.test(m) && /[A-Za-z]/.test(m) && (m.match(/\d/g) ?? []).length >= 3,
  },
];

export interface NormalizedName {
  template: string;
  /** Which kinds of token were replaced, e.g. ["{uuid}", "{id}"]. */
  placeholders: string[];
}

/** `GET /users/123/orders/9f8e7d6c` → `GET /users/{id}/orders/{hex}`. Existing `{id}` placeholders are kept. */
export function normalizeSpanName(name: string): NormalizedName {
  let template = name;
  const placeholders: string[] = [];
  for (const r of REPLACEMENTS) {
    template = template.replace(r.re, (m) => {
      // Never rewrite inside an existing {placeholder}.
      if (r.accept && !r.accept(m)) return m;
      placeholders.push(r.placeholder);
      return r.placeholder;
    });
  }
  return { template, placeholders };
}

/** True when the name contains id-like tokens (SN011). */
export function hasIdLikeToken(name: string): boolean {
  return normalizeSpanName(name).placeholders.length > 0;
}
