/** The plain data every lint rule produces; the extension turns it into Diagnostics and CodeActions. */
import type { SensitiveValueKind } from './valueDetectors';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export type SourceRuleId = 'SN001' | 'SN002' | 'SN011' | 'SD001' | 'SD002' | 'SD003' | 'SD005';
export type LiveRuleId = 'SN010' | 'SN011' | 'SN012' | 'SD001' | 'SD004' | 'SD005' | 'SD006';
export type RuleId = SourceRuleId | LiveRuleId;

/** 0-based lines and UTF-16 columns, end exclusive: what VS Code's Range uses. */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface TextEdit {
  range: TextRange;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor should offer first (VS Code's `isPreferred`). */
  preferred?: boolean;
}

export interface SourceFinding {
  ruleId: SourceRuleId;
  severity: Severity;
  message: string;
  range: TextRange;
  /** Rule fix first (when there is one), then the suppression comment. */
  fixes: QuickFix[];
  /** SD001: the key, so the editor can offer "add to traceLens.lint.allowedKeys" (a settings change, not a text edit). */
  attributeKey?: string;
}

/** Identifies the span a live finding is about, so the extension can map it to source via code.* attributes. */
export interface SpanRef {
  traceId: string;
  spanId: string;
  serviceName: string;
  name: string;
  /** `code.filepath`/`code.file.path` and line when the span carries them. */
  codeFilePath?: string;
  codeLineNumber?: number;
  codeFunction?: string;
  /** The commit `codeLineNumber` belongs to (revision.ts), so the finding follows local edits. */
  codeRevision?: string;
}

export interface LiveFinding {
  ruleId: LiveRuleId;
  severity: Severity;
  message: string;
  /** First offending span; for aggregate rules (SN010) one example of the group. */
  span: SpanRef;
  /** Attribute key the finding is about (SD rules), with where it was found. */
  attributeKey?: string;
  location?: 'span' | 'resource' | 'event' | 'link';
  /** SN010/SN011: the normalized template; SN012: the expected name. */
  suggestion?: string;
  /** SD004: what the value looked like, for `redactionProcessorSnippet`. */
  valueKind?: SensitiveValueKind;
  /** SN010: how many distinct names and spans the group had. */
  distinctNames?: number;
  spanCount?: number;
}
