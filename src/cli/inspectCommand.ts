/** `trace-lens inspect <trace-file> [--json]`: a trace file's summary and critical path, format detected. */
import * as path from 'node:path';
import { TraceLensError } from '../core/errors';
import { formatByteSize } from '../core/files/byteSize';
import { formatDuration } from '../core/stats/statsFormat';
import { terminalText } from '../core/text/terminalText';
import { loadTraceFile } from '../core/traceFiles/loadTraceFile';
import { TRACE_FILE_FORMAT_NAMES } from '../core/traceFiles/traceFileFormat';
import { inspectTrace } from '../core/waterfall/traceInspection';
import { UsageError, type CliIo } from './cliIo';
import type { CliCommand } from './cliCommand';
import { DEFAULT_MAX_TRACE_FILE_BYTES, MAX_FILE_SIZE_FLAG, parseMaxFileSize, readFileCapped, reportTooLarge } from './inputFiles';
import { countOf } from '../core/text/plural';

interface InspectArgs {
  file: string;
  json: boolean;
  maxFileBytes: number;
}

function parseArgs(args: readonly string[]): InspectArgs {
  const files: string[] = [];
  let json = false;
  let maxFileBytes = DEFAULT_MAX_TRACE_FILE_BYTES;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === MAX_FILE_SIZE_FLAG || a.startsWith(`${MAX_FILE_SIZE_FLAG}=`)) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${MAX_FILE_SIZE_FLAG} needs a value`);
      maxFileBytes = parseMaxFileSize(value);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError('give exactly one trace file');
  return { file: files[0], json, maxFileBytes };
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'summarise a trace file (Jaeger, OTLP, Tempo or Zipkin JSON): spans, services, errors, critical path',
  usage: `trace-lens inspect <trace-file> [--json] [${MAX_FILE_SIZE_FLAG} SIZE (default ${formatByteSize(DEFAULT_MAX_TRACE_FILE_BYTES)})]`,
  async run(args: string[], io: CliIo): Promise<number> {
    const opts = parseArgs(args);
    const file = path.resolve(io.cwd, opts.file);
    let bytes: Buffer;
    try {
      const read = readFileCapped(file, opts.maxFileBytes);
      if (!read.ok) {
        reportTooLarge(io, opts.file, read, opts.maxFileBytes);
        return 2;
      }
      bytes = read.bytes;
    } catch (err) {
      io.stderr(terminalText`trace-lens: cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    let loaded;
    try {
      loaded = loadTraceFile(bytes, { fileName: path.basename(file) });
    } catch (err) {
      io.stderr(terminalText`trace-lens: ${err instanceof TraceLensError ? err.userMessage : String(err)}\n`);
      return 2;
    }
    const inspections = loaded.traces.map(inspectTrace);
    if (opts.json) {
      // Exact values: JSON escaping already keeps control characters away from the terminal.
      io.stdout(`${JSON.stringify(inspections.length === 1 ? inspections[0] : inspections, null, 2)}\n`);
      return 0;
    }
    io.stdout(terminalText`${path.basename(file)}: ${TRACE_FILE_FORMAT_NAMES[loaded.format]}, ${countOf(inspections.length, 'trace')}\n`);
    for (const t of inspections) {
      io.stdout(terminalText`\ntrace ${t.traceId}\n  root      ${t.rootName}\n  duration  ${formatDuration(t.durationMs * 1e6)}\n  spans     ${t.spanCount}\n`);
      io.stdout(terminalText`  services  ${t.services.join(', ')}\n  errors    ${t.errorCount}\n  critical  ${t.criticalPath.length} spans: ${t.criticalPath.join(' → ')}\n`);
    }
    return 0;
  },
};
