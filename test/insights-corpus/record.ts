/*
 * Regenerates the insights corpus: `npx tsx test/insights-corpus/record.ts`.
 * Runs every scenario of services/shop.py (a service on real SQLite, PostgreSQL, Redis and HTTP, instrumented
 * with the OpenTelemetry Python SDK) as its own process, receives its spans with Trace Lens' own
 * OTLP/HTTP receiver, and writes each scenario's request traces as OTLP JSON to traces/<scenario>.json,
 * plus expected.json: which rules each trace shows by construction (the ground truth of
 * test/unit/insights/corpus.test.ts). Needs python3 with venv, redis-server and PostgreSQL (Debian
 * `redis-server` and `postgresql`; a throw-away cluster is created and removed).
 * Timings differ between runs; the scenarios are sized so the verdicts do not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeOtlpJsonRequest } from '../../src/core/receiver/otlpJsonEncoder';
import { cacheDir, run, startReceiver } from '../receiver/receiverHarness';

const HERE = __dirname;
const SCENARIOS = [
  'orders-n-plus-one', 'orders-eager', 'orders-few',
  'orders-pg-n-plus-one', 'orders-pg-join',
  'gateway-serial', 'gateway-parallel', 'gateway-dependent',
  'catalog-cache-miss', 'catalog-warm-cache', 'catalog-session',
  'reports-bottleneck', 'reports-balanced',
  'pricing-repeated', 'pricing-once',
  'search-slow-statement', 'search-indexed',
] as const;

interface Expectation {
  traceId: string;
  scenario: string;
  expect: string[];
}

/** The venv of services/requirements.txt, rebuilt when the requirements change. */
async function ensureVenv(): Promise<string> {
  const requirements = readFileSync(path.join(HERE, 'services', 'requirements.txt'), 'utf8');
  const venv = path.join(cacheDir(), 'py-insights');
  const stamp = path.join(venv, 'requirements.txt');
  const python = path.join(venv, 'bin', 'python');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === requirements) return python;
  const tmp = `${venv}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [cmd, args] of [['python3', ['-m', 'venv', tmp]], [path.join(tmp, 'bin', 'pip'), ['install', '--quiet', '-r', path.join(HERE, 'services', 'requirements.txt')]]] as const) {
    // A failed install must not be renamed into place as if it were complete.
    const r = await run(cmd, [...args], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  }
  writeFileSync(path.join(tmp, 'requirements.txt'), requirements);
  rmSync(venv, { recursive: true, force: true });
  renameSync(tmp, venv);
  return python;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A throw-away redis-server on loopback, without persistence. */
async function startRedis(): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await readyWhen(child, 'redis-server (Debian package redis-server)', 'Ready to accept connections');
  return { port, stop: () => child.kill('SIGTERM') };
}

/** Waits for a line of a child's output; rejects when the child cannot start or stays silent. */
function readyWhen(child: ChildProcess, what: string, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 30 s:\n${seen}`)), 30_000);
    child.on('error', (e) => reject(new Error(`Cannot run ${what}: ${e.message}`)));
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

/**
 * A throw-away PostgreSQL cluster of Debian's packaged server on loopback. PostgreSQL refuses to run
 * as root, so as root the cluster belongs to the `postgres` user the package creates.
 */
async function startPostgres(): Promise<{ conninfo: string; stop: () => Promise<void> }> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (Debian package postgresql)');
  const bin = path.join('/usr/lib/postgresql', versions[0], 'bin');
  const dir = mkdtempSync(path.join(tmpdir(), 'insights-pg-'));
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) {
    // The package's system user, from /etc/passwd (name:password:uid:gid:…).
    const entry = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':');
    if (!entry) throw new Error('no postgres user: install Debian\'s postgresql package');
    chownSync(dir, Number(entry[2]), Number(entry[3]));
    chmodSync(dir, 0o700);
  }
  const data = path.join(dir, 'data');
  const [initCmd, initArgs] = wrap(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const init = await run(initCmd, initArgs);
  if (init.code !== 0) throw new Error(`initdb failed:\n${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = wrap(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await readyWhen(child, 'postgres', 'ready to accept connections');
  return {
    conninfo: `host=127.0.0.1 port=${port} user=postgres dbname=postgres`,
    stop: async () => {
      // Through pg_ctl: runuser does not pass a SIGINT on to the server it started.
      const exited = new Promise((r) => child.on('exit', r));
      const [stopCmd, stopArgs] = wrap(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast']);
      await run(stopCmd, stopArgs);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const python = await ensureVenv();
  const redis = await startRedis();
  const postgres = await startPostgres();
  const rx = await startReceiver();
  const work = mkdtempSync(path.join(tmpdir(), 'insights-corpus-'));
  const expectations: Expectation[] = [];
  try {
    mkdirSync(path.join(HERE, 'traces'), { recursive: true });
    for (const scenario of SCENARIOS) {
      const r = await run(python, [path.join(HERE, 'services', 'shop.py'), scenario, `http://127.0.0.1:${rx.port}/v1/traces`, String(redis.port), work, postgres.conninfo], { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`${scenario} failed (${r.code}):\n${r.stderr}`);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Expectation);
      // The process flushed its exporter before printing: every span of these traces has arrived.
      const spans = [];
      for (const e of lines) {
        const t = await rx.store.getTrace(e.traceId);
        if (t.spans.length === 0) throw new Error(`${scenario}: trace ${e.traceId} did not arrive`);
        spans.push(...t.spans);
      }
      writeFileSync(path.join(HERE, 'traces', `${scenario}.json`), `${encodeOtlpJsonRequest(spans)}\n`);
      expectations.push(...lines);
      process.stderr.write(`${scenario}: ${lines.length} traces, ${spans.length} spans\n`);
    }
    writeFileSync(path.join(HERE, 'expected.json'), `${JSON.stringify({ traces: expectations }, null, 1)}\n`);
  } finally {
    await rx.stop();
    redis.stop();
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
