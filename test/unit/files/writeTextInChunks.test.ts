import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTextInChunks } from '../../../src/core/files/writeTextInChunks';

describe('writeTextInChunks', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trace-lens-chunks-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the text as UTF-8, a surrogate pair on a piece boundary included', async () => {
    const file = path.join(dir, 'a.json');
    // With 4-char pieces the emoji's high surrogate would end the first piece.
    const text = 'abc😀dé€fgh😀😀z';
    await writeTextInChunks(file, text, 4);
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.deepEqual(readFileSync(file), Buffer.from(text, 'utf8'));
  });

  it('writes pieces one after the other, gathering small ones, and keeps a pair split across two pieces whole', async () => {
    const file = path.join(dir, 'c.json');
    const pieces = ['{"a":', '"x😀', '".repeat', ...Array.from({ length: 20 }, (_, i) => `,${i}`), '\ud83d', '\ude00}'];
    await writeTextInChunks(file, pieces, 8);
    assert.deepEqual(readFileSync(file), Buffer.from(pieces.join(''), 'utf8'));
  });

  it('replaces what the file held, and writes an empty text as an empty file', async () => {
    const file = path.join(dir, 'b.json');
    await writeTextInChunks(file, 'x'.repeat(1000), 64);
    await writeTextInChunks(file, 'short', 64);
    assert.equal(readFileSync(file, 'utf8'), 'short');
    await writeTextInChunks(file, '', 64);
    assert.equal(readFileSync(file, 'utf8'), '');
  });
});
