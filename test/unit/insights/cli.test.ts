import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli';
import type { CliIo } from '../../../src/cli/cliIo';
import { encodeOtlpJsonRequest } from '../../../src/core/receiver/otlpJsonEncoder';
import { dbAttrs, GeneratedTrace, nPlusOneTrace } from '../../../bench/insightsSyntheticTraces';

const REPO = path.resolve(__dirname, '../../..');

async function cli(args: string[], cwd = REPO): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd };
  const code = await main(args, io);
  return { code, out, err };
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A GENERATED trace file (OTLP JSON) in a temporary folder. */
function traceFile(name: string, traces: ReturnType<GeneratedTrace['trace']>[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-insights-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeOtlpJsonRequest(traces.flatMap((t) => t.spans)));
  return file;
}

/** An N+1 loop whose spans carry no code location, and whose statement holds an escape sequence. */
function anonymousLoop(statement: string): ReturnType<GeneratedTrace['trace']> {
  const t = new GeneratedTrace('anon');
  const root = t.span({ name: 'GET /x', kind: 'server', startMs: 0, durationMs: 100 });
  for (let i = 0; i < 6; i++) t.span({ name: 'SELECT', kind: 'client', parent: root, startMs: 1 + i * 10, durationMs: 9, attributes: dbAttrs(statement) });
  return t.trace();
}

interface SarifLog {
  version: string;
  runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string; helpUri: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; locations?: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }>;
}

describe('trace-lens insights (CLI)', function () {
  this.timeout(60000);

  it('prints exactly the documented JSON shape over the recorded corpus, with file and line from the spans, and exits 0', async () => {
    const r = await cli(['insights', 'test/insights-corpus/traces', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const insights = JSON.parse(r.out) as Array<Record<string, unknown>>;
    for (const i of insights) assert.deepEqual(Object.keys(i), ['ruleId', 'traceId', 'spanIds', 'file', 'line', 'message']);
    assert.deepEqual([...new Set(insights.map((i) => i.ruleId))].sort(), ['PI001', 'PI002', 'PI003', 'PI004', 'PI005', 'PI006']);
    const n1 = insights.find((i) => i.ruleId === 'PI001')!;
    assert.equal(n1.file, 'test/insights-corpus/services/shop.py');
    assert.equal(typeof n1.line, 'number');
  });

  it('gives null file and line when the spans carry no code location', async () => {
    const file = traceFile('anon.json', [anonymousLoop('SELECT * FROM t WHERE id = 1')]);
    const r = await cli(['insights', file, '--format=json']);
    assert.equal(r.code, 0, r.err);
    const [i, ...rest] = JSON.parse(r.out) as Array<Record<string, unknown>>;
    assert.equal(rest.length, 0);
    assert.deepEqual({ ruleId: i.ruleId, file: i.file, line: i.line }, { ruleId: 'PI001', file: null, line: null });
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema, with and without locations', async () => {
    const anon = traceFile('anon.json', [anonymousLoop('SELECT 1'), nPlusOneTrace(8, 2)]);
    const r = await cli(['insights', 'test/insights-corpus/traces', anon, '--format', 'sarif']);
    assert.equal(r.code, 0, r.err);
    const log = JSON.parse(r.out) as SarifLog;
    const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } } };
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'test/lint-corpus/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
    // As in the lint's SARIF test: the vendored draft-04 schema is read by Ajv 8 without `id`/`$schema`.
    delete schema.$schema;
    delete schema.id;
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const run = log.runs[0];
    assert.deepEqual(run.tool.driver.rules.map((x) => x.id), ['PI001', 'PI002', 'PI003', 'PI004', 'PI005', 'PI006']);
    for (const res of run.results) assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    const located = run.results.filter((x) => x.locations?.[0]?.physicalLocation);
    assert.ok(located.some((x) => x.locations![0].physicalLocation!.artifactLocation.uri === 'test/insights-corpus/services/shop.py' && x.locations![0].physicalLocation!.region!.startLine > 0));
    assert.ok(run.results.some((x) => x.locations === undefined), 'an insight without code location has no location');
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
  });

  it('escapes control characters from span data in text output', async () => {
    const file = traceFile('hostile.json', [anonymousLoop('SELECT \u001b[31mred\u001b[0m FROM t WHERE id = 1')]);
    const r = await cli(['insights', file]);
    assert.equal(r.code, 0, r.err);
    assert.ok(!r.out.includes('\u001b'), 'no raw ESC reaches the terminal');
    // The statement's numbers are literals to the normalizer, the escape characters are shown as text.
    assert.match(r.out, /\(no code location\) {2}PI001 {2}N\+1: 6 × SELECT \\x1b\[\?mred\\x1b\[\?m FROM t WHERE id = \?/);
    assert.match(r.out, /1 insight in 1 trace in 1 file\.\n$/);
  });

  it('exits 2 on unknown options, missing files and files that are not traces', async () => {
    assert.equal((await cli(['insights', '--format', 'xml', 'x.json'])).code, 2);
    assert.equal((await cli(['insights'])).code, 2);
    const missing = await cli(['insights', 'no-such-file.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no-such-file\.json: no such file/);
    const notTrace = await cli(['insights', 'package.json']);
    assert.equal(notTrace.code, 2);
    assert.match(notTrace.err, /package\.json/);
  });

  it('skips JSON that is no trace when it was found in a directory, and still reads the traces there', async () => {
    // The corpus folder holds expected.json (the ground truth) next to traces/.
    const r = await cli(['insights', 'test/insights-corpus', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /skipped test\/insights-corpus\/expected\.json: not a trace file/);
    assert.ok((JSON.parse(r.out) as unknown[]).length > 20);
  });
});
