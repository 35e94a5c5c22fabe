import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIo } from '../../../src/cli/cliIo';
import { main } from '../../../src/cli';
import type { TraceInspection } from '../../../src/core/waterfall/traceInspection';
import { fixtureDir } from '../backends/traceExpectations';

const REPO = path.resolve(__dirname, '../../..');

interface ExpectedSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  serviceName: string;
  status: { code: string };
}
interface Expected {
  traceId: string;
  rootSpanId: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  services: string[];
  spans: ExpectedSpan[];
}

async function inspect(file: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: REPO };
  const code = await main(['inspect', file, '--json'], io);
  return { code, out, err };
}

// Trace files recorded from the real servers; expected.json is what the SDK sent.
for (const [server, file] of [
  ['jaeger', 'v1-trace.json'],
  ['zipkin', 'trace.json'],
] as const) {
  const dir = fixtureDir(server);
  describe(`trace-lens inspect on a ${path.basename(dir)} trace file`, () => {
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;

    it('prints the summary the README documents', async () => {
      const r = await inspect(path.join(dir, file));
      assert.equal(r.code, 0, r.err);
      const got = JSON.parse(r.out) as TraceInspection;
      assert.deepEqual(Object.keys(got).sort(), ['criticalPath', 'durationMs', 'errorCount', 'rootName', 'services', 'spanCount', 'traceId']);
      assert.equal(got.traceId, expected.traceId);
      assert.equal(got.spanCount, expected.spans.length);
      assert.deepEqual(got.services, [...expected.services].sort());
      // Zipkin stores span names in lower case.
      assert.equal(got.rootName.toLowerCase(), expected.spans.find((s) => s.spanId === expected.rootSpanId)?.name.toLowerCase());
      assert.equal(got.durationMs, Number(BigInt(expected.endTimeUnixNano) - BigInt(expected.startTimeUnixNano)) / 1e6);
      assert.equal(got.errorCount, expected.spans.filter((s) => s.status.code === 'ERROR').length);
    });

    it('gives a critical path that starts at the root and covers the sequential and nested work', async () => {
      const got = JSON.parse((await inspect(path.join(dir, file))).out) as TraceInspection;
      assert.equal(got.criticalPath[0], expected.rootSpanId);
      // A span is on the path only through its parent: every later entry's parent came before it.
      const parentOf = new Map(expected.spans.map((s) => [s.spanId, s.parentSpanId]));
      got.criticalPath.slice(1).forEach((id, i) => assert.ok(got.criticalPath.slice(0, i + 1).includes(parentOf.get(id) ?? ''), `${id}'s parent precedes it`));
      // The test trace: renderCart runs first, then the checkout call whose deepest child is chargeCard.
      const idOf = (name: string) => expected.spans.find((s) => s.name === name)?.spanId;
      for (const name of ['renderCart', 'placeOrder', 'chargeCard']) assert.ok(got.criticalPath.includes(idOf(name) ?? '?'), `${name} is on the critical path`);
    });
  });
}

describe('trace-lens inspect errors', () => {
  it('says what is wrong with a file that is not a trace', async () => {
    const r = await inspect(path.join(REPO, 'package.json'));
    assert.equal(r.code, 2);
    assert.match(r.err, /package\.json/);
  });

  it('fails clearly on a missing file', async () => {
    const r = await inspect('no-such-trace.json');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read no-such-trace\.json: ENOENT/);
  });
});
