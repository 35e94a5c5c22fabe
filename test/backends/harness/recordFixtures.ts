// Records raw answers of the real servers into test/fixtures/backends/<server>-<version>/
// so backend clients can be unit-tested offline against exactly what the
// servers say. Run from the repo root:
//   npx tsx test/backends/harness/recordFixtures.ts [jaeger|zipkin ...]
// Default: the servers of TRACE_LENS_BACKENDS (both when unset). Tempo is never run here: its
// answers are written from the documentation (test/fixtures/backends/tempo-documented/).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requestedServers, startNamedServer, type RunningServer, type ServerName } from './servers';
import { sendTestTrace, sentTraceToJson, type SentTrace } from './sendTestTrace';
import { waitForTrace } from './waitForTrace';

const fixturesRoot = path.resolve(__dirname, '../../fixtures/backends');
// An id no server will have, for the "not found" answers.
const missingTraceId = '0af7651916cd43dd8448eb211c80319c';

interface Recorded {
  file: string;
  description: string;
  method: 'GET';
  /** Path and query, relative to the server's queryUrl. */
  request: string;
  requestHeaders?: Record<string, string>;
  status: number;
  contentType: string | null;
}

class Recorder {
  readonly entries: Recorded[] = [];

  constructor(
    private readonly server: RunningServer,
    private readonly dir: string,
  ) {}

