// Starts the real Jaeger and Zipkin servers on loopback for the contract tests
// (Tempo is never run: its client is tested against documented answers replayed by
// tempoReplay.ts). Binaries come from scripts/backends/ensure-servers.sh (which
// builds them into a cache on a fresh machine); configs come from
// scripts/backends/config/. A server that cannot be built or started throws an
// Error naming the server, the command and the tail of its log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { childProcessOf } from './procStat';

export type ServerName = 'jaeger' | 'zipkin';

export interface RunningServer {
  name: ServerName;
  version: string; // e.g. '2.12.0', '3.6.1'
  queryUrl: string; // base URL of the query API, e.g. http://127.0.0.1:37123
  otlpHttpUrl?: string; // base URL of an OTLP/HTTP receiver (POST {otlpHttpUrl}/v1/traces): jaeger
  otlpGrpcPort?: number; // port of an OTLP/gRPC receiver on 127.0.0.1: jaeger
  queryGrpcPort?: number; // port of the query service's gRPC API (api_v3) on 127.0.0.1: jaeger
  /** The server's own process (not its watchdog), while it runs. */
  serverPid(): number | undefined;
  zipkinIngestUrl?: string; // POST JSON spans here: zipkin (http://127.0.0.1:port/api/v2/spans)
  logFile: string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '../../..');
const ensureScript = path.join(repoRoot, 'scripts/backends/ensure-servers.sh');
const configDir = path.join(repoRoot, 'scripts/backends/config');
// Logs outlive stop() so a failed run can be inspected afterwards.
const logDir = path.join(os.tmpdir(), 'trace-lens-server-logs');

const allServers: readonly ServerName[] = ['jaeger', 'zipkin'];

/**
 * Servers the backend suites should cover: `TRACE_LENS_BACKENDS=jaeger`
 * narrows the set (e.g. where a server cannot be built); default is both.
 */
export function requestedServers(): ServerName[] {
  const raw = process.env.TRACE_LENS_BACKENDS?.trim();
  if (!raw || raw === 'all') return [...allServers];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!allServers.includes(n as ServerName)) throw new Error(`TRACE_LENS_BACKENDS: unknown server '${n}'`);
  }
  return names as ServerName[];
}

/** Starts a server by name with its default options. */
export function startNamedServer(name: ServerName): Promise<RunningServer> {
  switch (name) {
    case 'jaeger':
      return startJaeger();
    case 'zipkin':
      return startZipkin();
  }
}

/** `maxTraces`: the memory store's bound (100,000 by default; the receiver bench bounds both sides alike). */
export function startJaeger(options: { maxTraces?: number } = {}): Promise<RunningServer> {
  return startServer('jaeger', async (binary, dir) => {
    const [httpPort, grpcPort, otlpPort, otlpGrpcPort] = await freePorts(4);
    const configFile = path.join(dir, 'jaeger.yaml');
    writeFileSync(
      configFile,
      fillTemplate('jaeger.yaml', {
        QUERY_HTTP_PORT: String(httpPort),
        QUERY_GRPC_PORT: String(grpcPort),
        OTLP_HTTP_PORT: String(otlpPort),
        OTLP_GRPC_PORT: String(otlpGrpcPort),
        MAX_TRACES: String(options.maxTraces ?? 100_000),
      }),
    );
    const queryUrl = `http://127.0.0.1:${httpPort}`;
    return {
      command: binary,
      args: [`--config=${configFile}`],
      queryUrl,
      otlpHttpUrl: `http://127.0.0.1:${otlpPort}`,
      otlpGrpcPort,
      queryGrpcPort: grpcPort,
      readyUrl: `${queryUrl}/api/services`,
      readyTimeoutMs: 60_000,
    };
  });
}

