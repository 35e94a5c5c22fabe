import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  COMMAND_ARGUMENTS,
  expectFile,
  expectSpanId,
  expectString,
  expectTraceId,
  InvalidCommandArgumentsError,
  parseCommandArguments,
} from '../../../src/core/commands/commandArguments';
import { INTERNAL_COMMANDS, type CommandId } from '../../../src/core/commands/commandIds';
import { controlCharactersIn } from '../text/terminalAssertions';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }> };
};

/** Rejects with the typed error, a message naming the command and the reason, and nothing escaping. */
function rejects(command: CommandId, args: unknown[], reason: RegExp): void {
  assert.throws(() => parseCommandArguments(command, args), (e: unknown) => {
    assert.ok(e instanceof InvalidCommandArgumentsError, String(e));
    assert.match(e.userMessage, new RegExp(`the command ${command.replace(/\./g, '\\.')} was called with an invalid argument`));
    assert.match(e.userMessage, reason);
    assert.deepEqual(controlCharactersIn(e.userMessage), [], 'hostile text is quoted escaped');
    return true;
  }, `${command}(${JSON.stringify(args)})`);
}

describe('command arguments: validators', () => {
  it('strings: type, length, NUL', () => {
    assert.equal(expectString('ok', 'x'), 'ok');
    assert.throws(() => expectString(5, 'x'), /x must be a string, not 5/);
    assert.throws(() => expectString('a\0b', 'x'), /NUL/);
    assert.throws(() => expectString('a'.repeat(9000), 'x'), /9000 characters/);
  });

  it('trace ids: 32 or 16 hex, not zero, normalized', () => {
    assert.equal(expectTraceId(TRACE.toUpperCase()), TRACE);
    assert.equal(expectTraceId('a3ce929d0e0e4736'), `${'0'.repeat(16)}a3ce929d0e0e4736`);
    for (const bad of ['', '0'.repeat(32), `${TRACE}0`, TRACE.slice(1), `${TRACE.slice(0, 31)}g`, ' '.repeat(32), NaN, {}, ['x']]) {
      assert.throws(() => expectTraceId(bad), /traceId must be/, String(bad));
    }
  });

  it('span ids: exactly 16 hex, not zero', () => {
    assert.equal(expectSpanId(SPAN.toUpperCase()), SPAN);
    for (const bad of ['', '0'.repeat(16), SPAN.slice(2), `${SPAN}00`, 'zzzzzzzzzzzzzzzz', 16, null]) assert.throws(() => expectSpanId(bad), /spanId must be/, String(bad));
  });

  it('files: absolute paths, URI strings or URI objects, nothing else', () => {
    assert.deepEqual(expectFile('/tmp/t.json'), { kind: 'path', path: '/tmp/t.json' });
    assert.deepEqual(expectFile('C:\\traces\\t.json'), { kind: 'path', path: 'C:\\traces\\t.json' });
    assert.deepEqual(expectFile('file:///tmp/t.json'), { kind: 'uriText', text: 'file:///tmp/t.json' });
    assert.equal(expectFile({ scheme: 'file', path: '/tmp/t.json' }).kind, 'uri');
    assert.throws(() => expectFile('traces/t.json'), /absolute path or a URI/);
    assert.throws(() => expectFile('/tmp/t.json\0.png'), /NUL/);
    assert.throws(() => expectFile({ scheme: 'file', path: '/etc/passwd\0' }), /NUL/);
    assert.throws(() => expectFile({ scheme: '../x', path: '/a' }), /not a URI scheme/);
    assert.throws(() => expectFile({ path: '/a' }), /scheme must be a string/);
    assert.throws(() => expectFile(42), /must be an object, not 42/);
  });
});

