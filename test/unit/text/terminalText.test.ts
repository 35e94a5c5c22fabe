import assert from 'node:assert/strict';
import { formatByteSize, parseByteSize } from '../../../src/core/files/byteSize';
import { controlCharactersIn } from './terminalAssertions';
import { escapeControlCharacters, hasControlCharacters, quoteForMessage, terminalText } from '../../../src/core/text/terminalText';

/** Every character the terminal would act on, as a hostile span name could carry them. */
const HOSTILE = 'a\u001b[31mred\u001b]0;title\u0007b\u0000c\rd\u007fe\u009b2Jf\u202eg\u2066h\u2069i\u202aj';

describe('terminal-safe text', () => {
  it('replaces C0, DEL, C1 and bidi overrides with visible escapes', () => {
    assert.equal(
      escapeControlCharacters(HOSTILE),
      'a\\x1b[31mred\\x1b]0;title\\x07b\\x00c\\rd\\x7fe\\x9b2Jf\\u202eg\\u2066h\\u2069i\\u202aj',
    );
    assert.equal(hasControlCharacters(escapeControlCharacters(HOSTILE)), false);
    assert.deepEqual(controlCharactersIn(escapeControlCharacters(HOSTILE)), []);
    assert.equal(controlCharactersIn(HOSTILE).length, 11, 'the fixture holds what it should');
  });

  it('escapes line feeds and tabs in values, keeps them where the layout is ours', () => {
    assert.equal(escapeControlCharacters('one\ntwo\tthree'), 'one\\ntwo\\tthree');
    assert.equal(escapeControlCharacters('one\ntwo\tthree\u001b', { keepLayout: true }), 'one\ntwo\tthree\\x1b');
    assert.equal(hasControlCharacters('line\n', { keepLayout: true }), false);
    assert.equal(hasControlCharacters('line\n'), true);
  });

  it('leaves ordinary text, other scripts and marks alone', () => {
    const text = 'GET /orders/{id} → 200 · Größe · 注文 · עברית · 😀 · C:\\src\\x.ts';
    assert.equal(escapeControlCharacters(text), text);
  });

  it('escapes the interpolated values of a template, not its own line breaks', () => {
    const name = 'evil\n  root      forged\u001b[2J';
    assert.equal(terminalText`  root      ${name}\n  spans     ${3}\n`, '  root      evil\\n  root      forged\\x1b[2J\n  spans     3\n');
  });

  it('quotes a hostile value for a message: escaped and cut', () => {
    assert.equal(quoteForMessage('\u202e' + 'x'.repeat(100), 10), `"\\u202e${'x'.repeat(9)}…"`);
  });
});

describe('byte sizes', () => {
  it('reads sizes as flags spell them, all units binary', () => {
    assert.equal(parseByteSize('2097152'), 2 * 1024 * 1024);
    assert.equal(parseByteSize('2M'), 2 * 1024 * 1024);
    assert.equal(parseByteSize('2 MiB'), 2 * 1024 * 1024);
    assert.equal(parseByteSize('1.5mb'), 1.5 * 1024 * 1024);
    assert.equal(parseByteSize('512k'), 512 * 1024);
    assert.equal(parseByteSize('1G'), 1024 ** 3);
    for (const bad of ['', '0', '-1M', 'ten', '5 parsecs', 'NaN', '1e3', 'Infinity']) assert.equal(parseByteSize(bad), undefined, bad);
  });

  it('writes them back for messages', () => {
    assert.equal(formatByteSize(16 * 1024 * 1024), '16 MiB');
    assert.equal(formatByteSize(1.5 * 1024 * 1024), '1.5 MiB');
    assert.equal(formatByteSize(900 * 1024), '900 KiB');
    assert.equal(formatByteSize(12), '12 B');
  });
});
