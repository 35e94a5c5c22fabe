/**
 * Writes a long text (a snapshot of tens of MB) as UTF-8 in pieces, awaiting each: converting the
 * whole string to bytes at once would hold the thread for as long as that takes.
 */
import { open } from 'node:fs/promises';

export const WRITE_CHUNK_CHARS = 512 * 1024;

/** Never splits a surrogate pair between two pieces (each half alone would be written as U+FFFD). */
export async function writeTextInChunks(file: string, text: string, chunkChars = WRITE_CHUNK_CHARS): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + chunkChars);
      const last = text.charCodeAt(end - 1);
      if (end < text.length && end - 1 > start && last >= 0xd800 && last <= 0xdbff) end--;
      await handle.write(text.slice(start, end), null, 'utf8');
      start = end;
    }
  } finally {
    await handle.close();
  }
}
