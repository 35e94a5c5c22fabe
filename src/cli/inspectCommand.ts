/** `trace-lens inspect <trace-file> [--json]`: a trace file's summary and critical path, format detected. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceLensError } from '../core/errors';
import { formatDuration } from '../core/stats/statsFormat';
import { loadTraceFile } from '../core/traceFiles/loadTraceFile';
import { TRACE_FILE_FORMAT_NAMES } from '../core/traceFiles/traceFileFormat';
import { inspectTrace } from '../core/waterfall/traceInspection';
import { UsageError, type CliIo } from './cliIo';
import type { CliCommand } from './commands';

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'summarise a trace file (Jaeger, OTLP, Tempo or Zipkin JSON): spans, services, errors, critical path',
  usage: 'trace-lens inspect <trace-file> [--json]',
  async run(args: string[], io: CliIo): Promise<number> {
    const json = args.includes('--json');
    const files = args.filter((a) => a !== '--json');
    const unknown = files.find((a) => a.startsWith('-'));
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    if (files.length !== 1) throw new UsageError('give exactly one trace file');
    const file = path.resolve(io.cwd, files[0]);
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch (err) {
      io.stderr(`trace-lens: cannot read ${files[0]}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    let loaded;
    try {
      loaded = loadTraceFile(bytes, { fileName: path.basename(file) });
    } catch (err) {
      io.stderr(`trace-lens: ${err instanceof TraceLensError ? err.userMessage : String(err)}\n`);
      return 2;
    }
    const inspections = loaded.traces.map(inspectTrace);
    if (json) {
      // One object for the usual one-trace file; an array when the file holds several.
      io.stdout(`${JSON.stringify(inspections.length === 1 ? inspections[0] : inspections, null, 2)}\n`);
      return 0;
    }
    io.stdout(`${path.basename(file)}: ${TRACE_FILE_FORMAT_NAMES[loaded.format]}, ${inspections.length} trace${inspections.length === 1 ? '' : 's'}\n`);
    for (const t of inspections) {
      io.stdout(`\ntrace ${t.traceId}\n  root      ${t.rootName}\n  duration  ${formatDuration(t.durationMs * 1e6)}\n  spans     ${t.spanCount}\n`);
      io.stdout(`  services  ${t.services.join(', ')}\n  errors    ${t.errorCount}\n  critical  ${t.criticalPath.length} spans: ${t.criticalPath.join(' → ')}\n`);
    }
    return 0;
  },
};
