/** SARIF 2.1.0 output in the shape GitHub code scanning accepts, for the lint and the performance insights. */
import type { RuleId, Severity } from '../core/lint/findings';
import { helpUri, RULES } from '../core/lint/ruleCatalogue';

export const TOOL_VERSION = '0.1.0';
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface FileFinding {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  ruleId: RuleId;
  severity: Severity;
  message: string;
  /** 1-based, as printed. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

export function toSarif(findings: readonly FileFinding[]): object {
  const ruleIds = Object.values(RULES).filter((r) => r.scope !== 'live').map((r) => r.id);
  const rules = ruleIds.map((id) => {
    const r = RULES[id];
    return {
      id,
      name: r.name,
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      helpUri: helpUri(id),
      help: { text: r.description, markdown: `${r.description}\n\n[Rule documentation](${helpUri(id)})` },
      defaultConfiguration: { level: level(r.defaultSeverity) },
      properties: {
        tags: ['opentelemetry', id.startsWith('SD') ? 'security' : 'observability'],
        precision: 'high',
        // GitHub ranks security alerts by this (0–10) when the tag `security` is present.
        ...(id.startsWith('SD') ? { 'security-severity': r.defaultSeverity === 'error' ? '7.5' : '4.0' } : {}),
      },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: Math.max(0, ruleIds.indexOf(f.ruleId)),
    level: level(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
  }));
  return sarifLog(rules, results);
}

/** The log around one run of Trace Lens: `rules` are reportingDescriptor objects, `results` result objects. */
export function sarifLog(rules: readonly object[], results: readonly object[]): object {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Trace Lens', informationUri: 'https://github.com/trace-lens/trace-lens', version: TOOL_VERSION, semanticVersion: TOOL_VERSION, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
