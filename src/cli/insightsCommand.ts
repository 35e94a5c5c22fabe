/** `trace-lens insights <trace-files...> [--format text|json|sarif]`: performance insights (PI001–PI006) found in trace files. */
import * as path from 'node:path';
import { TraceLensError, UnknownTraceFileFormatError } from '../core/errors';
import { formatByteSize } from '../core/files/byteSize';
import type { Insight } from '../core/insights/insight';
import { detectInsights } from '../core/insights/insightDetector';
import { INSIGHT_RULE_IDS, INSIGHT_RULES, insightHelpUri } from '../core/insights/insightRules';
import type { Trace } from '../core/model/trace';
import { qualifiedFunctionName } from '../core/source/codeLocation';
import { terminalText } from '../core/text/terminalText';
import { loadTraceFile } from '../core/traceFiles/loadTraceFile';
import { ArgCursor, parseOutputFormat, type OutputFormat } from './cliArgs';
import { UsageError, type CliIo } from './cliIo';
import type { CliCommand } from './cliCommand';
import { collectSourceFiles } from './fileWalker';
import { DEFAULT_MAX_TRACE_FILE_BYTES, MAX_FILE_SIZE_FLAG, parseMaxFileSize, readFileCapped, reportTooLarge } from './inputFiles';
import { sarifLog, uriOf } from './sarif';
import { countOf } from '../core/text/plural';

interface InsightsArgs {
  paths: string[];
  format: OutputFormat;
  maxFileBytes: number;
}

/** In a directory, files that can hold traces; a file named on the command line is read whatever its name. */
const TRACE_FILE = /\.(json|jsonl|ndjson)$/i;

function parseArgs(args: readonly string[]): InsightsArgs {
  const out: InsightsArgs = { paths: [], format: 'text', maxFileBytes: DEFAULT_MAX_TRACE_FILE_BYTES };
  const c = new ArgCursor(args);
  while (c.next()) {
    if (c.flag === '--format' || c.flag === '-f') out.format = parseOutputFormat(c.value());
    else if (c.flag === MAX_FILE_SIZE_FLAG) out.maxFileBytes = parseMaxFileSize(c.value());
    else if (c.arg.startsWith('-')) throw new UsageError(`unknown option ${c.arg}`);
    else out.paths.push(c.arg);
  }
  if (out.paths.length === 0) throw new UsageError('give at least one trace file or directory');
  return out;
}

/** The documented JSON shape: `file`/`line` are null when the spans carry no code location. */
export interface InsightJson {
  ruleId: string;
  traceId: string;
  spanIds: string[];
  file: string | null;
  line: number | null;
  message: string;
}

export function insightJson(i: Insight): InsightJson {
  return { ruleId: i.ruleId, traceId: i.traceId, spanIds: i.spanIds, file: i.location?.filePath ?? null, line: i.location?.lineNumber ?? null, message: i.message };
}

