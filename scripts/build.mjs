// One esbuild script, several contexts: the extension (node/cjs, `vscode` external),
// the webview (browser), the CLI, and the integration test bundle (not packaged).
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeThirdPartyNotices } from './thirdPartyNotices.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');

/** Logs build results in the problem-matcher friendly form VS Code's esbuild watchers expect. */
const reporter = {
  name: 'reporter',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  // Lists the bundled files, from which dist/ThirdPartyNotices.txt is written.
  metafile: true,
  minify: production,
  // Source maps stay next to the bundles for debugging; .vscodeignore keeps them out of the .vsix.
  sourcemap: production ? 'external' : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [reporter],
};

// @grpc/grpc-js (bundled) requires @grpc/proto-loader only lazily, to serve its channelz and ORCA
// admin services, which Trace Lens never registers: left out of the bundle with protobufjs behind it.
const nodeCommon = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', '@grpc/proto-loader'] };

const contexts = [
  {
    ...nodeCommon,
    entryPoints: { extension: path.join(root, 'src/extension.ts') },
    outdir: dist,
  },
  {
    // Parses and lays out big traces off the extension host's thread (worker_threads).
    ...nodeCommon,
    entryPoints: { waterfallWorker: path.join(root, 'src/webviews/waterfall/layoutWorker.ts') },
    outdir: dist,
  },
  {
    // Parses source files with the bundled grammars for the lenses' function outlines, off the extension host's thread.
    ...nodeCommon,
    entryPoints: { outlineWorker: path.join(root, 'src/source/outlineWorker.ts') },
    outdir: dist,
  },
  {
    // Parses and matches the two traces of a comparison off the extension host's thread.
    ...nodeCommon,
    entryPoints: { compareWorker: path.join(root, 'src/webviews/compare/compareWorker.ts') },
    outdir: dist,
  },
  {
    // Merges the calls of one function across traces (the flame graph of where time goes) off the host's thread.
    ...nodeCommon,
    entryPoints: { functionFlameWorker: path.join(root, 'src/webviews/functionFlame/functionFlameWorker.ts') },
    outdir: dist,
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: {
      'webview/waterfall': path.join(root, 'webview/waterfall/main.ts'),
      'webview/compare': path.join(root, 'webview/compare/main.ts'),
      'webview/serviceMap': path.join(root, 'webview/serviceMap/main.ts'),
      'webview/functionFlame': path.join(root, 'webview/functionFlame/main.ts'),
    },
    outdir: dist,
  },
  {
    // The MCP server VS Code starts for MCP clients (src/assistant/mcpServerProvider.ts): its own
    // bundle, since the .vsix leaves the CLI out; the same server as `trace-lens mcp`.
    ...nodeCommon,
    entryPoints: { mcpServer: path.join(root, 'src/mcp/mcpServerMain.ts') },
    outdir: dist,
  },
];

if (existsSync(path.join(root, 'src/cli.ts'))) {
  contexts.push({
    ...nodeCommon,
    entryPoints: { cli: path.join(root, 'src/cli.ts') },
    outdir: dist,
  });
}

// Integration tests run inside the extension host; mocha stays external (resolved from node_modules).
const integrationDir = path.join(root, 'test/integration');
if (!production && existsSync(integrationDir)) {
  const entries = readdirSync(integrationDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(integrationDir, f));
  contexts.push({
    ...nodeCommon,
    external: ['vscode', 'mocha'],
    entryPoints: entries,
    outdir: path.join(dist, 'test/integration'),
  });
}

function copyWasm() {
  // web-tree-sitter loads its runtime and grammars as files at run time: ship them beside the bundles.
  const out = path.join(dist, 'wasm');
  const grammars = path.join(root, 'node_modules/@vscode/tree-sitter-wasm/wasm');
  const runtime = path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm');
  if (!existsSync(grammars) || !existsSync(runtime)) return;
  mkdirSync(out, { recursive: true });
  cpSync(runtime, path.join(out, 'web-tree-sitter.wasm'));
  for (const name of ['typescript', 'tsx', 'javascript', 'python', 'go', 'java', 'c-sharp']) {
    const file = path.join(grammars, `tree-sitter-${name}.wasm`);
    if (existsSync(file)) cpSync(file, path.join(out, `tree-sitter-${name}.wasm`));
  }
}

async function main() {
  if (!watch) rmSync(dist, { recursive: true, force: true });
  const built = await Promise.all(contexts.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(built.map((ctx) => ctx.watch()));
    return;
  }
  let results;
  try {
    results = await Promise.all(built.map((ctx) => ctx.rebuild()));
  } finally {
    await Promise.all(built.map((ctx) => ctx.dispose()));
  }
  copyWasm();
  // The licenses of what the shipped bundles contain (not the test bundle), for the .vsix and the CLI.
  const shipped = results.filter((_, i) => !contexts[i].outdir.startsWith(path.join(dist, 'test')));
  writeThirdPartyNotices(root, shipped.map((r) => r.metafile), ['node_modules/@vscode/tree-sitter-wasm'], path.join(dist, 'ThirdPartyNotices.txt'));
  // The CLI is the package's `bin`: it must be executable.
  if (existsSync(path.join(dist, 'cli.js'))) chmodSync(path.join(dist, 'cli.js'), 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
