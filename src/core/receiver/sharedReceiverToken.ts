/*
 * The per-user secret that guards the channel between the window owning the receiver's port
 * and the windows subscribed to it. Any local program can connect to 127.0.0.1; only the user's
 * own processes can read a file of mode 0600 in a directory of mode 0700, so knowing the token
 * is what makes a peer "this user's Trace Lens".
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const TOKEN_FILE = 'shared-receiver.token';

/**
 * Where the token lives: the user's home, not VS Code's storage, which differs between Stable and
 * Insiders and between profiles, while all of them may share the one port.
 */
export function userTokenDir(): string {
  return path.join(os.homedir(), '.trace-lens');
}
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Reads the token in `dir`, creating it (exclusively, so two windows starting at once agree on one)
 * when missing. A token file that others could read or that another user owns is replaced: its
 * secret may be known.
 */
export async function loadOrCreateToken(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, TOKEN_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await readTrusted(file);
    if (existing) return existing;
    const token = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, token, { encoding: 'utf8', mode: 0o600, flag: existing === undefined ? 'wx' : 'w' });
      // The mode given to writeFile is masked by the umask and ignored for an existing file.
      await chmod(file, 0o600);
      return token;
    } catch (err) {
      // Another window created it between our read and write: read theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`Could not create the shared receiver token in ${dir}`);
}

/** The token, undefined when there is no file, null when the file exists but must not be trusted. */
async function readTrusted(file: string): Promise<string | undefined | null> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (process.platform !== 'win32') {
    // Windows has no mode bits; the user profile folder's ACL keeps the file private there.
    const ownedByUs = typeof process.getuid !== 'function' || info.uid === process.getuid();
    if (!ownedByUs || (info.mode & 0o077) !== 0) return null;
  }
  const token = (await readFile(file, 'utf8')).trim();
  return TOKEN_PATTERN.test(token) ? token : null;
}
