import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMAND_ARGUMENTS } from '../../../src/core/commands/commandArguments';
import { COMMANDS, INTERNAL_COMMANDS, type CommandId } from '../../../src/core/commands/commandIds';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
const contributed = manifest.contributes.commands.map((c) => c.command).sort();
const ids: CommandId[] = Object.values(COMMANDS);
const IDS_MODULE = 'src/core/commands/commandIds.ts';
const REGISTRY_MODULE = 'src/ui/commandRegistry.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}
const sources = sourceFiles('src').map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));

/** Code without its comments, so a doc comment may still name a command in backticks. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('command ids: one table, equal to the manifest', () => {
  it('every contributed command has a constant, and every constant is contributed or internal', () => {
    const exposed = ids.filter((id) => !INTERNAL_COMMANDS.includes(id)).sort();
    assert.deepEqual(exposed, contributed);
    for (const id of INTERNAL_COMMANDS) assert.ok(!contributed.includes(id), `${id} is internal, so not in the manifest's palette`);
  });

  it('the ids are unique and each one is a traceLens command', () => {
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^traceLens\.[a-zA-Z.]+$/);
  });

  it('every command id has its argument check, and the check table names nothing else', () => {
    assert.deepEqual(Object.keys(COMMAND_ARGUMENTS).sort(), [...ids].sort());
  });

  it('no source file spells a command id as a string: they name the constant', () => {
    const spelt = new RegExp(`['"\`](?:command:)?(${ids.map((id) => id.replace(/\./g, '\\.')).join('|')})[?'"\`]`);
    const offenders = sources.filter((s) => s.file !== IDS_MODULE && spelt.test(code(s.text))).map((s) => `${s.file}: ${spelt.exec(code(s.text))?.[1]}`);
    assert.deepEqual(offenders, []);
  });

  it('commands are registered only through the registry, each id once, and every id is registered', () => {
    const direct = sources.filter((s) => s.file !== REGISTRY_MODULE && /commands\s*\.\s*registerCommand\s*\(/.test(code(s.text)));
    assert.deepEqual(direct.map((s) => s.file), [], 'vscode.commands.registerCommand outside the registry skips the argument check');
    const registered = sources.flatMap((s) => [...code(s.text).matchAll(/registerCommand\(\s*COMMANDS\.(\w+)/g)].map((m) => m[1]));
    const unknown = registered.filter((name) => !(name in COMMANDS));
    assert.deepEqual(unknown, []);
    assert.deepEqual([...registered].sort(), Object.keys(COMMANDS).sort(), 'each constant registered exactly once');
  });
});
