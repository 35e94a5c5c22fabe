/**
 * Finds the tree-sitter wasm files. Bundled builds (`dist/cli.js`, `dist/extension.js`) carry
 * them in `dist/wasm/`; from the repository (tests, tsx) they come from node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GRAMMAR_FILES, RUNTIME_WASM_FILE, type LanguageId } from './languages';

export class WasmNotFoundError extends Error {
  constructor(readonly fileName: string, readonly searched: readonly string[]) {
    super(`Trace Lens could not find ${fileName}; looked in: ${searched.join(', ')}`);
    this.name = 'WasmNotFoundError';
  }
}

export interface WasmLocation {
  /** Absolute path of web-tree-sitter's runtime wasm. */
  runtime: string;
  grammar(language: LanguageId): string;
}

function moduleDir(): string | undefined {
  // ESM builds have no __dirname; the bundles and tsx (CommonJS) do.
  return typeof __dirname === 'string' ? __dirname : undefined;
}

function ancestors(start: string): string[] {
  const out: string[] = [];
  let dir = path.resolve(start);
  for (;;) {
    out.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

/** Candidate folders, in order: explicit, `<bundle>/wasm`, then node_modules above the module and the cwd. */
function candidates(explicitDir: string | undefined, relInNodeModules: string, searchNodeModules: boolean): string[] {
  const dirs: string[] = [];
  if (explicitDir) dirs.push(path.resolve(explicitDir));
  const here = moduleDir();
  if (here) dirs.push(path.join(here, 'wasm'));
  if (!searchNodeModules) return dirs;
  const roots = [...(here ? ancestors(here) : []), ...ancestors(process.cwd())];
  for (const root of roots) dirs.push(path.join(root, 'node_modules', relInNodeModules));
  return [...new Set(dirs)];
}

function find(fileName: string, dirs: string[]): string {
  for (const dir of dirs) {
    const p = path.join(dir, fileName);
    if (fs.existsSync(p)) return p;
  }
  throw new WasmNotFoundError(fileName, dirs);
}

export interface LocateOptions {
  /** Also search node_modules above this module and the working directory (default true). */
  searchNodeModules?: boolean;
}

/**
 * The runtime is resolved at once; grammars lazily, per language, so a missing C# grammar only
 * fails when C# is linted.
 * @param wasmDir a folder holding all wasm files, tried before anything else.
 */
export function locateWasm(wasmDir?: string, options: LocateOptions = {}): WasmLocation {
  const nm = options.searchNodeModules ?? true;
  return {
    runtime: find(RUNTIME_WASM_FILE, candidates(wasmDir, 'web-tree-sitter', nm)),
    grammar: (language) => find(GRAMMAR_FILES[language], candidates(wasmDir, path.join('@vscode', 'tree-sitter-wasm', 'wasm'), nm)),
  };
}
