// OpenTelemetry set-up of the demo order service. The part worth copying into your own service is
// CodeLocationProcessor: Node's SDK records no code.* attributes, so it adds them from the call stack
// when a span starts. Trace Lens uses them to put latency above the function that made the span.
'use strict';
const path = require('node:path');
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Adds code.function.name, code.file.path, code.line.number of the code that started the span. */
class CodeLocationProcessor {
  onStart(span) {
    const frames = (new Error().stack ?? '').split('\n').slice(1);
    for (const line of frames) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const [, fn, file, lineNo, column] = m;
      // Skip the SDK, Node's internals and this file: the first frame left is the caller.
      if (file.includes('node_modules') || file.startsWith('node:') || file === __filename) continue;
      span.setAttributes({
        'code.file.path': file,
        'code.line.number': Number(lineNo),
        'code.column.number': Number(column),
        'code.function.name': (fn ?? '<anonymous>').replace(/^async /, '').replace(/^Object\./, ''),
      });
      return;
    }
  }
  onEnd() {}
  forceFlush() { return Promise.resolve(); }
  shutdown() { return Promise.resolve(); }
}

function startTracing(serviceName) {
  const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/$/, '');
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.0.0', 'deployment.environment.name': 'demo' }),
    spanProcessors: [
      new CodeLocationProcessor(),
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), scheduledDelayMillis: 1000 }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  console.log(`${serviceName}: sending spans to ${endpoint}/v1/traces (from ${path.basename(process.argv[1])})`);
  return provider;
}

module.exports = { CodeLocationProcessor, startTracing };