  /**
   * Saves the raw body of GET {queryUrl}{request}. With `until`, polls until the
   * answer satisfies it (ingestion and search indexing are asynchronous).
   */
  async get(
    file: string,
    description: string,
    request: string,
    options: { headers?: Record<string, string>; until?: (status: number, body: string) => boolean; timeoutMs?: number } = {},
  ): Promise<string> {
    const url = `${this.server.queryUrl}${request}`;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const res = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      const done = !options.until || options.until(res.status, body);
      if (done || Date.now() > deadline) {
        if (!done) console.warn(`  ! ${file}: condition not met before the deadline; saving the last answer (${res.status})`);
        writeFileSync(path.join(this.dir, file), body);
        this.entries.push({
          file,
          description,
          method: 'GET',
          request,
          ...(options.headers ? { requestHeaders: options.headers } : {}),
          status: res.status,
          contentType: res.headers.get('content-type'),
        });
        console.log(`  ${res.status} ${request} -> ${file}`);
        return body;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function record(name: ServerName): Promise<void> {
  console.log(`${name}: starting`);
  const started = Date.now();
  const server = await startNamedServer(name);
  console.log(`${name} ${server.version}: ready after ${Date.now() - started} ms at ${server.queryUrl} (log ${server.logFile})`);
  try {
    const dir = path.join(fixturesRoot, `${name}-${server.version}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Two traces, so search answers hold more than one; the first is the one described by expected.json.
    const first = await sendTestTrace(server);
    const second = await sendTestTrace({ ...server, startTimeMs: Date.now() - 5_000 });
    for (const sent of [first, second]) await waitForTrace(server, sent.traceId, { spanCount: sent.spans.length, timeoutMs: 120_000 });
    writeFileSync(path.join(dir, 'expected.json'), JSON.stringify(sentTraceToJson(first), null, 2) + '\n');
    writeFileSync(path.join(dir, 'expected-second.json'), JSON.stringify(sentTraceToJson(second), null, 2) + '\n');

    const recorder = new Recorder(server, dir);
    if (name === 'jaeger') await recordJaeger(recorder, first, second);
    if (name === 'zipkin') await recordZipkin(recorder, first, second);

    writeFileSync(path.join(dir, 'index.json'), JSON.stringify(recorder.entries, null, 2) + '\n');
    writeFileSync(path.join(dir, 'README.md'), readme(server, first, second, recorder.entries));
    console.log(`${name}: ${recorder.entries.length} answers saved in ${path.relative(process.cwd(), dir)}`);
  } finally {
    await server.stop();
  }
}

const hasTrace = (traceId: string) => (status: number, body: string) => status === 200 && body.includes(traceId);

async function recordJaeger(r: Recorder, first: SentTrace, second: SentTrace): Promise<void> {
  const startMs = Number(first.startTimeUnixNano / 1_000_000n) - 60_000;
  const endMs = Date.now() + 60_000;
  const rfc = (ms: number) => new Date(ms).toISOString();
  const v3Range = `query.start_time_min=${encodeURIComponent(rfc(startMs))}&query.start_time_max=${encodeURIComponent(rfc(endMs))}`;
  await r.get('v3-trace.json', 'trace by id, API v3 (OTLP JSON, hex ids, integer enums)', `/api/v3/traces/${first.traceId}`);
  await r.get('v3-trace-not-found.json', 'trace by id that does not exist, API v3', `/api/v3/traces/${missingTraceId}`);
  await r.get('v3-search-service.json', 'search by service, API v3 (several traces merged in one answer)', `/api/v3/traces?query.service_name=checkout&${v3Range}&query.num_traces=20`, {
    until: hasTrace(second.traceId),
  });
  const attrs = encodeURIComponent(JSON.stringify({ 'test.run': first.runId }));
  await r.get('v3-search-attributes.json', 'search by service, operation and attribute, API v3: this Jaeger ignores query.attributes over HTTP, so both traces come back', `/api/v3/traces?query.service_name=frontend&query.operation_name=${encodeURIComponent('GET /checkout')}&query.attributes=${attrs}&${v3Range}&query.num_traces=20`);
  await r.get('v3-search-duration.json', 'search by minimum duration (100 ms), API v3', `/api/v3/traces?query.service_name=frontend&query.duration_min=100ms&${v3Range}&query.num_traces=20`);
  await r.get('v3-search-empty.json', 'search that finds nothing, API v3', `/api/v3/traces?query.service_name=no-such-service&${v3Range}&query.num_traces=20`);
  await r.get('v3-services.json', 'services, API v3', '/api/v3/services');
  await r.get('v3-operations.json', 'operations of checkout, API v3', '/api/v3/operations?service=checkout');
  await r.get('v3-operations-server.json', 'server operations of checkout, API v3', '/api/v3/operations?service=checkout&span_kind=server');

  const startUs = startMs * 1000;
  const endUs = endMs * 1000;
  await r.get('v1-trace.json', 'trace by id, API v1 (what Jaeger UI uses)', `/api/traces/${first.traceId}`);
  await r.get('v1-trace-not-found.json', 'trace by id that does not exist, API v1', `/api/traces/${missingTraceId}`);
  await r.get('v1-search-service.json', 'search by service, API v1', `/api/traces?service=checkout&start=${startUs}&end=${endUs}&limit=20`, {
    until: hasTrace(second.traceId),
  });
  const tags = encodeURIComponent(JSON.stringify({ 'test.run': first.runId }));
  await r.get('v1-search-tags.json', 'search by service, operation, tags and min duration, API v1', `/api/traces?service=frontend&operation=${encodeURIComponent('GET /checkout')}&tags=${tags}&minDuration=100ms&start=${startUs}&end=${endUs}&limit=20`);
  await r.get('v1-search-empty.json', 'search that finds nothing, API v1', `/api/traces?service=no-such-service&start=${startUs}&end=${endUs}&limit=20`);
  await r.get('v1-services.json', 'services, API v1', '/api/services');
  await r.get('v1-service-operations.json', 'operation names of checkout, API v1', '/api/services/checkout/operations');
  await r.get('v1-operations.json', 'operations with span kind of checkout, API v1', '/api/operations?service=checkout');
}

async function recordZipkin(r: Recorder, first: SentTrace, second: SentTrace): Promise<void> {
  const endTs = Date.now() + 60_000;
  const lookback = endTs - (Number(first.startTimeUnixNano / 1_000_000n) - 60_000);
  await r.get('trace.json', 'trace by id', `/api/v2/trace/${first.traceId}`);
  await r.get('trace-not-found.txt', 'trace by id that does not exist', `/api/v2/trace/${missingTraceId}`);
  await r.get('traces-service.json', 'search by service (list of traces)', `/api/v2/traces?serviceName=checkout&endTs=${endTs}&lookback=${lookback}&limit=20`, {
    until: hasTrace(second.traceId),
  });
  const annotation = encodeURIComponent(`test.run=${first.runId}`);
  await r.get('traces-annotation.json', 'search by span name, tag and min duration (µs)', `/api/v2/traces?serviceName=frontend&spanName=${encodeURIComponent('get /checkout')}&annotationQuery=${annotation}&minDuration=100000&endTs=${endTs}&lookback=${lookback}&limit=20`);
  await r.get('traces-empty.json', 'search that finds nothing', `/api/v2/traces?serviceName=no-such-service&endTs=${endTs}&lookback=${lookback}&limit=20`);
  await r.get('services.json', 'service names', '/api/v2/services');
  await r.get('spans.json', 'span names of checkout', '/api/v2/spans?serviceName=checkout');
  await r.get('remote-services.json', 'remote service names of frontend', '/api/v2/remoteServices?serviceName=frontend');
  await r.get('autocomplete-keys.json', 'autocomplete keys', '/api/v2/autocompleteKeys');
}

function readme(server: RunningServer, first: SentTrace, second: SentTrace, entries: Recorded[]): string {
  const rows = entries.map((e) => `| \`${e.file}\` | ${e.status} | ${e.description} | \`GET ${e.request.replace(/\|/g, '\\|')}\` |`);
  return [
    `# ${server.name} ${server.version}: recorded answers`,
    '',
    `Recorded on ${new Date().toISOString().slice(0, 10)} from a real ${server.name} ${server.version} started by`,
    '`test/backends/harness/servers.ts`, with `npx tsx test/backends/harness/recordFixtures.ts`. Bodies are saved',
    'byte for byte; `index.json` lists each request, status and content type.',
    '',
    `The trace sent by \`sendTestTrace\` is \`${first.traceId}\` (run id \`${first.runId}\`), described span by span`,
    `in \`expected.json\` (bigints as strings); a second trace, \`${second.traceId}\`, is in \`expected-second.json\``,
    'so that searches return more than one trace.',
    '',
    '| file | status | what | request |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2) as ServerName[];
  const names = args.length > 0 ? args : requestedServers();
  const failures: string[] = [];
  for (const name of names) {
    try {
      await record(name);
    } catch (err) {
      console.error(`${name}: FAILED\n${(err as Error).message}`);
      failures.push(name);
    }
  }
  if (failures.length > 0) {
    console.error(`not recorded: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