/** Span paths come from other machines: absolute ones become file: URIs, relative ones stay relative to the checkout. */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const p = file.replace(/\\/g, '/');
  if (p.startsWith('/')) return { uri: `file://${uriOf(p)}` };
  if (/^[A-Za-z]:\//.test(p)) return { uri: `file:///${p.slice(0, 2)}${uriOf(p.slice(2))}` };
  return { uri: uriOf(p.replace(/^\.\//, '')), uriBaseId: '%SRCROOT%' };
}

export function insightsSarif(insights: readonly Insight[]): object {
  const rules = INSIGHT_RULE_IDS.map((id) => {
    const r = INSIGHT_RULES[id];
    return {
      id, name: r.name,
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      helpUri: insightHelpUri(id),
      help: { text: r.description, markdown: `${r.description}\n\n[Rule documentation](${insightHelpUri(id)})` },
      defaultConfiguration: { level: 'note' },
      properties: { tags: ['opentelemetry', 'performance'], precision: 'medium' },
    };
  });
  const results = insights.map((i) => {
    const location: Record<string, unknown> = {};
    if (i.location?.filePath !== undefined) {
      const region = i.location.lineNumber !== undefined ? { region: { startLine: i.location.lineNumber } } : {};
      location.physicalLocation = { artifactLocation: artifactLocation(i.location.filePath), ...region };
    }
    const fn = i.location ? qualifiedFunctionName(i.location) : undefined;
    if (fn !== undefined) location.logicalLocations = [{ fullyQualifiedName: fn, kind: 'function' }];
    return {
      ruleId: i.ruleId,
      ruleIndex: INSIGHT_RULE_IDS.indexOf(i.ruleId),
      level: 'note',
      message: { text: i.message },
      ...(Object.keys(location).length > 0 ? { locations: [location] } : {}),
      properties: { traceId: i.traceId, spanIds: i.spanIds, traceIds: i.traceIds, serviceName: i.serviceName, evidence: i.evidence },
    };
  });
  return sarifLog(rules, results);
}

/** Messages quote span names and statements from the files: escaped for the terminal. */
function formatText(insights: readonly Insight[], traceCount: number, fileCount: number): string {
  const lines = insights.map((i) => {
    const where = i.location?.filePath !== undefined ? `${i.location.filePath}${i.location.lineNumber !== undefined ? `:${i.location.lineNumber}` : ''}` : '(no code location)';
    return terminalText`${where}  ${i.ruleId}  ${i.message}\n    trace ${i.traceId}, spans ${i.spanIds.slice(0, 5).join(' ')}${i.spanIds.length > 5 ? ` (+${i.spanIds.length - 5})` : ''}`;
  });
  const of = `${countOf(traceCount, 'trace')} in ${countOf(fileCount, 'file')}`;
  lines.push(insights.length === 0 ? `No insights in ${of}.` : `${countOf(insights.length, 'insight')} in ${of}.`);
  return lines.join('\n') + '\n';
}

export async function runInsights(args: readonly string[], io: CliIo): Promise<number> {
  const opts = parseArgs(args);
  const named = new Set(opts.paths.map((p) => path.resolve(io.cwd, p)));
  const { files, missing } = collectSourceFiles(opts.paths, io.cwd, (f) => TRACE_FILE.test(f) || named.has(f));
  for (const m of missing) io.stderr(terminalText`trace-lens: ${m}: no such file or directory\n`);
  if (missing.length > 0 && files.length === 0) return 2;
  const traces: Trace[] = [];
  let failures = 0;
  let read = 0;
  for (const abs of files) {
    const rel = path.relative(io.cwd, abs).split(path.sep).join('/') || path.basename(abs);
    try {
      const capped = readFileCapped(abs, opts.maxFileBytes);
      if (!capped.ok) {
        reportTooLarge(io, rel, capped, opts.maxFileBytes);
        continue;
      }
      traces.push(...loadTraceFile(capped.bytes, { fileName: path.basename(abs) }).traces);
      read++;
    } catch (e) {
      // A directory may hold other JSON (a manifest, a config): only a file named on the command line must be a trace file.
      if (e instanceof UnknownTraceFileFormatError && !named.has(abs)) {
        io.stderr(terminalText`trace-lens: skipped ${rel}: not a trace file\n`);
        continue;
      }
      failures++;
      const reason = e instanceof TraceLensError ? e.userMessage : e instanceof Error ? (e as NodeJS.ErrnoException).code ?? e.message : String(e);
      io.stderr(terminalText`trace-lens: ${rel}: ${reason}\n`);
    }
  }
  const insights = detectInsights(traces);
  switch (opts.format) {
    case 'json':
      // JSON escaping already keeps control characters away from the terminal.
      io.stdout(`${JSON.stringify(insights.map(insightJson), null, 2)}\n`);
      break;
    case 'sarif':
      io.stdout(`${JSON.stringify(insightsSarif(insights), null, 2)}\n`);
      break;
    default:
      io.stdout(formatText(insights, traces.length, read));
  }
  // Insights are advice, not failures: only files that could not be read change the exit code.
  return failures > 0 ? 2 : 0;
}

export const insightsCommand: CliCommand = {
  name: 'insights',
  summary: 'find performance patterns in trace files: N+1 queries, serial calls, cache misses, bottlenecks, repeated calls, slow statements',
  usage: `trace-lens insights <trace-files or directories...> [--format text|json|sarif] [${MAX_FILE_SIZE_FLAG} SIZE (default ${formatByteSize(DEFAULT_MAX_TRACE_FILE_BYTES)})]`,
  run: runInsights,
};