export function startZipkin(): Promise<RunningServer> {
  return startServer('zipkin', async (jar) => {
    const [port] = await freePorts(1);
    const queryUrl = `http://127.0.0.1:${port}`;
    return {
      command: 'java',
      args: [
        // Small heap: the suites store a handful of traces in memory.
        '-Xmx256m',
        '-jar',
        jar,
        // Zipkin serves through Armeria; without an explicit ip it binds every interface.
        `--armeria.ports[0].port=${port}`,
        '--armeria.ports[0].ip=127.0.0.1',
        '--armeria.ports[0].protocols[0]=http',
        `--server.port=${port}`,
      ],
      env: { STORAGE_TYPE: 'mem' },
      queryUrl,
      zipkinIngestUrl: `${queryUrl}/api/v2/spans`,
      readyUrl: `${queryUrl}/health`,
      readyTimeoutMs: 90_000,
    };
  });
}

/** Spanmetrics histogram buckets (ms) of jaeger-spm.yaml: 0.5 ms to 60 s, each 10 % wider than the one below. */
export function spmDurationBucketsMs(): number[] {
  const out: number[] = [];
  for (let v = 0.5; v < 60_000; v *= 1.1) out.push(Math.round(v * 10_000) / 10_000);
  return out;
}

/** The widest bucket's upper/lower ratio minus one: histogram_quantile is within this of the true value. */
export function spmBucketRelativeWidth(buckets: readonly number[] = spmDurationBucketsMs()): number {
  let w = 0;
  for (let i = 1; i < buckets.length; i++) w = Math.max(w, buckets[i] / buckets[i - 1] - 1);
  return w;
}

