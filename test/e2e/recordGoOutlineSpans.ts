/*
 * Records the spans of test/workspaces/outline-languages/go (the OpenTelemetry Go SDK 1.38.0,
 * OTLP/HTTP protobuf, a span processor that sets only `code.function.name`) into
 * test/e2e/fixtures/go-sdk-spans.otlp.json, which test/e2e/outlineLanguages.test.ts replays with
 * its timestamps moved to the present. The Go build takes minutes on a cold module cache, too long
 * for every e2e run; run this again after changing the Go program:
 *   npx tsx test/e2e/recordGoOutlineSpans.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeOtlpJsonRequest } from '../../src/core/receiver/otlpJsonEncoder';
import { run, startReceiver, waitFor } from '../receiver/receiverHarness';
import { repoRoot } from '../runner/vscodeRuntime';

const GO_DIR = path.join(repoRoot, 'test/workspaces/outline-languages/go');
export const GO_SPANS_FIXTURE = path.join(repoRoot, 'test/e2e/fixtures/go-sdk-spans.otlp.json');
/** 12 Serve calls and 5 Quote calls (cmd/shop/main.go). */
const EXPECTED_SPANS = 17;

async function main(): Promise<void> {
  const out = mkdtempSync(path.join(tmpdir(), 'trace-lens-go-'));
  const rx = await startReceiver();
  try {
    const binary = path.join(out, 'shop');
    await run('go', ['build', '-o', binary, './cmd/shop'], { cwd: GO_DIR, timeoutMs: 600_000 });
    await run(binary, [], { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rx.port}`, OTEL_SERVICE_NAME: 'go-shop' }, timeoutMs: 60_000 });
    await waitFor(`${EXPECTED_SPANS} spans from the Go SDK`, () => rx.store.counts.spansReceived >= EXPECTED_SPANS, 30_000);
    const spans = [...rx.store.allSpans()];
    writeFileSync(GO_SPANS_FIXTURE, `${JSON.stringify(JSON.parse(encodeOtlpJsonRequest(spans)), null, 1)}\n`);
    console.log(`${spans.length} spans written to ${path.relative(repoRoot, GO_SPANS_FIXTURE)}`);
  } finally {
    await rx.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
