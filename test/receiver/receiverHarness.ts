/*
 * Shared harness of the receiver's real-SDK tests: a receiver + store on a free
 * loopback port, polling, child processes, and the tool caches (Python venv,
 * Java agent jars) installed on first use under
 * ${TRACE_LENS_CACHE:-$HOME/.cache/trace-lens-dev}. A missing tool fails the test
 * loudly; nothing is skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { OtlpGrpcReceiver } from '../../src/core/receiver/otlpGrpcReceiver';
import { OtlpHttpReceiver } from '../../src/core/receiver/otlpHttpReceiver';
import { SpanStore } from '../../src/core/receiver/spanStore';

export interface RunningReceiver {
  store: SpanStore;
  receiver: OtlpHttpReceiver;
  port: number;
  stop(): Promise<void>;
}

export async function startReceiver(maxSpans = 100_000, maxBodyBytes?: number): Promise<RunningReceiver> {
  const store = new SpanStore({ maxSpans });
  const receiver = new OtlpHttpReceiver(store, { port: 0, maxBodyBytes });
  const { port } = await receiver.start();
  return {
    store,
    receiver,
    port,
    async stop() {
      await receiver.stop();
      store.dispose();
    },
  };
}

export interface RunningGrpcReceiver {
  store: SpanStore;
  receiver: OtlpGrpcReceiver;
  port: number;
  stop(): Promise<void>;
}

/** The OTLP/gRPC receiver on a free loopback port, with its own store. */
export async function startGrpcReceiver(maxSpans = 100_000): Promise<RunningGrpcReceiver> {
  const store = new SpanStore({ maxSpans });
  const receiver = new OtlpGrpcReceiver(store, { port: 0 });
  const { port } = await receiver.start();
  return {
    store,
    receiver,
    port,
    async stop() {
      await receiver.stop();
      store.dispose();
    },
  };
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its output when it fails or cannot start. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

export function cacheDir(): string {
  const dir = process.env.TRACE_LENS_CACHE ?? path.join(homedir(), '.cache', 'trace-lens-dev');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Python venv with the OpenTelemetry SDK and `opentelemetry-exporter-otlp` (the
 * OTLP/HTTP protobuf and OTLP/gRPC exporters). Built in a temporary folder and
 * renamed into place, so an interrupted install is never mistaken for a complete
 * one; a venv from before the gRPC exporter gets it added (marked by a stamp file
 * written after pip succeeds).
 */
export async function ensurePythonOtel(): Promise<string> {
  const venv = path.join(cacheDir(), 'py-otel');
  const python = path.join(venv, 'bin', 'python');
  const grpcStamp = path.join(venv, '.otlp-grpc-installed');
  if (existsSync(python)) {
    if (!existsSync(grpcStamp)) {
      await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', 'opentelemetry-exporter-otlp']);
      writeFileSync(grpcStamp, '');
    }
    return python;
  }
  const tmp = `${venv}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', tmp]);
  await run(path.join(tmp, 'bin', 'pip'), ['install', '--quiet', 'opentelemetry-sdk', 'opentelemetry-exporter-otlp']);
  writeFileSync(path.join(tmp, '.otlp-grpc-installed'), '');
  renameSync(tmp, venv);
  return python;
}

export const JAVA_AGENT_VERSION = '2.10.0';
/** The API version the 2.10.0 agent bundles; the app compiles against it. */
export const JAVA_API_VERSION = '1.44.1';

export interface JavaJars {
  agent: string;
  annotations: string;
  api: string;
  context: string;
}

/** The OpenTelemetry Java agent and the jars the test program compiles against, from Maven Central. */
export async function ensureJavaJars(): Promise<JavaJars> {
  const dir = path.join(cacheDir(), `java-otel-${JAVA_AGENT_VERSION}`);
  const jars: JavaJars = {
    agent: path.join(dir, `opentelemetry-javaagent-${JAVA_AGENT_VERSION}.jar`),
    annotations: path.join(dir, `opentelemetry-instrumentation-annotations-${JAVA_AGENT_VERSION}.jar`),
    api: path.join(dir, `opentelemetry-api-${JAVA_API_VERSION}.jar`),
    context: path.join(dir, `opentelemetry-context-${JAVA_API_VERSION}.jar`),
  };
  const artifacts: [string, string][] = [
    [jars.agent, `io.opentelemetry.javaagent:opentelemetry-javaagent:${JAVA_AGENT_VERSION}`],
    [jars.annotations, `io.opentelemetry.instrumentation:opentelemetry-instrumentation-annotations:${JAVA_AGENT_VERSION}`],
    [jars.api, `io.opentelemetry:opentelemetry-api:${JAVA_API_VERSION}`],
    [jars.context, `io.opentelemetry:opentelemetry-context:${JAVA_API_VERSION}`],
  ];
  mkdirSync(dir, { recursive: true });
  for (const [file, artifact] of artifacts) {
    if (existsSync(file)) continue;
    // dependency:copy writes the jar in one rename-free step; a partial download fails the command.
    await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${dir}`], { cwd: dir });
    if (!existsSync(file)) throw new Error(`mvn did not produce ${file}`);
  }
  return jars;
}

export function hrTimeToNs(t: [number, number]): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}