export interface RunningPrometheus {
  name: 'prometheus';
  version: string;
  /** Base URL of its HTTP API, e.g. http://127.0.0.1:39090 (`/api/v1/query`). */
  queryUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Jaeger with Service Performance Monitoring: its spanmetrics exporter and the Prometheus scraping it. */
export interface RunningJaegerSpm extends RunningServer {
  prometheus: RunningPrometheus;
  /** The connector's metrics as the prometheus exporter serves them (`{metricsUrl}/metrics`). */
  metricsUrl: string;
  bucketsMs: number[];
}

/**
 * Debian's Prometheus (`apt-get install prometheus`) as a plain binary: a temp config
 * scraping `scrapeTargets` (host:port) every second, storage in its temp dir, the API on
 * a loopback port (`port`, or a free one). The Debian service is never started.
 */
export function startPrometheus(options: { scrapeTargets: string[]; port?: number }): Promise<RunningPrometheus> {
  const ensure = async (): Promise<EnsuredServer> => {
    const binary = '/usr/bin/prometheus';
    if (!existsSync(binary)) throw new Error('prometheus: /usr/bin/prometheus is missing: apt-get install -y prometheus');
    const out = await new Promise<string>((resolve) => {
      const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('close', () => resolve(text));
      child.on('error', () => resolve(''));
    });
    return { binary, version: /version (\S+)/.exec(out)?.[1] ?? 'unknown' };
  };
  return startServer(
    'prometheus',
    async (binary, dir) => {
      const port = options.port ?? (await freePorts(1))[0];
      const configFile = path.join(dir, 'prometheus.yml');
      const targets = options.scrapeTargets.map((t) => `'${t}'`).join(', ');
      writeFileSync(configFile, ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: spanmetrics', '    static_configs:', `      - targets: [${targets}]`, ''].join('\n'));
      const queryUrl = `http://127.0.0.1:${port}`;
      return {
        command: binary,
        args: [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
        queryUrl,
        readyUrl: `${queryUrl}/-/ready`,
        readyTimeoutMs: 60_000,
      };
    },
    ensure,
  );
}

/**
 * Jaeger with jaeger-spm.yaml (spans to the memory store and the spanmetrics connector, its
 * metrics to a prometheus exporter) and a Prometheus scraping that exporter, which
 * jaeger_query reads for /api/metrics/*. stop() stops both.
 */
export function startJaegerWithSpm(): Promise<RunningJaegerSpm> {
  // The ports both know are chosen once per start of the pair: a taken one means starting both again.
  return retryOnBindConflict(startJaegerWithSpmOnce);
}

async function startJaegerWithSpmOnce(): Promise<RunningJaegerSpm> {
  const [promPort, metricsPort] = await freePorts(2);
  const bucketsMs = spmDurationBucketsMs();
  const jaeger = await startServer('jaeger', async (binary, dir) => {
    const [httpPort, grpcPort, otlpPort] = await freePorts(3);
    const configFile = path.join(dir, 'jaeger-spm.yaml');
    writeFileSync(
      configFile,
      fillTemplate('jaeger-spm.yaml', {
        QUERY_HTTP_PORT: String(httpPort),
        QUERY_GRPC_PORT: String(grpcPort),
        OTLP_HTTP_PORT: String(otlpPort),
        PROMETHEUS_PORT: String(promPort),
        METRICS_PORT: String(metricsPort),
        // Go durations: a bare number would be read as nanoseconds.
        DURATION_BUCKETS: bucketsMs.map((b) => `${b}ms`).join(', '),
      }),
    );
    const queryUrl = `http://127.0.0.1:${httpPort}`;
    return {
      command: binary,
      args: [`--config=${configFile}`],
      queryUrl,
      otlpHttpUrl: `http://127.0.0.1:${otlpPort}`,
      readyUrl: `${queryUrl}/api/services`,
      readyTimeoutMs: 60_000,
    };
  });
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${metricsPort}`], port: promPort });
  } catch (err) {
    await jaeger.stop();
    throw err;
  }
  return {
    ...jaeger,
    prometheus,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    bucketsMs,
    stop: async () => {
      await Promise.all([jaeger.stop(), prometheus.stop()]);
    },
  };
}

interface LaunchPlan {
  command: string;
  args: string[];
  env?: Record<string, string>;
  queryUrl: string;
  otlpHttpUrl?: string;
  otlpGrpcPort?: number;
  queryGrpcPort?: number;
  zipkinIngestUrl?: string;
  readyUrl: string;
  readyTimeoutMs: number;
}

interface EnsuredServer {
  version: string;
  binary: string;
}

const ensured = new Map<ServerName, Promise<EnsuredServer>>();

/** Runs ensure-servers.sh once per process and server; a cold build takes minutes. */
function ensureServer(name: ServerName): Promise<EnsuredServer> {
  let pending = ensured.get(name);
  if (!pending) {
    pending = runEnsure(name);
    // A failure is not cached: a later call may succeed (e.g. after a transient registry error).
    pending.catch(() => ensured.delete(name));
    ensured.set(name, pending);
  }
  return pending;
}

function runEnsure(name: ServerName): Promise<EnsuredServer> {
  const command = `bash ${path.relative(repoRoot, ensureScript)} ${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [ensureScript, name], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Keeps a long cold build visible in the test output.
      if (process.env.TRACE_LENS_VERBOSE_BUILD) process.stderr.write(d);
    });
    child.on('error', (err) => reject(new Error(`${name}: cannot run \`${command}\`: ${err.message}`)));
    child.on('close', (code) => {
      // "<name> <version> <path>"; the path may contain spaces.
      const match = new RegExp(`^${name} (\\S+) (.+)$`, 'm').exec(stdout);
      const [, version, binary] = match ?? [];
      if (code === 0 && version && binary && existsSync(binary)) {
        resolve({ version, binary });
        return;
      }
      reject(new Error(`${name}: cannot be built: \`${command}\` exited with ${code}.\n${tail(stderr + stdout)}`));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers must be synchronous: a SIGKILL to each process group is.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      for (const child of running) killGroup(child, 'SIGKILL');
      // Restores the default behaviour (terminate) when nobody else handles the signal.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// Runs the server under a small bash watchdog in its own process group: the
// watchdog ends the server, and removes its temp dir, when the test process
// disappears, even by SIGKILL, where no 'exit' handler runs.
const watchdog = [
  'parent=$1; dir=$2; shift 2',
  '"$@" & child=$!',
  'trap \'kill -TERM $child 2>/dev/null; wait $child; exit 143\' TERM INT',
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done',
  'kill -TERM $child 2>/dev/null',
  'wait $child; status=$?',
  'kill -0 "$parent" 2>/dev/null || rm -rf "$dir"',
  'exit $status',
].join('\n');

/** Starts made when a server finds a port it was given taken. */
const BIND_ATTEMPTS = 3;

/**
 * Whether a start failed because a port was taken between the harness choosing it and the server
 * binding it: freePorts() releases its ports before the server starts, and any process's outgoing
 * connection may take one as its local port meanwhile (seen: Prometheus, started after Jaeger, found
 * its port in use).
 */
export function isBindConflict(err: unknown): boolean {
  return err instanceof Error && /address already in use|EADDRINUSE/i.test(err.message);
}

/** `start()` again, up to BIND_ATTEMPTS in all, while it fails because a port it chose was taken. */
async function retryOnBindConflict<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= BIND_ATTEMPTS || !isBindConflict(err)) throw err;
    }
  }
}

/** Starts a server; when its ports were taken meanwhile, plans again (fresh ports) and starts it again. */
function startServer<N extends ServerName | 'prometheus'>(
  name: N,
  plan: (binary: string, dir: string) => Promise<LaunchPlan>,
  ensure: () => Promise<EnsuredServer> = () => ensureServer(name as ServerName),
): Promise<Omit<RunningServer, 'name'> & { name: N }> {
  return retryOnBindConflict(() => startServerOnce(name, plan, ensure));
}

async function startServerOnce<N extends ServerName | 'prometheus'>(
  name: N,
  plan: (binary: string, dir: string) => Promise<LaunchPlan>,
  ensure: () => Promise<EnsuredServer>,
): Promise<Omit<RunningServer, 'name'> & { name: N }> {
  const { version, binary } = await ensure();
  const dir = mkdtempSync(path.join(os.tmpdir(), `trace-lens-${name}-`));
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  let launch: LaunchPlan;
  try {
    launch = await plan(binary, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const commandLine = [launch.command, ...launch.args].join(' ');
  const log = createWriteStream(logFile);
  log.write(`$ ${commandLine}\n`);
  installExitHooks();
  const child = spawn('bash', ['-c', watchdog, 'watchdog', String(process.pid), dir, launch.command, ...launch.args], {
    cwd: dir,
    detached: true,
    env: { ...process.env, ...launch.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = signal ? `was killed by ${signal}` : `exited with ${code}`;
      running.delete(child);
      resolve();
    });
    child.on('error', (err) => {
      exited = `could not be spawned: ${err.message}`;
      running.delete(child);
      resolve();
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!exited) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(timer);
      }
      // The watchdog may have left the server's own children behind.
      killGroup(child, 'SIGKILL');
      await new Promise<void>((resolve) => log.end(resolve));
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const started = Date.now();
  const deadline = started + launch.readyTimeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(launch.readyUrl, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.ok) {
        log.write(`[harness] ready after ${Date.now() - started} ms (${launch.readyUrl})\n`);
        return {
          name,
          version,
          queryUrl: launch.queryUrl,
          otlpHttpUrl: launch.otlpHttpUrl,
          otlpGrpcPort: launch.otlpGrpcPort,
          queryGrpcPort: launch.queryGrpcPort,
          // The watchdog's child that is the server, not the `sleep` of its loop.
          serverPid: () => (exited || child.pid === undefined ? undefined : childProcessOf(child.pid, 'sleep')),
          zipkinIngestUrl: launch.zipkinIngestUrl,
          logFile,
          stop,
        };
      }
      lastProblem = `${res.status} ${body.trim().slice(0, 200)}`;
    } catch (err) {
      lastProblem = (err as Error).message;
    }
    await sleep(250);
  }
  const why = exited ? `the process ${exited}` : `not ready after ${launch.readyTimeoutMs} ms (${launch.readyUrl}: ${lastProblem})`;
  await stop();
  throw new Error(`${name} ${version} failed to start: ${why}.\nCommand: ${commandLine}\nLog ${logFile}:\n${tail(readLog(logFile))}`);
}

function fillTemplate(file: string, values: Record<string, string>): string {
  const text = readFileSync(path.join(configDir, file), 'utf8');
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${file}: no value for ${whole}`);
    return value;
  });
}

/** Asks the OS for distinct free loopback ports (holding all open at once so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
