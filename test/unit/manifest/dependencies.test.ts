import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

// The package's runtime `dependencies` are the packages the shipped bundles contain, no more and no
// fewer: a user auditing the .vsix (or `npm install -g` of the CLI) must not find code that came from
// a devDependency, nor a declared dependency that ships nothing.

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The entry points of scripts/build.mjs's shipped bundles (those present in this checkout), with its externals. */
const BUNDLES = [
  { entry: 'src/extension.ts', platform: 'node' as const },
  { entry: 'src/webviews/waterfall/layoutWorker.ts', platform: 'node' as const },
  { entry: 'src/webviews/compare/compareWorker.ts', platform: 'node' as const },
  { entry: 'src/source/outlineWorker.ts', platform: 'node' as const },
  { entry: 'src/cli.ts', platform: 'node' as const },
  { entry: 'webview/waterfall/main.ts', platform: 'browser' as const },
  { entry: 'webview/compare/main.ts', platform: 'browser' as const },
  { entry: 'webview/serviceMap/main.ts', platform: 'browser' as const },
].filter((b) => existsSync(path.join(root, b.entry)));
/** Shipped as files beside the bundles (scripts/build.mjs copies the grammars), not as bundled code. */
const SHIPPED_AS_FILES = ['@vscode/tree-sitter-wasm'];

/** `node_modules/@scope/name/...` → `@scope/name`: the package each bundled file belongs to, outermost first. */
function packagesOf(input: string): string[] {
  const parts = input.split('/');
  const names: string[] = [];
  parts.forEach((part, i) => {
    if (part !== 'node_modules') return;
    names.push(parts[i + 1]?.startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1]);
  });
  return names;
}

describe('package.json: runtime dependencies', function () {
  this.timeout(120_000);
  let bundled: Set<string>;

  before(async () => {
    bundled = new Set();
    for (const { entry, platform } of BUNDLES) {
      const result = await esbuild.build({
        absWorkingDir: root,
        entryPoints: [entry],
        bundle: true,
        write: false,
        metafile: true,
        platform,
        format: platform === 'node' ? 'cjs' : 'iife',
        external: ['vscode', '@grpc/proto-loader'],
        logLevel: 'silent',
      });
      // Only the outermost package: a nested copy is its parent's dependency, installed with it.
      for (const input of Object.keys(result.metafile.inputs)) {
        const outermost = packagesOf(input)[0];
        if (outermost) bundled.add(outermost);
      }
    }
  });

  it('every package whose code is bundled is a runtime dependency or one of theirs', () => {
    const declared = new Set(Object.keys(manifest.dependencies));
    const reachable = new Set<string>();
    // Only through bundled packages: @grpc/grpc-js declares @grpc/proto-loader (and protobufjs behind
    // it), but the build leaves that out, so it installs nothing the bundle uses.
    const visit = (name: string) => {
      if (reachable.has(name) || !bundled.has(name)) return;
      reachable.add(name);
      const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
    };
    for (const name of declared) visit(name);
    const undeclared = [...bundled].filter((name) => !reachable.has(name)).sort();
    assert.deepEqual(undeclared, [], 'bundled without being a runtime dependency (or a dependency of one)');
  });

  it('every runtime dependency ships in the bundles or beside them', () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !bundled.has(name) && !SHIPPED_AS_FILES.includes(name));
    assert.deepEqual(unused, [], 'declared as runtime dependencies but not shipped');
  });

  it('protobufjs is a runtime dependency: @datadog/sketches-js needs protobufjs/minimal without declaring it', () => {
    assert.ok(bundled.has('protobufjs'), `bundled: ${[...bundled].join(', ')}`);
    assert.ok(manifest.dependencies.protobufjs);
    assert.equal(manifest.devDependencies['@bufbuild/protobuf'] !== undefined && manifest.dependencies['@bufbuild/protobuf'] === undefined, true);
  });
});
