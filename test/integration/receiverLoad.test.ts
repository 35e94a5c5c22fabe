// The extension host while the built-in receiver takes a full load: the benchmark's load generator
// (bench/receiverLoadSender.ts, a separate process, 4 requests of 512 SDK spans in flight) sends
// to this window's receiver, and CodeLens and hover are asked again and again meanwhile. Here the
// whole product runs on the spans (statistics, live lint, the saved snapshot), not just the
// receiver and its store as in the benchmark; the figures go to test-results/receiver-load-host.json.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { LoadSender, type LoadDone } from '../../bench/receiverLoadProcess';
import { sendToReceiver } from './otlpSender';
import { RECEIVER } from './receiverPorts';
import { latencyLensOn, lineOf, setGlobal, traceLensHover, waitFor, workspaceFile } from './support';

/** dist/test/integration → the repository. */
const REPO = path.resolve(__dirname, '../../..');
const SPANS = 200_000;
/**
 * An answer later than this means the host starved. Not the goal (a lens should come within its
 * 5 ms budget), which the product does not meet under a full load yet: the statistics, the live
 * lint and the insights still run on the host thread beside the receiver (see docs/performance.md).
 */
const MAX_ANSWER_MS = 15_000;

const lensTitleOn = async (uri: vscode.Uri, line: number): Promise<string | undefined> => (await latencyLensOn(uri, line))?.command?.title;

describe('the extension host under a full receiver load', function () {
  this.timeout(300_000);

  before(async () => {
    // Room for the whole load beside the spans the lens is drawn from: evicting those would take the lens away, rightly.
    await setGlobal('local.maxSpans', SPANS + 100_000);
  });

  after(async () => {
    await setGlobal('local.maxSpans', undefined);
    // The next suites start from an empty store, as they expect.
    await vscode.commands.executeCommand('traceLens.clearReceivedSpans');
  });

  it(`keeps answering CodeLens and hover while ${SPANS.toLocaleString('en-US')} spans arrive, and reports its event-loop delay`, async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('latency', 'latencyCheckout.ts'));
    const declaration = lineOf(doc, 'export function validateCart');
    const spanLine = lineOf(doc, 'validateCart span line') + 1;
    await sendToReceiver([{ name: 'validate cart', attributes: { 'code.file.path': 'latency/latencyCheckout.ts', 'code.function.name': 'validateCart', 'code.line.number': spanLine }, durationsMs: [12, 14, 16] }], 'load-fixture-service');
    await waitFor('the validateCart lens', () => lensTitleOn(doc.uri, declaration), 60_000);
    const hoverAt = new vscode.Position(declaration, doc.lineAt(declaration).text.indexOf('validateCart') + 2);
    // A window's first hovers wait for every hover provider, the TypeScript language server's start
    // included (0.7-2.5 s here even when idle): not what is measured here.
    assert.ok(await traceLensHover(doc.uri, hoverAt), 'the hover is there before the load');

    const sender = new LoadSender({ port: Number(new URL(RECEIVER).port), spans: SPANS, repoRoot: REPO });
    try {
      await sender.ready;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const answers: { lensMs: number; hoverMs: number }[] = [];
      let finished: LoadDone | undefined;
      delay.enable();
      const done = sender.go().then((m) => (finished = m));
      // Asked back to back until the last span is acknowledged: each answer comes from the cache
      // the statistics keep, whatever the receiver is doing.
      while (!finished) {
        const a = performance.now();
        const title = await lensTitleOn(doc.uri, declaration);
        const b = performance.now();
        const hover = await traceLensHover(doc.uri, hoverAt);
        const c = performance.now();
        assert.ok(title, 'the lens is there during the load');
        assert.ok(hover, 'the hover is there during the load');
        answers.push({ lensMs: b - a, hoverMs: c - b });
      }
      await done;
      delay.disable();
      const worst = (key: 'lensMs' | 'hoverMs') => Math.max(...answers.map((x) => x[key]));
      const median = (key: 'lensMs' | 'hoverMs') => answers.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(answers.length / 2)];
      const report = {
        spans: SPANS,
        spansPerSecond: Math.round(SPANS / (finished.ms / 1000)),
        senderFailures: finished.failures,
        exportsDeferred: finished.deferred,
        eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e6),
        eventLoopDelayMaxMs: Math.round(delay.max / 1e6),
        probes: answers.length,
        lensMedianMs: Math.round(median('lensMs')),
        lensWorstMs: Math.round(worst('lensMs')),
        hoverMedianMs: Math.round(median('hoverMs')),
        hoverWorstMs: Math.round(worst('hoverMs')),
      };
      mkdirSync(path.join(REPO, 'test-results'), { recursive: true });
      writeFileSync(path.join(REPO, 'test-results/receiver-load-host.json'), JSON.stringify(report, null, 2));
      console.log(`      receiver load in the extension host: ${JSON.stringify(report)}`);
      assert.equal(finished.failures, 0, 'every export was accepted');
      assert.ok(answers.length >= 2, `${answers.length} lens and hover requests were answered during the load`);
      assert.ok(report.lensWorstMs <= MAX_ANSWER_MS && report.hoverWorstMs <= MAX_ANSWER_MS, `answers took up to ${report.lensWorstMs} ms (lens) and ${report.hoverWorstMs} ms (hover)`);
    } finally {
      sender.kill();
    }
  });
});
