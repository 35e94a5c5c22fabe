// Writes the notices of the third-party code the shipped bundles contain: each package's name,
// version, license and license text, as its license (MIT, Apache-2.0, BSD-3-Clause…) asks when the
// code is redistributed. The list comes from esbuild's metafile, so it is what the bundles hold,
// plus the packages whose files ship beside them (the tree-sitter grammars).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `…/node_modules/@scope/name/lib/x.js` → `…/node_modules/@scope/name`: the innermost package. */
export function packageDirOf(input) {
  const parts = input.split('/');
  const last = parts.lastIndexOf('node_modules');
  if (last < 0 || last + 1 >= parts.length) return undefined;
  const nameParts = parts[last + 1].startsWith('@') ? 2 : 1;
  return parts.slice(0, last + 1 + nameParts).join('/');
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([.-].*)?$/i.test(f) && !/\.csv$/i.test(f));
  return file ? readFileSync(path.join(dir, file), 'utf8').trim() : undefined;
}

/**
 * @param {string} root the repository
 * @param {Array<{ inputs: Record<string, unknown> }>} metafiles of the shipped bundles
 * @param {string[]} shippedAsFiles package directories (relative to root) whose files ship unbundled
 * @param {string} outFile
 */
export function writeThirdPartyNotices(root, metafiles, shippedAsFiles, outFile) {
  const dirs = new Set(shippedAsFiles);
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const dir = packageDirOf(input);
      if (dir) dirs.add(dir);
    }
  }
  const entries = [...dirs].map((dir) => {
    const abs = path.join(root, dir);
    const pkg = JSON.parse(readFileSync(path.join(abs, 'package.json'), 'utf8'));
    // A package whose npm tarball leaves its license file out: the text its repository publishes, kept under licenses/.
    const kept = path.join(root, 'licenses', pkg.name);
    const text = (existsSync(abs) ? licenseText(abs) : undefined) ?? (existsSync(kept) ? licenseText(kept) : undefined);
    if (!text) throw new Error(`${pkg.name}@${pkg.version} (${dir}) ships in the bundle but has no license file to reproduce`);
    return { name: pkg.name, version: pkg.version, license: typeof pkg.license === 'string' ? pkg.license : 'see below', text };
  });
  // One entry per package and version: a package bundled from two places is one notice.
  const unique = new Map(entries.map((e) => [`${e.name}@${e.version}`, e]));
  const sorted = [...unique.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const header = 'Trace Lens includes the following third-party software. Each is reproduced under its own license, given in full below.\n';
  const list = sorted.map((e) => `- ${e.name} ${e.version} (${e.license})`).join('\n');
  const bodies = sorted.map((e) => `${'='.repeat(78)}\n${e.name} ${e.version} (${e.license})\n${'='.repeat(78)}\n\n${e.text}\n`).join('\n');
  writeFileSync(outFile, `${header}\n${list}\n\n${bodies}`);
  return sorted;
}
