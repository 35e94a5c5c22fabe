/**
 * Writes a long text (a snapshot of tens of MB), given whole or as pieces, as UTF-8 a piece at a
 * time, awaiting each: converting the whole string to bytes at once would hold the thread for as
 * long as that takes.
 */
import { open } from 'node:fs/promises';

const WRITE_CHUNK_CHARS = 512 * 1024;

/** Never splits a surrogate pair between two writes (each half alone would be written as U+FFFD). */
export async function writeTextInChunks(file: string, text: string | readonly string[], chunkChars = WRITE_CHUNK_CHARS): Promise<void> {
  const handle = await open(file, 'w');
  try {
    // Small pieces are gathered into one write; a piece longer than a chunk is cut.
    let pending = '';
    for (const piece of typeof text === 'string' ? [text] : text) {
      pending += piece;
      while (pending.length >= chunkChars) {
        let end = chunkChars;
        const last = pending.charCodeAt(end - 1);
        if (end > 1 && last >= 0xd800 && last <= 0xdbff) end--;
        await handle.write(pending.slice(0, end), null, 'utf8');
        pending = pending.slice(end);
      }
    }
    if (pending.length > 0) await handle.write(pending, null, 'utf8');
  } finally {
    await handle.close();
  }
}
