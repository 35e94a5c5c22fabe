import type { LiveFinding, SeveritySetting } from '../core/lint/findings';
import { lintSpans, LIVE_RULE_IDS } from '../core/lint/liveRules';
import { SensitiveKeyMatcher } from '../core/lint/sensitiveKeys';
import type { Attributes, Resource, Span } from '../core/model/trace';
import type { LintSettings } from '../config/lintSettings';
import { SliceClock } from '../core/timeSlicing';

export interface LiveResult {
  finding: LiveFinding;
  /** The span the finding names, for the sample in the findings document. */
  span?: Span;
}

/** Spans the attribute rules check between two looks at the slice clock (the value detectors look at every attribute). */
const SLICE_SPANS = 50;
const NAME_RULES = new Set(['SN010', 'SN011']);
const CODE_KEYS = ['code.file.path', 'code.filepath', 'code.line.number', 'code.lineno', 'code.function.name', 'code.function'];

function rulesWhere(settings: LintSettings, keep: (id: string) => boolean): Record<string, SeveritySetting> {
  const rules: Record<string, SeveritySetting> = { ...settings.rules };
  for (const id of LIVE_RULE_IDS) if (!keep(id)) rules[id] = 'off';
  return rules;
}

function withSpans(findings: LiveFinding[], spans: readonly Span[]): LiveResult[] {
  const byId = new Map<string, Span>();
  for (const s of spans) byId.set(`${s.traceId}/${s.spanId}`, s);
  return findings.map((finding) => ({ finding, span: byId.get(`${finding.span.traceId}/${finding.span.spanId}`) }));
}

/** Identifies "the same problem" across runs and slices, as liveRules' own de-duplication does within one call. */
export function findingKey(f: LiveFinding): string {
  return [f.ruleId, f.span.serviceName, f.attributeKey ?? '', f.location ?? '', f.valueKind ?? '', f.suggestion ?? ''].join('\u0000');
}

/**
 * The per-span rules (SD001, SD004, SD005, SD006, SN012) over `spans`, a slice at a time with a
 * yield in between. Findings repeated across slices are reported once.
 */
export async function lintSpanAttributes(spans: readonly Span[], settings: LintSettings, signal?: AbortSignal): Promise<LiveResult[]> {
  const keyOptions = { sensitiveKeys: settings.sensitiveKeys, allowedKeys: settings.allowedKeys };
  const options = { rules: rulesWhere(settings, (id) => !NAME_RULES.has(id)), ...keyOptions, keyMatcher: new SensitiveKeyMatcher(keyOptions) };
  const out = new Map<string, LiveResult>();
  // The checks of a span's values cost tens of microseconds: yield by time, not by a count of spans.
  const clock = new SliceClock();
  await clock.next();
  for (let i = 0; i < spans.length; i += SLICE_SPANS) {
    if (clock.due()) await clock.next();
    signal?.throwIfAborted();
    const slice = spans.slice(i, i + SLICE_SPANS);
    for (const r of withSpans(lintSpans(slice, options), slice)) {
      const key = findingKey(r.finding);
      if (!out.has(key)) out.set(key, r);
    }
  }
  return [...out.values()];
}

/**
 * The span-name rules (SN010, SN011) over a whole window, which they need to count distinct names.
 * They read only names, services and code.* attributes: they run over light copies, so the
 * expensive attribute checks are not repeated.
 */
export function lintSpanNames(spans: readonly Span[], settings: LintSettings): LiveResult[] {
  const resources = new Map<string, Resource>();
  const light: Span[] = spans.map((s) => {
    let resource = resources.get(s.resource.serviceName);
    if (!resource) resources.set(s.resource.serviceName, (resource = { serviceName: s.resource.serviceName, attributes: {} }));
    const attributes: Attributes = {};
    for (const k of CODE_KEYS) if (s.attributes[k] !== undefined) attributes[k] = s.attributes[k];
    return { ...s, attributes, events: [], links: [], resource };
  });
  const findings = lintSpans(light, { rules: rulesWhere(settings, (id) => NAME_RULES.has(id)) });
  const originals = withSpans(findings, spans);
  return originals;
}
