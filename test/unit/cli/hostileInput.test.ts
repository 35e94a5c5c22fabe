import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../../src/cli';
import type { CliIo } from '../../../src/cli/cliIo';
import { readFileCapped } from '../../../src/cli/inputFiles';
import { controlCharactersIn } from '../text/terminalAssertions';

const REPO = path.resolve(__dirname, '../../..');
const run = promisify(execFile);


const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const EVIL_SERVICE = 'checkout\u001b]0;owned\u0007';
const EVIL_ROOT = '\u001b[2J\u001b[31mGET /\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\\u009b1m\u202etxt.exe\u007f\nforged line';

function hostileTrace(): object {
  const span = (spanId: string, name: string, parentSpanId = '') => ({
    traceId: TRACE_ID, spanId, parentSpanId, name, kind: 2,
    startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000', status: {},
  });
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: EVIL_SERVICE } }] },
      scopeSpans: [{ scope: { name: 'lib' }, spans: [span('eee19b7ec3c1b174', EVIL_ROOT), span('eee19b7ec3c1b173', 'child\u0007\u2066', 'eee19b7ec3c1b174')] }],
    }],
  };
}

function capture(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd }, out: () => out, err: () => err };
}

describe('trace-lens CLI with hostile input', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-hostile-')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('inspect prints no control byte for span and service names full of ESC, OSC, BEL (stdout bytes of the CLI entry)', async () => {
    fs.writeFileSync(path.join(dir, 'evil.json'), JSON.stringify(hostileTrace()));
    const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
    const { stdout } = await run(tsx, [path.join(REPO, 'src/cli.ts'), 'inspect', 'evil.json'], { cwd: dir, encoding: 'buffer' });
    const bytes = stdout as unknown as Buffer;
    for (const b of [0x1b, 0x07, 0x00, 0x7f, 0x0d]) assert.equal(bytes.indexOf(b), -1, `byte 0x${b.toString(16)} in stdout`);
    const text = bytes.toString('utf8');
    assert.deepEqual(controlCharactersIn(text, { allowLineFeed: true }), []);
    assert.match(text, /root {6}\\x1b\[2J\\x1b\[31mGET \/\\x1b\]8;;https:\/\/evil\.example\\x1b\\click.*\\x9b1m\\u202etxt\.exe\\x7f\\nforged line\n/);
    assert.match(text, /services {2}checkout\\x1b\]0;owned\\x07\n/);
    assert.doesNotMatch(text, /^forged line/m, 'a newline in a name cannot forge a line');
  });

  it('inspect --json keeps the names exact (JSON escaping makes them safe)', async () => {
    fs.writeFileSync(path.join(dir, 'evil.json'), JSON.stringify(hostileTrace()));
    const c = capture(dir);
    assert.equal(await main(['inspect', 'evil.json', '--json'], c.io), 0, c.err());
    assert.deepEqual(controlCharactersIn(c.out(), { allowLineFeed: true }).filter((c) => c < 'U+0020'), [], 'JSON escapes C0');
    const got = JSON.parse(c.out()) as { rootName: string; services: string[] };
    assert.equal(got.rootName, EVIL_ROOT);
    assert.deepEqual(got.services, [EVIL_SERVICE]);
  });

  it('lint text shows escape codes decoded from string literals as escapes; JSON keeps them exact', async () => {
    fs.writeFileSync(path.join(dir, 'a.ts'), 'tracer.startSpan("\\u001b]0;pwned\\u0007order 12345");\nspan.setAttribute("user.password\\u202e", pw);\n');
    const text = capture(dir);
    assert.equal(await main(['lint', '.'], text.io), 1);
    assert.deepEqual(controlCharactersIn(text.out(), { allowLineFeed: true }), []);
    assert.match(text.out(), /Span name "\\x1b\]0;pwned\\x07order 12345"/);
    assert.match(text.out(), /Attribute key "user\.password\\u202e"/);
    const json = capture(dir);
    await main(['lint', '.', '--format', 'json'], json.io);
    const messages = (JSON.parse(json.out()) as Array<{ message: string }>).map((f) => f.message).join('\n');
    assert.ok(messages.includes('\u001b]0;pwned\u0007order 12345'));
    assert.ok(messages.includes('user.password\u202e'));
  });

  it('escapes file names and arguments it echoes in messages', async () => {
    const c = capture(dir);
    assert.equal(await main(['lint', 'missing\u001b[2J.ts'], c.io), 2);
    assert.equal(await main(['inspect', '--bogus\u0007'], c.io), 2);
    assert.equal(await main(['\u001b]0;x\u0007'], c.io), 2);
    assert.deepEqual(controlCharactersIn(c.err(), { allowLineFeed: true }), []);
    assert.match(c.err(), /missing\\x1b\[2J\.ts: no such file/);
    assert.match(c.err(), /unknown option --bogus\\x07/);
  });

  it('skips inputs above the size cap with a message on stderr; --max-file-size moves the cap', async () => {
    fs.writeFileSync(path.join(dir, 'big.ts'), `${'// padding\n'.repeat(300_000)}tracer.startSpan(\`job \${id}\`);\n`);
    fs.writeFileSync(path.join(dir, 'small.ts'), 'tracer.startSpan(`job ${id}`);\n');
    const c = capture(dir);
    assert.equal(await main(['lint', '.', '--format', 'json'], c.io), 1);
    assert.deepEqual([...new Set((JSON.parse(c.out()) as Array<{ file: string }>).map((f) => f.file))], ['small.ts']);
    assert.match(c.err(), /skipped big\.ts: it is 3\.1 MiB, above the limit of 2 MiB \(raise it with --max-file-size\)/);
    const raised = capture(dir);
    await main(['lint', '.', '--format', 'json', '--max-file-size', '4M'], raised.io);
    assert.deepEqual([...new Set((JSON.parse(raised.out()) as Array<{ file: string }>).map((f) => f.file))], ['big.ts', 'small.ts']);

    fs.writeFileSync(path.join(dir, 'trace.json'), JSON.stringify(hostileTrace()));
    const small = capture(dir);
    assert.equal(await main(['inspect', 'trace.json', '--max-file-size=100'], small.io), 2);
    assert.match(small.err(), /skipped trace\.json: it is [\d.]+ (B|KiB), above the limit of 100 B/);
    const bad = capture(dir);
    assert.equal(await main(['inspect', 'trace.json', '--max-file-size', 'lots'], bad.io), 2);
    assert.match(bad.err(), /--max-file-size expects a size such as 16M/);
  });

  it('stops reading a file with no honest size at the cap', function () {
    if (!fs.existsSync('/dev/zero')) this.skip();
    assert.deepEqual(readFileCapped('/dev/zero', 1024), { ok: false, size: 1025, exact: false });
  });

  it('never follows a symlink out of the directory it was given, nor round in circles', async () => {
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-outside-')));
    try {
      const bad = 'tracer.startSpan(`job ${id}`);\n';
      fs.writeFileSync(path.join(outside, 'secret.ts'), bad);
      fs.mkdirSync(path.join(dir, 'src', 'shared'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'src', 'a.ts'), bad);
      fs.writeFileSync(path.join(dir, 'src', 'shared', 'b.ts'), bad);
      fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(dir, 'src', 'leak.ts'));
      fs.symlinkSync(outside, path.join(dir, 'src', 'leakdir'));
      fs.symlinkSync(path.join(dir, 'src', 'shared'), path.join(dir, 'linked'));
      fs.symlinkSync(dir, path.join(dir, 'src', 'loop'));
      fs.symlinkSync(path.join(outside, '.gitignore'), path.join(dir, '.gitignore'));
      fs.writeFileSync(path.join(outside, '.gitignore'), 'src/\n');
      const c = capture(dir);
      assert.equal(await main(['lint', '.', '--format', 'json'], c.io), 1);
      const files = [...new Set((JSON.parse(c.out()) as Array<{ file: string }>).map((f) => f.file))].sort();
      // `linked` leads to src/shared, which is listed once, under its own path; the .gitignore (a link out) is not read.
      assert.deepEqual(files, ['src/a.ts', 'src/shared/b.ts']);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
