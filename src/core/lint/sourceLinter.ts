/**
 * The source lint engine: parse with tree-sitter, collect OpenTelemetry facts, run the rules,
 * apply severity settings and suppression comments, attach quick fixes.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import type { Dialect } from './dialect';
import { csharpDialect } from './dialects/csharpDialect';
import { goDialect } from './dialects/goDialect';
import { javaDialect } from './dialects/javaDialect';
import { javascriptDialect } from './dialects/javascriptDialect';
import { pythonDialect } from './dialects/pythonDialect';
import type { SeveritySetting, SourceFinding } from './findings';
import { GrammarLoader } from './grammarLoader';
import { familyOf, type LanguageFamily, type LanguageId } from './languages';
import { resolveSeverity } from './ruleCatalogue';
import { SensitiveKeyMatcher, type KeyMatcherOptions } from './sensitiveKeys';
import { collectFacts, hasCandidates, scanCandidates } from './sourceFacts';
import { runSourceRules } from './sourceRules';
import { collectSuppressions, isSuppressed, suppressionEdit } from './suppression';
import { LineIndex } from './textEdits';

export interface LintOptions extends KeyMatcherOptions {
  /** Severity per rule id (`traceLens.lint.rules`); `off` disables the rule. */
  rules?: Readonly<Record<string, SeveritySetting>>;
}

const DIALECTS: Readonly<Record<LanguageFamily, Dialect>> = {
  js: javascriptDialect,
  python: pythonDialect,
  go: goDialect,
  java: javaDialect,
  csharp: csharpDialect,
};

interface CachedTree {
  language: LanguageId;
  text: string;
  index: LineIndex;
  tree: Tree;
}

/** Documents whose last tree is kept for incremental re-parsing. */
const MAX_CACHED_TREES = 32;

export class SourceLinter {
  private readonly loader: GrammarLoader;
  private matcherCache: { options: LintOptions; matcher: SensitiveKeyMatcher } | undefined;
  private readonly trees = new Map<string, CachedTree>();

  /** @param wasmDir folder with web-tree-sitter.wasm and the grammars; defaults to `<bundle>/wasm`, then node_modules. */
  constructor(options: { wasmDir?: string; loader?: GrammarLoader } = {}) {
    this.loader = options.loader ?? new GrammarLoader(options.wasmDir);
  }

  /** Loads the grammar ahead of time (benchmarks, or warming up on activation). */
  async prepare(language: LanguageId): Promise<void> {
    await this.loader.parser(language);
  }

  /**
   * @param cacheKey an id for the document (its URI): the tree is kept and re-parsed
   *   incrementally on the next call, which is what keeps lint-as-you-type cheap.
   */
  async lint(text: string, language: LanguageId, options: LintOptions = {}, cacheKey?: string): Promise<SourceFinding[]> {
    const parser = await this.loader.parser(language);
    return this.lintWith(parser, text, language, options, cacheKey);
  }

  /** Drops the cached tree of a closed document. */
  forget(cacheKey: string): void {
    this.trees.get(cacheKey)?.tree.delete();
    this.trees.delete(cacheKey);
  }

  dispose(): void {
    for (const key of [...this.trees.keys()]) this.forget(key);
  }

  private parse(parser: Parser, text: string, language: LanguageId, index: LineIndex, cacheKey: string | undefined): Tree | null {
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

  private remember(cacheKey: string | undefined, language: LanguageId, text: string, index: LineIndex, tree: Tree): void {
    if (cacheKey === undefined) return;
    this.forget(cacheKey);
    if (this.trees.size >= MAX_CACHED_TREES) {
      const oldest = this.trees.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.trees.set(cacheKey, { language, text, index, tree: tree.copy() });
  }

  private matcher(options: LintOptions): SensitiveKeyMatcher {
    if (this.matcherCache?.options !== options) this.matcherCache = { options, matcher: new SensitiveKeyMatcher(options) };
    return this.matcherCache.matcher;
  }

  private lintWith(parser: Parser, text: string, language: LanguageId, options: LintOptions, cacheKey: string | undefined): SourceFinding[] {
    // Suppression comments alone cannot produce findings, so they need no candidate of their own.
    const dialect = DIALECTS[familyOf(language)];
    const candidates = scanCandidates(text, dialect);
    if (!hasCandidates(candidates)) return [];
    const index = new LineIndex(text);
    const tree = this.parse(parser, text, language, index, cacheKey);
    if (!tree) return [];
    try {
      this.remember(cacheKey, language, text, index, tree);
      const facts = collectFacts(tree, dialect, text, candidates);
      const raw = runSourceRules({ facts, dialect, index, keys: this.matcher(options) });
      const suppressions = collectSuppressions(facts.comments);
      const out: SourceFinding[] = [];
      for (const f of raw) {
        if (isSuppressed(suppressions, f.range.startLine, f.ruleId)) continue;
        const severity = resolveSeverity(f.ruleId, f.severity, options.rules);
        if (!severity) continue;
        const fixes = f.fix ? [f.fix] : [];
        fixes.push({ title: `Suppress ${f.ruleId} on this line`, edits: [suppressionEdit(f.range.startLine, f.ruleId, dialect.lineComment, index)] });
        const finding: SourceFinding = { ruleId: f.ruleId, severity, message: f.message, range: f.range, fixes };
        if (f.attributeKey !== undefined) finding.attributeKey = f.attributeKey;
        out.push(finding);
      }
      out.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn || a.ruleId.localeCompare(b.ruleId));
      return out;
    } finally {
      tree.delete();
    }
  }
}
