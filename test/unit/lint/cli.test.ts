import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../../src/cli';
import type { CliIo } from '../../../src/cli/cliIo';
import { GRAMMAR_FILES, RUNTIME_WASM_FILE } from '../../../src/core/lint/languages';
import { CORPUS_DIR } from './corpusHarness';

const REPO = path.resolve(__dirname, '../../..');

function capture(cwd = REPO): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd }, out: () => out, err: () => err };
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  severity: string;
  message: string;
}

describe('trace-lens lint (CLI)', function () {
  this.timeout(60000);

  it('prints exactly the documented JSON shape with 1-based positions and exits 1 on errors', async () => {
    const c = capture();
    const code = await main(['lint', 'test/lint-corpus/go/handler.go', '--format', 'json'], c.io);
    assert.equal(code, 1);
    const findings = JSON.parse(c.out()) as JsonFinding[];
    assert.ok(findings.length > 5);
    for (const f of findings) assert.deepEqual(Object.keys(f), ['file', 'line', 'column', 'ruleId', 'severity', 'message']);
    // `ctx, span := tracer.Start(ctx, fmt.Sprintf(...))` is line 23; the name starts in column 33.
    const sn001 = findings.find((f) => f.ruleId === 'SN001');
    assert.deepEqual(sn001 && { file: sn001.file, line: sn001.line, column: sn001.column }, { file: 'test/lint-corpus/go/handler.go', line: 23, column: 33 });
  });

  it('exits 0 and reports nothing on a clean file', async () => {
    const c = capture();
    const code = await main(['lint', 'test/lint-corpus/java/Lookalikes.expect-none.java', '--format=json'], c.io);
    assert.equal(c.out().trim(), '[]');
    assert.equal(code, 0);
  });

  it('exits 0 when only warnings are found, and --rule can turn a rule off or up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-cli-'));
    fs.writeFileSync(path.join(dir, 'a.ts'), "tracer.startSpan('order 12345');\n");
    const warn = capture(dir);
    assert.equal(await main(['lint', '.', '--format', 'json'], warn.io), 0);
    assert.deepEqual((JSON.parse(warn.out()) as JsonFinding[]).map((f) => `${f.ruleId}:${f.severity}`), ['SN011:warning']);
    const off = capture(dir);
    assert.equal(await main(['lint', '--rule', 'SN011=off', '--format', 'json'], off.io), 0);
    assert.equal(off.out().trim(), '[]');
    const up = capture(dir);
    assert.equal(await main(['lint', '--rule', 'SN011=error'], up.io), 1);
    assert.match(up.out(), /a\.ts:1:18 {2}error {3}SN011/);
  });

  it('walks directories, skipping node_modules, .git and .gitignore entries', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-walk-'));
    const bad = "tracer.startSpan(`job ${id}`);\n";
    for (const rel of ['src/a.ts', 'src/sub/b.py', 'node_modules/x/c.ts', '.git/d.ts', 'build/e.ts', 'src/gen/f.ts', 'src/keep.log.ts']) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), rel.endsWith('.py') ? 'with tracer.start_as_current_span(f"job {id}"):\n    pass\n' : bad);
    }
    fs.writeFileSync(path.join(dir, '.gitignore'), '# build output\nbuild/\n/src/gen\n*.log.ts\n');
    const c = capture(dir);
    assert.equal(await main(['lint', '--format', 'json'], c.io), 1);
    const files = [...new Set((JSON.parse(c.out()) as JsonFinding[]).map((f) => f.file))].sort();
    assert.deepEqual(files, ['src/a.ts', 'src/sub/b.py']);
  });

  it('rejects unknown formats and options with exit code 2', async () => {
    const c = capture();
    assert.equal(await main(['lint', '--format', 'xml'], c.io), 2);
    assert.match(c.err(), /unknown format "xml"/);
    assert.equal(await main(['frobnicate'], capture().io), 2);
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema', async () => {
    const c = capture();
    const code = await main(['lint', 'test/lint-corpus/typescript', 'test/lint-corpus/python', '--format', 'sarif'], c.io);
    assert.equal(code, 1);
    const log = JSON.parse(c.out()) as SarifLog;
    // ajv is present through @vscode/vsce's dependencies; the lead should list it as a devDependency.
    const { default: Ajv } = (await import('ajv')) as unknown as { default: new (o: object) => AjvLike };
    const schema = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
    // The vendored schema is draft-04 (`id`, draft-04 `$schema`), which Ajv 8 reads once those two are dropped.
    delete schema.$schema;
    delete schema.id;
    // The schema's `language` pattern (`...]?$`) is only valid without the `u` flag.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));

    // What GitHub code scanning needs beyond the schema: rule ids with help URIs and levels, regions.
    const run = log.runs[0];
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'Trace Lens');
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    assert.deepEqual(ruleIds, ['SN001', 'SN002', 'SN011', 'SD001', 'SD002', 'SD003', 'SD005']);
    for (const r of run.tool.driver.rules) assert.match(r.helpUri, /^https:\/\//);
    assert.ok(run.results.length > 20);
    for (const res of run.results) {
      assert.ok(ruleIds.includes(res.ruleId));
      assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      const loc = res.locations[0].physicalLocation;
      assert.ok(!loc.artifactLocation.uri.startsWith('/'), 'URIs are relative to the checkout');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    }
    // The invalid-SARIF check can fail: a broken log must not validate.
    assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
  });

  it('runs as the entry module through tsx (what dist/cli.js does under node)', async () => {
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile);
    const ok = await run(tsx, ['src/cli.ts', 'lint', 'test/lint-corpus/csharp/Lookalikes.expect-none.cs', '--format', 'json'], { cwd: REPO });
    assert.equal(ok.stdout.trim(), '[]');
    await assert.rejects(
      run(tsx, ['src/cli.ts', 'lint', 'test/lint-corpus/csharp/OrderController.cs', '--format', 'json'], { cwd: REPO }),
      (e: { code?: number; stdout?: string }) => e.code === 1 && (JSON.parse(e.stdout ?? '[]') as unknown[]).length > 5,
    );
  });
});

