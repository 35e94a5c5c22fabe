/**
 * Loads web-tree-sitter once and each grammar on first use. C# alone is 5 MB, so nothing is
 * loaded up front.
 */
import * as fs from 'node:fs';
import type { Language, Parser } from 'web-tree-sitter';
import type { LanguageId } from './languages';
import { locateWasm, type WasmLocation } from './wasmLocator';

export class GrammarLoadError extends Error {
  constructor(readonly language: LanguageId | 'runtime', cause: unknown) {
    super(`Trace Lens could not load the ${language} parser: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GrammarLoadError';
  }
}

type WebTreeSitter = typeof import('web-tree-sitter');

let runtimeModule: WebTreeSitter | undefined;

/**
 * Loaded with `require`, on first use: bundlers then pick web-tree-sitter's CommonJS build. Its
 * ESM build reads `import.meta.url` at start-up, which a CommonJS bundle (dist/cli.js,
 * dist/extension.js) does not have.
 */
export function webTreeSitter(): WebTreeSitter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runtimeModule ??= require('web-tree-sitter') as WebTreeSitter;
  return runtimeModule;
}

export class GrammarLoader {
  private readonly location: WasmLocation;
  private runtime: Promise<void> | undefined;
  private readonly languages = new Map<LanguageId, Promise<Language>>();
  private readonly parsers = new Map<LanguageId, Parser>();

  constructor(wasmDir?: string) {
    this.location = locateWasm(wasmDir);
  }

  private init(): Promise<void> {
    this.runtime ??= (async () => {
      const runtimePath = this.location.runtime;
      try {
        // Handing over the bytes avoids Emscripten guessing paths, which breaks once bundled.
        const wasmBinary = fs.readFileSync(runtimePath);
        const { Parser } = webTreeSitter();
        await Parser.init({ wasmBinary, locateFile: () => runtimePath } as Parameters<typeof Parser.init>[0]);
      } catch (e) {
        throw new GrammarLoadError('runtime', e);
      }
    })();
    return this.runtime;
  }

  language(id: LanguageId): Promise<Language> {
    let p = this.languages.get(id);
    if (!p) {
      p = (async () => {
        await this.init();
        try {
          return await webTreeSitter().Language.load(fs.readFileSync(this.location.grammar(id)));
        } catch (e) {
          throw new GrammarLoadError(id, e);
        }
      })();
      // A failed load is not cached, so a later call (e.g. after the file appears) can retry.
      p.catch(() => this.languages.delete(id));
      this.languages.set(id, p);
    }
    return p;
  }

  /** One parser per language, reused: creating parsers is cheap but not free. */
  async parser(id: LanguageId): Promise<Parser> {
    const existing = this.parsers.get(id);
    if (existing) return existing;
    const language = await this.language(id);
    const parser = this.parsers.get(id) ?? new (webTreeSitter().Parser)().setLanguage(language);
    this.parsers.set(id, parser);
    return parser;
  }

  isLoaded(id: LanguageId): boolean {
    return this.parsers.has(id);
  }
}
