/** The first bytes of a file, without reading the rest (VS Code's file system API reads whole files only). */
import { open } from 'node:fs/promises';

export async function readFileStart(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return bytesRead === bytes ? buffer : buffer.slice(0, bytesRead);
  } finally {
    await handle.close();
  }
}
