/*
 * An OTLP JSON answer (Jaeger v3, Tempo) as it arrives from a backend on another machine: the
 * panel's worker follows its bytes as they come (OtlpCutScan in src/core/backends/otlpSkim.ts),
 * so that when the last byte is in only JSON.parse of what is left, the converters and the layout
 * remain. Measured: first byte → trace laid out in the worker (the arrival itself, the same for
 * both, included), the shipped worker against the same worker bundled to scan only after the last
 * byte (the path before), fresh workers, alternating.
 * The answer is handed over at 100 MB/s, a fast link to a remote backend: on loopback the bench's
 * local server and the host share the two cores with the worker, so there is no idle core to
 * follow the bytes with (waterfallRealPath measures that path).
 * Standalone: npx tsx bench/run.ts waterfallArrival
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { WaterfallWorkerClient } from '../src/webviews/waterfall/workerClient';
import type { BenchRow } from './benchRow';
import { median, SHIPPED_WORKER } from './hostMeasures';
import { toOtlpJson } from './waterfallOtlpJson';
import { syntheticTrace } from './waterfallSyntheticTrace';

const SPANS = 50_000;
const RUNS = 5;
const MB_PER_S = 100;
/** What a socket hands over at a time. */
const CHUNK = 64 * 1024;

/** The worker as the build bundles it; `afterLastByte`: its OTLP scan waits for the last byte. */
async function bundleWorker(dir: string, afterLastByte: boolean): Promise<string> {
  const out = path.join(dir, afterLastByte ? 'scanAfter.js' : 'waterfallWorker.js');
  const scanAfter: esbuild.Plugin = {
    name: 'scan-after-last-byte',
    setup(build) {
      build.onLoad({ filter: /otlpSkim\.ts$/ }, (args) => ({
        loader: 'ts',
        contents: `${readFileSync(args.path, 'utf8')}
          const followAll = OtlpCutScan.prototype.advance;
          OtlpCutScan.prototype.advance = function (b: Uint8Array, final: boolean, n?: number): boolean { return final ? followAll.call(this, b, final, n) : true; };`,
      }));
    },
  };
  await esbuild.build({
    entryPoints: [path.resolve(__dirname, '../src/webviews/waterfall/layoutWorker.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile: out, logLevel: 'silent',
    plugins: afterLastByte ? [scanAfter] : [],
  });
  return out;
}

/** The answer handed to a fresh worker at MB_PER_S; ms from its first byte to the trace laid out, and of those the arrival's. */
async function firstByteToLoaded(worker: string, body: Buffer, traceId: string): Promise<{ ms: number; arrivalMs: number }> {
  const client = new WaterfallWorkerClient(worker, { post: () => undefined, command: () => undefined, crashed: () => undefined }, SHIPPED_WORKER);
  try {
    client.fromWebview({ type: 'ready' });
    const sink = client.beginResponse(traceId);
    const t0 = performance.now();
    for (let at = 0; at < body.length; at += CHUNK) {
      sink(body.subarray(at, at + CHUNK));
      const wait = t0 + ((at + CHUNK) / (MB_PER_S * 1e6)) * 1000 - performance.now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const arrivalMs = performance.now() - t0;
    const loaded = await client.loadResponse({ traceId, format: 'otlp', body: new Uint8Array(0), source: 'the bench', url: 'http://127.0.0.1/', streamed: true });
    if (loaded.summary.spanCount !== SPANS) throw new Error(`the worker laid out ${loaded.summary.spanCount} of ${SPANS} spans`);
    return { ms: performance.now() - t0, arrivalMs };
  } finally {
    await client.dispose();
  }
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-lens-bench-arrival-'));
  try {
    const following = await bundleWorker(dir, false);
    const after = await bundleWorker(dir, true);
    const trace = syntheticTrace({ spans: SPANS, bigSubtree: 10_500, seed: 7 });
    const body = Buffer.concat([Buffer.from('{"result":'), Buffer.from(toOtlpJson(trace)), Buffer.from('}')]);
    const times = { following: [] as number[], after: [] as number[] };
    const arrivals: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const f = await firstByteToLoaded(following, body, trace.traceId);
      const a = await firstByteToLoaded(after, body, trace.traceId);
      times.following.push(f.ms);
      times.after.push(a.ms);
      arrivals.push(f.arrivalMs, a.arrivalMs);
    }
    const value = median(times.following);
    const before = median(times.after);
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
    return [{
      name: `waterfall ${SPANS / 1000}k OTLP JSON answer arriving at ${MB_PER_S} MB/s: first byte → laid out in the worker`,
      value: Math.round(value),
      unit: 'ms',
      budget: `< scanned after the last byte (${before.toFixed(0)} ms)`,
      ok: value < before,
      note: `${(body.length / 1e6).toFixed(0)} MB in ${CHUNK / 1024} kB chunks arriving over ${median(arrivals).toFixed(0)} ms, fresh workers, alternating, median of ${RUNS}: followed as it arrives ${runs(times.following)} ms; scanned after ${runs(times.after)} ms`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
