/**
 * Loads a trace file in any supported format into traces. The format is detected from the
 * content, never from the file name, because exported files are often renamed.
 */
import type { ConversionLimits } from '../backends/conversionContext';
import { jaegerDocumentToTraces, otlpDocumentsToTraces, otlpDocumentToTraces, zipkinDocumentToTraces, type ConvertOptions } from '../backends/convertDocuments';
import { skimOtlpJson } from '../backends/otlpSkim';
import type { SkimmedTraces } from '../waterfall/layout';
import { UnknownTraceFileFormatError } from '../errors';
import type { Trace } from '../model/trace';
import { detectDocumentFormat, type TraceFileFormat } from './traceFileFormat';

export interface LoadedTraceFile {
  format: TraceFileFormat;
  traces: Trace[];
}

export interface LoadTraceFileOptions {
  /** Shown in error messages; usually the file's base name. */
  fileName?: string;
  limits?: Partial<ConversionLimits>;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err as Error };
  }
}

export function loadTraceFile(content: string | Uint8Array, options: LoadTraceFileOptions = {}): LoadedTraceFile {
  const fileName = options.fileName ?? 'The file';
  let text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new UnknownTraceFileFormatError(fileName, 'it is empty');
  const source = fileName;
  const convert = { limits: options.limits };

  const whole = tryParse(text);
  if (whole.ok) {
    const format = detectDocumentFormat(whole.value);
    if (!format) throw new UnknownTraceFileFormatError(fileName, 'its JSON has none of the known trace layouts');
    return { format, traces: tracesFromDocument(format, whole.value, source, convert) };
  }

  // Not one JSON document: maybe one OTLP document per line (the Collector's file exporter).
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const docs: unknown[] = [];
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const parsed = tryParse(lines[i]);
    if (!parsed.ok) {
      // A last line cut short is a file still being written or copied mid-way: keep what is complete.
      if (i === lines.length - 1 && docs.length > 0) {
        truncated = true;
        break;
      }
      const reason = lines.length > 1 && i > 0 ? `line ${i + 1} is not valid JSON` : `it is not valid JSON (${whole.error.message})`;
      throw new UnknownTraceFileFormatError(fileName, reason);
    }
    if (detectDocumentFormat(parsed.value) !== 'otlp') {
      throw new UnknownTraceFileFormatError(fileName, `line ${i + 1} is not an OTLP JSON document`);
    }
    docs.push(parsed.value);
  }
  const traces = otlpDocumentsToTraces(docs, source, { ...convert, partial: truncated });
  if (truncated) for (const t of traces) t.warnings.unshift('The file ends with an incomplete line; the trace may be missing spans.');
  return { format: 'otlp-lines', traces };
}

/** The traces of one parsed document of a known format. */
export function tracesFromDocument(
  format: Exclude<TraceFileFormat, 'otlp-lines'>,
  doc: unknown,
  source: string,
  options: Pick<ConvertOptions, 'limits' | 'attributesOf'> = {},
): Trace[] {
  switch (format) {
    case 'jaeger':
      return jaegerDocumentToTraces(doc, source, { limits: options.limits });
    case 'zipkin':
      return zipkinDocumentToTraces(doc, source, { limits: options.limits });
    case 'otlp':
    case 'tempo':
      return otlpDocumentToTraces(doc, source, options);
  }
}

/**
 * The traces of an OTLP JSON file as loadTraceFile gives them, but with their spans' attributes
 * left in the bytes (`spans` decodes them; see otlpSkim.ts); undefined for any other file, or one
 * the skim leaves to loadTraceFile.
 */
export function skimTraceFile(content: Uint8Array, options: LoadTraceFileOptions = {}): SkimmedTraces | undefined {
  const skimmed = skimOtlpJson(content, options.limits);
  if (!skimmed) return undefined;
  const format = detectDocumentFormat(skimmed.doc);
  if (format !== 'otlp' && format !== 'tempo') return undefined;
  return skimmed.read((attributesOf) => ({ traces: tracesFromDocument(format, skimmed.doc, options.fileName ?? 'The file', { limits: options.limits, attributesOf }) }));
}
