/**
 * The source lint engine: parse with tree-sitter, collect OpenTelemetry facts, run the rules,
 * apply severity settings and suppression comments, attach quick fixes.
 */
import type { Parser } from 'web-tree-sitter';
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
import { TreeCache } from './treeCache';

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

export class SourceLinter {
  private readonly loader: GrammarLoader;
  private matcherCache: { options: LintOptions; matcher: SensitiveKeyMatcher } | undefined;
  private readonly trees: TreeCache;

  /**
   * @param wasmDir folder with web-tree-sitter.wasm and the grammars; defaults to `<bundle>/wasm`, then node_modules.
   * @param trees the extension passes its shared cache, so the lenses reuse the lint's trees.
   */
  constructor(options: { wasmDir?: string; loader?: GrammarLoader; trees?: TreeCache } = {}) {
    this.trees = options.trees ?? new TreeCache(options.loader ?? new GrammarLoader(options.wasmDir));
    this.loader = this.trees.loader;
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
    this.trees.forget(cacheKey);
  }

  dispose(): void {
    this.trees.dispose();
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
    const tree = this.trees.parseWith(parser, text, language, cacheKey, index);
    if (!tree) return [];
    try {
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
