import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core is pure TypeScript: no vscode import.' };
const NO_BACKENDS = 'Model types live in src/core/model; only the receiver\'s store may import src/core/backends, for the TraceBackend interface.';

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
      'no-restricted-imports': ['error', { paths: [NO_VSCODE] }],
    },
  },
  {
    // The model's vocabulary (code location keys, latency quantiles, time ranges) is in src/core/model:
    // statistics, source mapping and the lint never import a backend client to get a type. The
    // receiver's store is the `local` backend, so it may import the TraceBackend interface, nothing else.
    // (A later block for the same files replaces these options, so the vscode ban is repeated here.)
    files: ['src/core/stats/**/*.ts', 'src/core/source/**/*.ts', 'src/core/lint/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/backends', '**/backends/**'], message: NO_BACKENDS }] }] },
  },
  {
    files: ['src/core/receiver/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/backends/*', '!**/backends/traceBackend'], message: NO_BACKENDS }] }],
    },
  },
  {
    // Shipped code logs through the LogOutputChannel, never the console.
    files: ['src/**/*.ts'],
    ignores: ['src/cli.ts', 'src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
