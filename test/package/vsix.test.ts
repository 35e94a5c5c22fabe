import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const vsix = path.join(root, 'trace-lens.vsix');
/** Generous for the bundles plus the lint grammars (C# alone is ~5 MB unpacked); catches a stray node_modules. */
const MAX_VSIX_BYTES = 6 * 1024 * 1024;

describe('the .vsix package', () => {
  let entries: string[];

  before(function () {
    this.timeout(300_000);
    const result = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
    entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n');
  });

  it('holds the manifest, docs and the bundled extension', () => {
    for (const required of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/waterfallWorker.js', 'extension/dist/webview/waterfall.js', 'extension/media/waterfall.css', 'extension/dist/compareWorker.js', 'extension/dist/outlineWorker.js', 'extension/dist/mcpServer.js', 'extension/dist/functionFlameWorker.js', 'extension/dist/webview/compare.js', 'extension/media/compare.css']) {
      assert.ok(entries.includes(required), `${required} is packaged; entries: ${entries.join(', ')}`);
    }
  });

  it('holds the parser runtime and the grammars of the five languages (lint, and lenses without language extensions)', () => {
    for (const wasm of ['web-tree-sitter', 'tree-sitter-typescript', 'tree-sitter-tsx', 'tree-sitter-javascript', 'tree-sitter-python', 'tree-sitter-go', 'tree-sitter-java', 'tree-sitter-c-sharp']) {
      assert.ok(entries.includes(`extension/dist/wasm/${wasm}.wasm`), `${wasm}.wasm is packaged`);
    }
  });

  it('holds the icon, the activity bar icon and the walkthrough the manifest names', () => {
    for (const media of ['icon.png', 'activitybar.svg', 'walkthrough/receive.md', 'walkthrough/lenses.md', 'walkthrough/openTrace.md', 'walkthrough/lint.md', 'walkthrough/backend.md']) {
      assert.ok(entries.includes(`extension/media/${media}`), `media/${media} is packaged`);
    }
  });

  it('carries the license of every third-party package it bundles or ships', () => {
    const notices = execFileSync('unzip', ['-p', vsix, 'extension/dist/ThirdPartyNotices.txt'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    for (const pkg of ['@grpc/grpc-js', '@datadog/sketches-js', 'protobufjs', 'long', 'undici', 'web-tree-sitter', '@vscode/tree-sitter-wasm', '@vscode-elements/elements', 'lit-html', 'ignore', '@dagrejs/dagre']) {
      assert.match(notices, new RegExp(`^- ${pkg.replace(/[/.]/g, '\\$&')} \\d`, 'm'), `${pkg} is listed`);
    }
    assert.match(notices, /Apache License/, 'Apache-2.0 text reproduced');
    assert.match(notices, /Redistribution and use in source and binary forms/, 'BSD-3-Clause text reproduced');
    assert.ok(!/^- @bufbuild\/protobuf /m.test(notices), 'nothing that is not bundled');
  });

  it('leaves the command line out: it is the npm package\'s bin, which no editor user runs from the .vsix', () => {
    assert.ok(!entries.includes('extension/dist/cli.js'), 'dist/cli.js is not packaged');
  });

  it('holds only what runs: no sources, tests, source maps or node_modules', () => {
    const allowed = /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/(extension|waterfallWorker|compareWorker|outlineWorker|mcpServer|functionFlameWorker)\.js|dist\/ThirdPartyNotices\.txt|dist\/webview\/[\w-]+\.(js|css)|dist\/wasm\/[\w-]+\.wasm|media\/.+))$/;
    const unexpected = entries.filter((e) => !allowed.test(e));
    assert.deepEqual(unexpected, [], 'files that do not run were packaged');
    assert.ok(!entries.some((e) => e.endsWith('.map')), 'no source maps');
  });

  it(`stays under ${MAX_VSIX_BYTES / 1024 / 1024} MB`, () => {
    const size = statSync(vsix).size;
    console.log(`      trace-lens.vsix: ${(size / 1024).toFixed(0)} KB, ${entries.length} entries`);
    assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${size} bytes`);
  });

  it('ships a minified production bundle', () => {
    // The bundle is over execFileSync's default 1 MiB output buffer since @grpc/grpc-js joined it.
    const js = execFileSync('unzip', ['-p', vsix, 'extension/dist/extension.js'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(!js.includes('sourceMappingURL'), 'no reference to a source map that is not shipped');
    // Template literals keep their newlines when minified, so count characters per line instead:
    // unminified code averages well under 100, minified code thousands.
    const lines = js.split('\n').length;
    const average = js.length / lines;
    assert.ok(average > 500, `expected a minified bundle, got ${lines} lines averaging ${average.toFixed(0)} characters`);
  });
});
