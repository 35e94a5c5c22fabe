import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core is pure TypeScript: no vscode import.' };
const NO_BACKENDS = 'Model types live in src/core/model; only the receiver\'s store and the statistics\' sampler may import src/core/backends, for the TraceBackend interface.';

// ── Import boundaries between the folders of src/: see docs/architecture.md, "Layers".
// Each folder of src/ is in one layer and imports only from the layers below it and its own folder;
// src/core has its own block above (no vscode), and src/extension.ts, the composition root, may
// import anything. A new folder must be added to one layer here (a unit test checks every folder is).
export const SRC_LAYERS = {
  /** Editor plumbing every feature may use: the log, settings, progress, the command registry. */
  shared: ['config', 'log', 'ui'],
  /** Services: the state features read, each importing only the services it names. */
  services: { receiver: [], backends: ['receiver'], source: [], stats: ['backends', 'receiver', 'source'] },
  /** Features: import core, shared and services, never another feature (wire them in extension.ts). */
  features: ['assistant', 'commands', 'diagnostics', 'insights', 'latency', 'links', 'onboarding', 'traceql', 'views', 'webviews'],
  /** The Node programs (`trace-lens`, the MCP server): core and each other, nothing that needs VS Code. */
  programs: ['cli', 'mcp'],
};

function srcBoundaryBlocks() {
  const { shared, services, features, programs } = SRC_LAYERS;
  const every = [...shared, ...Object.keys(services), ...features, ...programs];
  const describe = (folder) => {
    if (shared.includes(folder)) return { layer: 'editor plumbing', may: shared };
    if (folder in services) return { layer: 'a service', may: [...services[folder], ...shared] };
    if (programs.includes(folder)) return { layer: 'a Node program', may: programs };
    return { layer: 'a feature', may: [...Object.keys(services), ...shared] };
  };
  return every.flatMap((folder) => {
    const { layer, may } = describe(folder);
    const forbidden = [...every.filter((f) => f !== folder && !may.includes(f)), 'extension'];
    const others = may.filter((f) => f !== folder);
    const message = `src/${folder} is ${layer}: besides its own folder it may import only src/core${others.map((f) => `, src/${f}`).join('')}. Pass other features' objects in from extension.ts; see docs/architecture.md ("Layers").`;
    // A relative import reaches a folder of src/ through exactly as many "../" as the file is deep below src/.
    return [1, 2, 3, 4].map((depth) => ({
      files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ regex: `^(?:\\.\\./){${depth}}(?:${forbidden.join('|')})(?:/|$)`, message }] }],
      },
    }));
  });
}

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
      'no-restricted-imports': ['error', { paths: [NO_VSCODE] }],
    },
  },
  {
    // The model's vocabulary (code location keys, latency quantiles, time ranges) is in src/core/model:
    // source mapping and the lint never import a backend client to get a type. The receiver's store
    // is the `local` backend and the statistics sample through that interface: both may import the
    // TraceBackend interface, nothing else (next block).
    // (A later block for the same files replaces these options, so the vscode ban is repeated here.)
    files: ['src/core/source/**/*.ts', 'src/core/lint/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/backends', '**/backends/**'], message: NO_BACKENDS }] }] },
  },
  {
    // The statistics sample traces through the TraceBackend interface, as the receiver's store serves it.
    files: ['src/core/receiver/**/*.ts', 'src/core/stats/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['**/backends/*', '!**/backends/traceBackend'], message: NO_BACKENDS }] }],
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
  // Import boundaries of src/: generated from SRC_LAYERS above.
  ...srcBoundaryBlocks(),
);
