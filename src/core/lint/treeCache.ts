/**
 * The last syntax tree of each open document, re-parsed incrementally. The lint's on the extension
 * host; the lens outline (src/core/source/functionDeclarations.ts) keeps its own in the outline
 * worker (src/source/outlineWorker.ts), and uses the host's only when the worker cannot run.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import { GrammarLoader } from './grammarLoader';
import type { LanguageId } from './languages';
import { LineIndex } from './textEdits';

interface CachedTree {
  language: LanguageId;
  text: string;
  index: LineIndex;
  tree: Tree;
}

/** Documents whose last tree is kept for incremental re-parsing. */
const MAX_CACHED_TREES = 32;

export class TreeCache {
  private readonly trees = new Map<string, CachedTree>();

  /** The loader whose parsers made the cached trees: an old tree is only valid with its own grammar. */
  constructor(readonly loader: GrammarLoader) {}

  /** `parseWith` after loading the language's parser (the first call per language loads its grammar). */
  async parse(text: string, language: LanguageId, cacheKey?: string): Promise<Tree | null> {
    const parser = await this.loader.parser(language);
    return this.parseWith(parser, text, language, cacheKey);
  }

  /**
   * A tree of `text`, which the caller must `delete()`. With a `cacheKey` (the document's URI) the
   * previous tree of that key is re-used: unchanged text costs a copy, an edit an incremental parse.
   * `parser` must come from this cache's loader.
   */
  parseWith(parser: Parser, text: string, language: LanguageId, cacheKey?: string, index: LineIndex = new LineIndex(text)): Tree | null {
    const tree = this.reparse(parser, text, language, index, cacheKey);
    if (tree && cacheKey !== undefined) this.remember(cacheKey, language, text, index, tree);
    return tree;
  }

  /** Drops the cached tree of a closed document. */
  forget(cacheKey: string): void {
    this.trees.get(cacheKey)?.tree.delete();
    this.trees.delete(cacheKey);
  }

  dispose(): void {
    for (const key of [...this.trees.keys()]) this.forget(key);
  }

  private reparse(parser: Parser, text: string, language: LanguageId, index: LineIndex, cacheKey: string | undefined): Tree | null {
    const cached = cacheKey !== undefined ? this.trees.get(cacheKey) : undefined;
    if (!cached || cached.language !== language) return parser.parse(text);
    if (cached.text === text) return cached.tree.copy();
    // One edit spanning everything between the common prefix and suffix: exact, and enough for
    // tree-sitter to reuse the untouched subtrees.
    const old = cached.text;
    const max = Math.min(old.length, text.length);
    let start = 0;
    while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
    let suffix = 0;
    while (suffix < max - start && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
    const oldEnd = old.length - suffix;
    const newEnd = text.length - suffix;
    const point = (li: LineIndex, offset: number) => {
      const p = li.position(offset);
      return { row: p.line, column: p.column };
    };
    const edited = cached.tree.copy();
    edited.edit({
      startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd,
      startPosition: point(cached.index, start), oldEndPosition: point(cached.index, oldEnd), newEndPosition: point(index, newEnd),
    } as Parameters<Tree['edit']>[0]);
    const tree = parser.parse(text, edited);
    edited.delete();
    return tree;
  }

  private remember(cacheKey: string, language: LanguageId, text: string, index: LineIndex, tree: Tree): void {
    this.forget(cacheKey);
    if (this.trees.size >= MAX_CACHED_TREES) {
      const oldest = this.trees.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.trees.set(cacheKey, { language, text, index, tree: tree.copy() });
  }
}

let shared: TreeCache | undefined;

/**
 * The extension's one cache (and grammar loader), so the lint and the lenses share the grammars and
 * the trees of open documents. Throws WasmNotFoundError when the runtime wasm is missing.
 */
export function sharedTreeCache(): TreeCache {
  return (shared ??= new TreeCache(new GrammarLoader()));
}
