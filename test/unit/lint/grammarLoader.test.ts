import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GrammarLoader } from '../../../src/core/lint/grammarLoader';
import { GRAMMAR_FILES, languageForPath, languageForVscodeId, RUNTIME_WASM_FILE } from '../../../src/core/lint/languages';
import { SourceLinter } from '../../../src/core/lint/sourceLinter';
import { locateWasm, WasmNotFoundError } from '../../../src/core/lint/wasmLocator';

const REPO = path.resolve(__dirname, '../../..');

describe('lint: grammars and wasm location', function () {
  this.timeout(30000);

  it('finds the runtime and every grammar in node_modules from the repository', () => {
    const loc = locateWasm();
    assert.equal(path.basename(loc.runtime), RUNTIME_WASM_FILE);
    assert.ok(fs.existsSync(loc.runtime));
    for (const lang of Object.keys(GRAMMAR_FILES) as Array<keyof typeof GRAMMAR_FILES>) assert.ok(fs.existsSync(loc.grammar(lang)), lang);
  });

  it('prefers an explicit wasm folder (the bundle layout dist/wasm) and loads from it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-wasm-'));
    fs.copyFileSync(path.join(REPO, 'node_modules/web-tree-sitter', RUNTIME_WASM_FILE), path.join(dir, RUNTIME_WASM_FILE));
    fs.copyFileSync(path.join(REPO, 'node_modules/@vscode/tree-sitter-wasm/wasm', GRAMMAR_FILES.go), path.join(dir, GRAMMAR_FILES.go));
    const loc = locateWasm(dir);
    assert.equal(loc.runtime, path.join(dir, RUNTIME_WASM_FILE));
    assert.equal(loc.grammar('go'), path.join(dir, GRAMMAR_FILES.go));
    const findings = await new SourceLinter({ wasmDir: dir }).lint('package p\nfunc f() { tracer.Start(ctx, "job " + id) }\n', 'go');
    assert.deepEqual(findings.map((f) => f.ruleId), ['SN001']);
  });

  it('loads grammars lazily and reuses the parser', async () => {
    const loader = new GrammarLoader();
    assert.equal(loader.isLoaded('csharp'), false);
    const a = await loader.parser('python');
    const b = await loader.parser('python');
    assert.equal(a, b);
    assert.equal(loader.isLoaded('python'), true);
    assert.equal(loader.isLoaded('csharp'), false);
  });

  it('throws WasmNotFoundError naming the file and the folders searched', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-lens-empty-'));
    // As in a bundle whose build forgot to copy the wasm files: no node_modules fallback.
    assert.throws(() => locateWasm(empty, { searchNodeModules: false }), (e: unknown) => {
      assert.ok(e instanceof WasmNotFoundError);
      assert.equal(e.fileName, RUNTIME_WASM_FILE);
      assert.ok(e.searched.includes(empty));
      assert.match(e.message, /web-tree-sitter\.wasm/);
      return true;
    });
    fs.copyFileSync(path.join(REPO, 'node_modules/web-tree-sitter', RUNTIME_WASM_FILE), path.join(empty, RUNTIME_WASM_FILE));
    const loc = locateWasm(empty, { searchNodeModules: false });
    assert.throws(() => loc.grammar('csharp'), (e: unknown) => e instanceof WasmNotFoundError && e.fileName === GRAMMAR_FILES.csharp);
  });

  it('maps file names and VS Code language ids to languages', () => {
    assert.equal(languageForPath('a/b.tsx'), 'tsx');
    assert.equal(languageForPath('a/b.d.ts'), undefined);
    assert.equal(languageForPath('x.PY'), 'python');
    assert.equal(languageForPath('Makefile'), undefined);
    assert.equal(languageForVscodeId('typescriptreact'), 'tsx');
    assert.equal(languageForVscodeId('csharp'), 'csharp');
  });
});