describe('trace-lens lint bundled like dist/cli.js', function () {
  this.timeout(120000);

  it('runs from a CommonJS esbuild bundle with the wasm files in <bundle dir>/wasm, away from node_modules', async () => {
    const { build } = await import('esbuild');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-bundle-'));
    const outfile = path.join(dir, 'cli.js');
    await build({ entryPoints: [path.join(REPO, 'src/cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
    const run = promisify(execFile);
    const file = path.join(CORPUS_DIR, 'python/handlers.py');
    // Without the wasm folder the CLI says which file it could not find.
    await assert.rejects(run(process.execPath, [outfile, 'lint', file, '--format', 'json'], { cwd: dir }), (e: { code?: number; stderr?: string }) =>
      e.code === 2 && /web-tree-sitter\.wasm/.test(e.stderr ?? ''));
    fs.mkdirSync(path.join(dir, 'wasm'));
    fs.copyFileSync(path.join(REPO, 'node_modules/web-tree-sitter', RUNTIME_WASM_FILE), path.join(dir, 'wasm', RUNTIME_WASM_FILE));
    for (const g of Object.values(GRAMMAR_FILES)) fs.copyFileSync(path.join(REPO, 'node_modules/@vscode/tree-sitter-wasm/wasm', g), path.join(dir, 'wasm', g));
    await assert.rejects(run(process.execPath, [outfile, 'lint', file, '--format', 'json'], { cwd: dir }), (e: { code?: number; stdout?: string }) => {
      const findings = JSON.parse(e.stdout ?? '[]') as JsonFinding[];
      return e.code === 1 && findings.some((f) => f.ruleId === 'SN001') && findings.some((f) => f.ruleId === 'SD001');
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
}

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; helpUri: string }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
    }>;
  }>;
}
