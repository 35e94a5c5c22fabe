/** Source languages the lint understands, and how files map onto them. */

export type LanguageId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'java' | 'csharp';

export const LANGUAGE_IDS: readonly LanguageId[] = ['typescript', 'tsx', 'javascript', 'python', 'go', 'java', 'csharp'];

/** Grammar file per language inside `@vscode/tree-sitter-wasm/wasm` (or the bundle's `wasm/` folder). */
export const GRAMMAR_FILES: Readonly<Record<LanguageId, string>> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  // JSX is common in .js files; the TSX grammar parses it, the JavaScript grammar is kept for plain JS.
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  java: 'tree-sitter-java.wasm',
  csharp: 'tree-sitter-c-sharp.wasm',
};

/** The runtime of web-tree-sitter itself. */
export const RUNTIME_WASM_FILE = 'web-tree-sitter.wasm';

const BY_EXTENSION: Readonly<Record<string, LanguageId>> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.py': 'python',
  '.go': 'go',
  '.java': 'java',
  '.cs': 'csharp',
};

/** VS Code language ids, so the extension can map a TextDocument without knowing file names. */
const BY_VSCODE_ID: Readonly<Record<string, LanguageId>> = {
  typescript: 'typescript',
  typescriptreact: 'tsx',
  javascript: 'javascript',
  javascriptreact: 'javascript',
  python: 'python',
  go: 'go',
  java: 'java',
  csharp: 'csharp',
};

export function languageForPath(filePath: string): LanguageId | undefined {
  if (filePath.endsWith('.d.ts')) return undefined;
  const dot = filePath.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[filePath.slice(dot).toLowerCase()];
}

export function languageForVscodeId(languageId: string): LanguageId | undefined {
  return BY_VSCODE_ID[languageId];
}

export type LanguageFamily = 'js' | 'python' | 'go' | 'java' | 'csharp';

export function familyOf(language: LanguageId): LanguageFamily {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return 'js';
    default:
      return language;
  }
}