describe('command arguments: every command', () => {
  it('covers exactly the commands of the manifest, plus the internal ones', () => {
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    const table = Object.keys(COMMAND_ARGUMENTS).filter((c) => !INTERNAL_COMMANDS.includes(c as CommandId)).sort();
    assert.deepEqual(table, declared);
  });

  it('accepts what the UI sends: nothing from the palette, trailing undefined from some callers', () => {
    for (const command of Object.keys(COMMAND_ARGUMENTS) as CommandId[]) {
      if (command === 'traceLens.lint.allowKey') continue;
      assert.equal(parseCommandArguments(command, []), undefined, command);
      assert.equal(parseCommandArguments(command, [undefined]), undefined, command);
    }
  });

  it('traceLens.openTraceById: ids, traceparents and links, rejecting malformed span ids and junk', () => {
    assert.deepEqual(parseCommandArguments('traceLens.openTraceById', [TRACE]), { traceId: TRACE });
    assert.deepEqual(parseCommandArguments('traceLens.openTraceById', [`00-${TRACE}-${SPAN}-01`]), { traceId: TRACE, spanId: SPAN });
    assert.deepEqual(parseCommandArguments('traceLens.openTraceById', [{ traceId: TRACE, spanId: SPAN }]), { traceId: TRACE, spanId: SPAN });
    assert.deepEqual(parseCommandArguments('traceLens.openTraceById', [{ traceId: TRACE }]), { traceId: TRACE });
    rejects('traceLens.openTraceById', [{ traceId: TRACE, spanId: 'zz' }], /spanId must be 16 hexadecimal characters, not "zz"/);
    rejects('traceLens.openTraceById', [{ traceId: TRACE, spanId: `${SPAN}\u001b[2J` }], /spanId must be 16 hexadecimal characters/);
    rejects('traceLens.openTraceById', [{ traceId: '../../etc/passwd' }], /traceId must be 32 or 16 hexadecimal characters/);
    rejects('traceLens.openTraceById', [{ traceId: `00-${TRACE}-${SPAN}-01` }], /traceId must be/);
    rejects('traceLens.openTraceById', ['not a trace id'], /is not a trace id/);
    rejects('traceLens.openTraceById', [`${TRACE}\0`], /NUL/);
    rejects('traceLens.openTraceById', [42], /must be an object, not 42/);
    rejects('traceLens.openTraceById', [NaN], /not NaN/);
    rejects('traceLens.openTraceById', [null], /not null/);
    rejects('traceLens.openTraceById', [[TRACE]], /not an array/);
    rejects('traceLens.openTraceById', ['a'.repeat(100_000)], /100000 characters/);
    rejects('traceLens.openTraceById', [TRACE, TRACE], /takes one argument, but got 2/);
  });

  it('traceLens.openTraceFile: a URI or an absolute path', () => {
    assert.deepEqual(parseCommandArguments('traceLens.openTraceFile', ['/tmp/t.json']), { kind: 'path', path: '/tmp/t.json' });
    rejects('traceLens.openTraceFile', ['relative/t.json'], /absolute path or a URI/);
    rejects('traceLens.openTraceFile', ['/tmp/t.json\0'], /NUL/);
    rejects('traceLens.openTraceFile', [{ scheme: 'file', path: 7 }], /path must be a string/);
    rejects('traceLens.openTraceFile', [Infinity], /not Infinity/);
  });

  it('traceLens.showFunctionTraces: the shape a lens builds, with hex trace ids', () => {
    // Statistics keys join their parts with NUL: opaque, so allowed there (and only there).
    const args = { locationKey: 'f\u0000/app/a.ts\u0000run', location: { filePath: '/app/a.ts', functionName: 'run' }, traceIds: [TRACE] };
    assert.deepEqual(parseCommandArguments('traceLens.showFunctionTraces', [args]), args);
    assert.deepEqual(parseCommandArguments('traceLens.showFunctionTraces', [{ locationKey: 'k' }]), { locationKey: 'k', location: {}, traceIds: [] });
    rejects('traceLens.showFunctionTraces', [{ locationKey: 5 }], /locationKey must be a string/);
    rejects('traceLens.showFunctionTraces', [{ locationKey: 'k', traceIds: ['nothex'] }], /traceIds\[0\] must be 32 or 16 hexadecimal/);
    rejects('traceLens.showFunctionTraces', [{ locationKey: 'k', traceIds: TRACE }], /traceIds must be an array/);
    rejects('traceLens.showFunctionTraces', [{ locationKey: 'k', traceIds: Array(51).fill(TRACE) }], /at most 50/);
    rejects('traceLens.showFunctionTraces', [{ locationKey: 'k', location: { filePath: '/etc/passwd\0' } }], /location\.filePath contains a NUL/);
    rejects('traceLens.showFunctionTraces', ['k'], /must be an object/);
  });

  it('traceLens.compareTraces: either side a backend trace or a trace file, checked like the commands that open them', () => {
    assert.deepEqual(parseCommandArguments('traceLens.compareTraces', [{ left: { traceId: TRACE.toUpperCase() } }]), { left: { kind: 'trace', traceId: TRACE } });
    assert.deepEqual(parseCommandArguments('traceLens.compareTraces', [{ left: { file: '/tmp/a.json', traceId: TRACE }, right: { file: 'file:///tmp/b.json' } }]), {
      left: { kind: 'file', file: { kind: 'path', path: '/tmp/a.json' }, traceId: TRACE },
      right: { kind: 'file', file: { kind: 'uriText', text: 'file:///tmp/b.json' } },
    });
    assert.deepEqual(parseCommandArguments('traceLens.compareTraces', [{}]), {});
    rejects('traceLens.compareTraces', [{ left: { traceId: 'zz' } }], /left's traceId must be 32 or 16 hexadecimal/);
    rejects('traceLens.compareTraces', [{ right: { file: 'relative.json' } }], /right's file must be an absolute path or a URI/);
    rejects('traceLens.compareTraces', [{ right: { file: '/tmp/a.json\0' } }], /NUL/);
    rejects('traceLens.compareTraces', [{ left: { file: '/tmp/a.json', traceId: '../x' } }], /left's traceId must be/);
    rejects('traceLens.compareTraces', [{ baseline: { traceId: TRACE } }], /takes left and right, not "baseline"/);
    rejects('traceLens.compareTraces', [{ left: TRACE }], /left must be an object/);
    rejects('traceLens.compareTraces', [TRACE, TRACE], /takes one argument, but got 2/);
  });

  it('traceLens.lint.allowKey: one printable, non-empty key', () => {
    assert.equal(parseCommandArguments('traceLens.lint.allowKey', [' user.email ']), 'user.email');
    rejects('traceLens.lint.allowKey', [], /takes one argument, but got 0/);
    rejects('traceLens.lint.allowKey', ['  '], /empty/);
    rejects('traceLens.lint.allowKey', ['a\u202eb'], /control characters/);
    rejects('traceLens.lint.allowKey', ['k'.repeat(2000)], /at most 1024/);
    rejects('traceLens.lint.allowKey', [{ key: 'x' }], /must be a string/);
  });

  it('traceLens.openInWaterfall: what the Explorer passes (the clicked file and the selection), nothing from elsewhere', () => {
    const clicked = { scheme: 'file', path: '/w/traces/a.json' };
    const other = { scheme: 'file', path: '/w/traces/b.json' };
    assert.equal(parseCommandArguments('traceLens.openInWaterfall', []), undefined, 'the palette: ask');
    assert.deepEqual(parseCommandArguments('traceLens.openInWaterfall', [clicked]), [{ kind: 'uri', uri: clicked }]);
    assert.deepEqual(parseCommandArguments('traceLens.openInWaterfall', [clicked, [clicked, other]]), [{ kind: 'uri', uri: clicked }, { kind: 'uri', uri: other }]);
    assert.deepEqual(parseCommandArguments('traceLens.openInWaterfall', [clicked, []]), [{ kind: 'uri', uri: clicked }]);
    rejects('traceLens.openInWaterfall', [clicked, 'b.json'], /selection must be an array of files, not "b\.json"/);
    rejects('traceLens.openInWaterfall', [clicked, [other, { scheme: 'file', path: '/x\0' }]], /selected file 2's path contains a NUL/);
    rejects('traceLens.openInWaterfall', [clicked, Array.from({ length: 11 }, () => other)], /11 files; at most 10/);
    rejects('traceLens.openInWaterfall', ['relative.json'], /absolute path or a URI/);
    rejects('traceLens.openInWaterfall', [clicked, [clicked], 3], /got 3 arguments/);
  });

  it('commands that take nothing reject any argument', () => {
    for (const command of Object.keys(COMMAND_ARGUMENTS) as CommandId[]) {
      if (COMMAND_ARGUMENTS[command] !== COMMAND_ARGUMENTS['traceLens.refresh']) continue;
      rejects(command, ['/home/u/.ssh/id_rsa'], /takes no arguments, but got 1: "\/home\/u\/\.ssh\/id_rsa"/);
      rejects(command, [{}, 1], /takes no arguments, but got 2/);
    }
  });
});
