/**
 * Shared state of one conversion: size limits and the warnings collected on the way.
 * Span data is hostile input (any service can write any attribute), so every converter
 * bounds what it keeps and says what it dropped instead of failing.
 */

export interface ConversionLimits {
  /** Characters kept of one string value. */
  maxStringLength: number;
  maxAttributesPerSpan: number;
  maxEventsPerSpan: number;
  maxLinksPerSpan: number;
  /** Elements kept of one array or key-value list value. */
  maxArrayLength: number;
  /** Nesting of arrays and key-value lists. */
  maxDepth: number;
  /** Spans kept in one conversion. */
  maxSpans: number;
}

export const DEFAULT_LIMITS: ConversionLimits = {
  maxStringLength: 32 * 1024,
  maxAttributesPerSpan: 1024,
  maxEventsPerSpan: 2048,
  maxLinksPerSpan: 1024,
  maxArrayLength: 1024,
  maxDepth: 8,
  maxSpans: 2_000_000,
};

export class ConversionContext {
  readonly limits: ConversionLimits;
  /** Counted by kind so a million bad values give one line, not a million. */
  private readonly counts = new Map<string, number>();
  private readonly notes: string[] = [];

  constructor(limits: Partial<ConversionLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  count(kind: string, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  note(message: string): void {
    if (this.notes.length < 50 && !this.notes.includes(message)) this.notes.push(message);
  }

  warnings(): string[] {
    const out = [...this.notes];
    for (const [kind, n] of this.counts) out.push(WARNING_TEXT[kind]?.(n, this.limits) ?? `${n} × ${kind}`);
    return out;
  }

  /** Truncates long strings and replaces lone surrogates, which would break JSON and the webview. */
  str(value: string): string {
    let s = value;
    if (s.length > this.limits.maxStringLength) {
      this.count('truncatedString');
      s = `${s.slice(0, this.limits.maxStringLength)}…`;
    }
    if (!isWellFormed(s)) {
      this.count('invalidText');
      s = toWellFormed(s);
    }
    return s;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// A separate non-global copy: `test` on a /g regex keeps state between calls.
const LONE_SURROGATE_ONE = new RegExp(LONE_SURROGATE.source);

function isWellFormed(s: string): boolean {
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (native) return native.call(s);
  return !LONE_SURROGATE_ONE.test(s);
}

function toWellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

const WARNING_TEXT: Record<string, (n: number, l: ConversionLimits) => string> = {
  truncatedString: (n, l) => `${n} attribute value(s) longer than ${l.maxStringLength} characters were truncated.`,
  invalidText: (n) => `${n} text value(s) contained invalid Unicode and were repaired.`,
  droppedAttributes: (n, l) => `${n} attribute(s) beyond ${l.maxAttributesPerSpan} per span were dropped.`,
  droppedEvents: (n, l) => `${n} event(s) beyond ${l.maxEventsPerSpan} per span were dropped.`,
  droppedLinks: (n, l) => `${n} link(s) beyond ${l.maxLinksPerSpan} per span were dropped.`,
  truncatedArray: (n, l) => `${n} array or map value(s) longer than ${l.maxArrayLength} elements were truncated.`,
  tooDeep: (n, l) => `${n} value(s) nested deeper than ${l.maxDepth} levels were cut.`,
  badValue: (n) => `${n} attribute value(s) had an unexpected type and were kept as text.`,
  badSpan: (n) => `${n} span(s) had no valid trace or span id and were skipped.`,
  badTime: (n) => `${n} span(s) had no valid start time; they are shown at the trace start.`,
  negativeDuration: (n) => `${n} span(s) ended before they started; their duration is shown as 0.`,
  duplicateSpan: (n) => `${n} duplicate span(s) (same span id) were dropped.`,
  badParent: (n) => `${n} span(s) had an unreadable parent id and are shown as roots.`,
  droppedSpans: (n, l) => `${n} span(s) beyond ${l.maxSpans} were dropped.`,
  badEvent: (n) => `${n} event(s) or log(s) without a valid time were placed at their span's start.`,
  badLink: (n) => `${n} link(s) or reference(s) with unreadable ids were dropped.`,
};
