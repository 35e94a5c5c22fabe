/*
 * `Jaeger skim while the answer arrives ÷ whole`: the waterfall's worker reads a Jaeger v1 answer
 * (src/core/backends/jaegerSkim.ts) in the batches the extension host posts it while it arrives,
 * so that little is left when the last byte is in. Here the same 50k-span answer is skimmed in
 * those batches and whole, each in a fresh process (a panel's worker is fresh: its JIT is cold),
 * alternating, from the skim bundled and minified as the build ships it.
 * Standalone: npx tsx bench/run.ts jaegerSkim
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BODY_BATCH_BYTES } from '../src/webviews/waterfall/workerClient';
import type { BenchRow } from './benchRow';
import { median } from './hostMeasures';
import { toJaegerJson } from './waterfallJaegerJson';
import { syntheticTrace } from './waterfallSyntheticTrace';

const SPANS = 50_000;
const RUNS = 5;
// Copying each byte into the one growing buffer costs ~0.2 more; a scan deoptimized at every batch cost ~0.65.
const BUDGET_RATIO = 1.4;

/** Skims the answer in a file, whole or in batches; prints the milliseconds and the spans read. */
const RUNNER = `
const { readFileSync } = require('node:fs');
const { JaegerSkimmer, skimJaegerDocument } = require(process.argv[2]);
const bytes = readFileSync(process.argv[3]);
const batch = Number(process.argv[4]);
const t0 = performance.now();
let skimmed;
if (batch === 0) skimmed = skimJaegerDocument(bytes);
else {
  const skimmer = new JaegerSkimmer();
  for (let at = 0; at < bytes.length; at += batch) skimmer.add(bytes.subarray(at, at + batch));
  skimmed = skimmer.finish();
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, spans: skimmed ? skimmed.traces.reduce((n, t) => n + t.spans.length, 0) : 0 }));
`;

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-lens-bench-skim-'));
  try {
    const bundle = path.join(dir, 'jaegerSkim.js');
    await esbuild.build({
      entryPoints: [path.resolve(__dirname, '../src/core/backends/jaegerSkim.ts')],
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, outfile: bundle, logLevel: 'silent',
    });
    const runner = path.join(dir, 'runner.js');
    writeFileSync(runner, RUNNER);
    const answer = path.join(dir, 'answer.json');
    const bytes = Buffer.from(toJaegerJson(syntheticTrace({ spans: SPANS, bigSubtree: 10_500, seed: 7 })));
    writeFileSync(answer, bytes);
    const skim = (batch: number): number => {
      const out = JSON.parse(execFileSync(process.execPath, [runner, bundle, answer, String(batch)], { encoding: 'utf8' })) as { ms: number; spans: number };
      if (out.spans !== SPANS) throw new Error(`the skim read ${out.spans} of ${SPANS} spans`);
      return out.ms;
    };
    const whole: number[] = [];
    const batched: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      whole.push(skim(0));
      batched.push(skim(BODY_BATCH_BYTES));
    }
    const ratio = median(batched) / median(whole);
    const mb = bytes.length / 1e6;
    return [{
      name: `Jaeger skim of a ${SPANS / 1000}k-span answer: read as it arrives ÷ read whole`,
      value: Math.round(ratio * 100) / 100,
      unit: '×',
      budget: `≤ ${BUDGET_RATIO}`,
      ok: ratio <= BUDGET_RATIO,
      note: `${mb.toFixed(0)} MB in ${BODY_BATCH_BYTES / 1024 / 1024} MB batches: median ${median(batched).toFixed(0)} ms (${batched.map((x) => x.toFixed(0)).join(' / ')}), ` +
        `whole ${median(whole).toFixed(0)} ms (${whole.map((x) => x.toFixed(0)).join(' / ')}); each in a fresh process, alternating`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
