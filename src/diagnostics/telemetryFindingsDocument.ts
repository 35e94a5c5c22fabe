import * as vscode from 'vscode';
import { redactionProcessorSnippet } from '../core/lint/collectorRedaction';
import type { LiveFinding } from '../core/lint/findings';
import { SensitiveKeyMatcher } from '../core/lint/sensitiveKeys';
import { detectSensitiveValue, detectUrlSecret, type SensitiveValueKind } from '../core/lint/valueDetectors';
import type { AttributeValue, Span } from '../core/model/trace';
import { countOf } from '../core/text/plural';

export const FINDINGS_SCHEME = 'trace-lens-findings';
export const FINDINGS_URI = vscode.Uri.from({ scheme: FINDINGS_SCHEME, path: '/Telemetry findings' });

export interface LiveFindingSample {
  finding: LiveFinding;
  /** The span the finding names, when still at hand. */
  span?: Span;
  /** Where the finding was placed in source; absent when it lives only in this document. */
  placedAt?: string;
}

const MAX_ATTRIBUTES = 30;
const MAX_VALUE = 120;
const MAX_TEXT = 200;

/** Span data is untrusted: one line, no control characters, bounded length. */
export function clean(s: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function valueText(v: AttributeValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function masked(v: AttributeValue): string {
  const s = typeof v === 'string' ? v : valueText(v);
  return `<redacted: ${s.length} chars>`;
}

/**
 * The read-only "Telemetry findings" document: every live finding with a sample of the span it is
 * about. Findings that could not be placed on a source line get their Problems entry here. Values
 * that look sensitive are masked: the point is to show where the leak is, not to repeat it.
 */
export class TelemetryFindingsDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private text = 'No findings in received telemetry yet.\n';
  private readonly keys: SensitiveKeyMatcher;

  constructor() {
    this.keys = new SensitiveKeyMatcher();
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  /** Renders the samples; returns the line of each sample's heading, in order. */
  update(samples: readonly LiveFindingSample[], options: { matcher?: SensitiveKeyMatcher; source: string }): number[] {
    const keys = options.matcher ?? this.keys;
    const lines: string[] = [
      'Trace Lens: findings in received telemetry',
      `Source: ${options.source}. ${countOf(samples.length, 'finding')}.`,
      '',
    ];
    const headings: number[] = [];
    const valueKinds = new Set<SensitiveValueKind>();
    for (const { finding: f, span, placedAt } of samples) {
      headings.push(lines.length);
      lines.push(`${f.ruleId} (${f.severity}): ${clean(f.message, 400)}`);
      lines.push(`  span "${clean(f.span.name)}" of service ${clean(f.span.serviceName)}`);
      lines.push(`  trace ${f.span.traceId}, span ${f.span.spanId}`);
      if (f.span.codeFilePath || f.span.codeFunction) {
        lines.push(`  code: ${clean(f.span.codeFilePath ?? '?')}${f.span.codeLineNumber ? `:${f.span.codeLineNumber}` : ''}${f.span.codeFunction ? ` (${clean(f.span.codeFunction)})` : ''}`);
      }
      lines.push(placedAt ? `  reported at ${placedAt}` : '  not mapped to a source line (no code.* attributes and no literal span name in the workspace)');
      if (f.attributeKey) lines.push(`  attribute: ${clean(f.attributeKey)}${f.location && f.location !== 'span' ? ` (${f.location})` : ''}`);
      if (f.suggestion) lines.push(`  suggested name: ${clean(f.suggestion)}`);
      if (f.valueKind) valueKinds.add(f.valueKind);
      if (span) {
        const entries = Object.entries(span.attributes);
        lines.push(`  span attributes (${entries.length}):`);
        for (const [k, v] of entries.slice(0, MAX_ATTRIBUTES)) {
          const s = typeof v === 'string' ? v : undefined;
          const sensitive = k === f.attributeKey || keys.matchKey(k) !== undefined || /header\./.test(k) ||
            (s !== undefined && (detectSensitiveValue(s) !== undefined || detectUrlSecret(s) !== undefined));
          lines.push(`    ${clean(k)} = ${sensitive ? masked(v) : clean(valueText(v), MAX_VALUE)}`);
        }
        if (entries.length > MAX_ATTRIBUTES) lines.push(`    … ${entries.length - MAX_ATTRIBUTES} more`);
      }
      lines.push('');
    }
    if (valueKinds.size > 0) {
      lines.push('To redact these values at the OpenTelemetry Collector, add this processor to the traces pipeline:', '');
      lines.push(...redactionProcessorSnippet(valueKinds).split('\n').map((l) => `  ${l}`));
    }
    this.text = `${lines.join('\n')}\n`;
    this.changed.fire(FINDINGS_URI);
    return headings;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
