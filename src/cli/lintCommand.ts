/** `trace-lens lint [paths...] [--format text|json|sarif]`: the source lint for CI. */
import * as path from 'node:path';
import { formatByteSize } from '../core/files/byteSize';
import type { SeveritySetting, SourceFinding } from '../core/lint/findings';
import { languageForPath } from '../core/lint/languages';
import { isRuleId } from '../core/lint/ruleCatalogue';
import { SourceLinter } from '../core/lint/sourceLinter';
import { terminalText } from '../core/text/terminalText';
import { ArgCursor, parseOutputFormat, type OutputFormat } from './cliArgs';
import { UsageError, type CliIo } from './cliIo';
import type { CliCommand } from './cliCommand';
import { collectSourceFiles } from './fileWalker';
import { DEFAULT_MAX_SOURCE_FILE_BYTES, MAX_FILE_SIZE_FLAG, parseMaxFileSize, readFileCapped, reportTooLarge } from './inputFiles';
import { toSarif, type FileFinding } from './sarif';
import { countOf } from '../core/text/plural';

interface LintArgs {
  paths: string[];
  format: OutputFormat;
  wasmDir?: string;
  rules: Record<string, SeveritySetting>;
  maxFileBytes: number;
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

function parseArgs(args: readonly string[]): LintArgs {
  const out: LintArgs = { paths: [], format: 'text', rules: {}, maxFileBytes: DEFAULT_MAX_SOURCE_FILE_BYTES };
  const c = new ArgCursor(args);
  while (c.next()) {
    switch (c.flag) {
      case '--format':
      case '-f':
        out.format = parseOutputFormat(c.value());
        break;
      case '--wasm-dir':
        out.wasmDir = c.value();
        break;
      case MAX_FILE_SIZE_FLAG:
        out.maxFileBytes = parseMaxFileSize(c.value());
        break;
      case '--rule': {
        // --rule SN011=off
        const rule = c.value();
        const [id, sev] = rule.split('=');
        if (!isRuleId(id ?? '') || !SEVERITIES.has(sev ?? '')) throw new UsageError(`--rule expects RULE=error|warning|info|hint|off, got "${rule}"`);
        out.rules[id] = sev as SeveritySetting;
        break;
      }
      default:
        if (c.arg.startsWith('-') && c.arg !== '-') throw new UsageError(`unknown option ${c.arg}`);
        out.paths.push(c.arg);
    }
  }
  if (out.paths.length === 0) out.paths.push('.');
  return out;
}

function toFileFinding(file: string, f: SourceFinding): FileFinding {
  return {
    file, ruleId: f.ruleId, severity: f.severity, message: f.message,
    line: f.range.startLine + 1, column: f.range.startColumn + 1, endLine: f.range.endLine + 1, endColumn: f.range.endColumn + 1,
  };
}

/** File names and messages quote the linted source (string literals, attribute keys): escaped for the terminal. */
function formatText(findings: readonly FileFinding[], fileCount: number): string {
  const lines = findings.map((f) => terminalText`${f.file}:${f.line}:${f.column}  ${f.severity.padEnd(7)} ${f.ruleId}  ${f.message}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const summary = findings.length === 0
    ? `No problems in ${countOf(fileCount, 'file')}.`
    : `${countOf(findings.length, 'problem')} (${countOf(errors, 'error')}, ${findings.length - errors} other) in ${countOf(fileCount, 'file')}.`;
  return [...lines, summary].join('\n') + '\n';
}

export async function runLint(args: readonly string[], io: CliIo): Promise<number> {
  const opts = parseArgs(args);
  const { files, missing } = collectSourceFiles(opts.paths, io.cwd);
  for (const m of missing) io.stderr(terminalText`trace-lens: ${m}: no such file or directory\n`);
  if (missing.length > 0 && files.length === 0) return 2;
  const linter = new SourceLinter({ wasmDir: opts.wasmDir });
  const all: FileFinding[] = [];
  let failures = 0;
  let skipped = 0;
  for (const abs of files) {
    const language = languageForPath(abs);
    if (!language) continue;
    const rel = path.relative(io.cwd, abs).split(path.sep).join('/') || path.basename(abs);
    try {
      const read = readFileCapped(abs, opts.maxFileBytes);
      if (!read.ok) {
        // Generated or minified code, or a hostile file: not worth linting, and not a failure.
        reportTooLarge(io, rel, read, opts.maxFileBytes);
        skipped++;
        continue;
      }
      for (const f of await linter.lint(read.bytes.toString('utf8'), language, { rules: opts.rules })) all.push(toFileFinding(rel, f));
    } catch (e) {
      failures++;
      io.stderr(terminalText`trace-lens: ${rel}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  switch (opts.format) {
    case 'json':
      io.stdout(`${JSON.stringify(all.map((f) => ({ file: f.file, line: f.line, column: f.column, ruleId: f.ruleId, severity: f.severity, message: f.message })), null, 2)}\n`);
      break;
    case 'sarif':
      io.stdout(`${JSON.stringify(toSarif(all), null, 2)}\n`);
      break;
    default:
      io.stdout(formatText(all, files.length - skipped));
  }
  if (all.some((f) => f.severity === 'error')) return 1;
  return failures > 0 ? 2 : 0;
}

export const lintCommand: CliCommand = {
  name: 'lint',
  summary: 'Lint OpenTelemetry instrumentation: span-name cardinality and sensitive data',
  usage: `trace-lens lint [paths...] [--format text|json|sarif] [--rule RULE=severity|off] [--wasm-dir DIR] [${MAX_FILE_SIZE_FLAG} SIZE (default ${formatByteSize(DEFAULT_MAX_SOURCE_FILE_BYTES)})]`,
  run: runLint,
};
