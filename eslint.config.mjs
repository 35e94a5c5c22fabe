import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * Import boundaries, stated as the directions allowed. The webview bundles run in the browser and
 * reach the host only by messages: they import webview/** and the shared vocabulary under
 * src/core/** (protocols, model types, pure layout), never a feature's glue, `vscode` or Node.
 */
const boundaries = {
  rules: {
    'webview-imports': {
      meta: {
        type: 'problem',
        schema: [],
        messages: { outside: "webview code imports only webview/** and src/core/**: '{{source}}' is {{where}}." },
      },
      create(context) {
        const check = (node) => {
          const source = node.source?.value;
          if (typeof source !== 'string') return;
          let where;
          if (source === 'vscode' || source.startsWith('node:')) where = 'the extension host\'s';
          else if (source.startsWith('.')) {
            const target = path.relative(repoRoot, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/');
            if (!target.startsWith('webview/') && !target.startsWith('src/core/')) where = target;
          }
          if (where) context.report({ node: node.source, messageId: 'outside', data: { source, where } });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'test-results/**', 'node_modules/**', 'examples/**', 'test/lint-corpus/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }] },
  },
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Pure logic: must run in plain Node and in unit tests, so it may not touch the VS Code API.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is pure TypeScript: no vscode import.' }] }],
    },
  },
  {
    // The webview's import boundary (see `boundaries` above); test/unit/manifest/webviewImports.test.ts
    // shows it failing on a violation.
    files: ['webview/**/*.ts'],
    plugins: { boundaries },
    rules: { 'boundaries/webview-imports': 'error' },
  },
  {
    // Shipped code logs through the LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    ignores: ['src/cli.ts', 'src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
