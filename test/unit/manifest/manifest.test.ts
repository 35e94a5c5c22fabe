import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMAND_ARGUMENTS } from '../../../src/core/commands/commandArguments';
import { OPEN_WALKTHROUGH_COMMAND, WALKTHROUGH_ID } from '../../../src/core/commands/statusActions';

// What the Marketplace and VS Code read from package.json beyond the commands (test/unit/commands
// checks those against the command table): settings, icon, walkthrough, view, menus.

const root = path.resolve(__dirname, '../../..');

interface Setting { type?: string | string[]; scope?: string; minimum?: number; maximum?: number; default?: unknown }
interface Step { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }
interface Manifest {
  name: string;
  publisher: string;
  icon?: string;
  categories: string[];
  contributes: {
    commands: Array<{ command: string; title: string; icon?: string }>;
    configuration: { properties: Record<string, Setting> };
    viewsContainers?: { activitybar?: Array<{ id: string; icon: string }> };
    views?: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string; when?: string }>;
    walkthroughs?: Array<{ id: string; steps: Step[] }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const settings = manifest.contributes.configuration.properties;
const declaredCommands = new Set(manifest.contributes.commands.map((c) => c.command));

/** `command:id` and `command:id?args` links in markdown. */
function commandLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\(command:([\w.-]+)/g)].map((m) => m[1]);
}

/** Commands VS Code itself provides that the manifest's links may name (a view's `.focus` among them). */
const WORKBENCH_COMMANDS = new Set([OPEN_WALKTHROUGH_COMMAND, 'traceLens.receivedTraces.focus', 'traceLens.functions.focus']);

function assertLinksResolve(markdown: string, where: string): void {
  for (const command of commandLinks(markdown)) {
    assert.ok(declaredCommands.has(command) || WORKBENCH_COMMANDS.has(command), `${where} links to ${command}, which nobody provides`);
  }
}

describe('manifest: settings', () => {
  it('every setting says its scope, and only scopes VS Code knows', () => {
    const scopes = new Set(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable']);
    for (const [key, setting] of Object.entries(settings)) {
      assert.ok(setting.scope && scopes.has(setting.scope), `${key} has scope ${String(setting.scope)}`);
    }
  });

  it('where a backend or the receiver lives can differ per machine (remote development), and a workspace may still set it', () => {
    for (const key of Object.keys(settings).filter((k) => k.startsWith('traceLens.backend.') || /^traceLens\.local\.(port|grpcPort|maxSpans)$/.test(k))) {
      assert.equal(settings[key].scope, 'machine-overridable', key);
    }
  });

  it('ports, span counts and timeouts are whole numbers with both bounds, the default inside them', () => {
    for (const key of ['traceLens.local.port', 'traceLens.local.grpcPort', 'traceLens.local.maxSpans', 'traceLens.backend.timeoutMs', 'traceLens.backend.maxResponseMB']) {
      const s = settings[key];
      assert.equal(s.type, 'integer', key);
      assert.ok(typeof s.minimum === 'number' && typeof s.maximum === 'number', `${key} has a minimum and a maximum`);
      assert.ok(typeof s.default === 'number' && s.default >= s.minimum && s.default <= s.maximum, `${key}'s default is within its bounds`);
    }
    assert.equal(settings['traceLens.local.port'].maximum, 65535);
  });
});

describe('manifest: Marketplace listing', () => {
  it('has a 128×128 PNG icon', () => {
    assert.ok(manifest.icon, 'an icon is declared');
    const png = readFileSync(path.join(root, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // IHDR: width and height, big-endian, right after the 8-byte signature and the chunk's length and type.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('claims only categories it fills: no "Debuggers" without a debugger', () => {
    assert.ok(!manifest.categories.includes('Debuggers'));
    assert.ok(manifest.categories.includes('Visualization') && manifest.categories.includes('Linters'));
  });
});

describe('manifest: walkthrough, view and menus', () => {
  const walkthrough = manifest.contributes.walkthroughs?.find((w) => `${manifest.publisher}.${manifest.name}#${w.id}` === WALKTHROUGH_ID);

  it('the walkthrough the status menu opens exists, and its first step completes when the first span arrives', () => {
    assert.ok(walkthrough, `walkthrough ${WALKTHROUGH_ID}`);
    assert.deepEqual(walkthrough.steps[0].completionEvents, ['onContext:traceLens.spansReceived']);
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['receive', 'lenses', 'openTrace', 'lint', 'backend']);
  });

  it('every walkthrough step has its media file and completes on a command that exists', () => {
    for (const step of walkthrough?.steps ?? []) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && existsSync(path.join(root, media)), `${step.id}: ${media} exists`);
      assertLinksResolve(step.description, `step ${step.id}`);
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(declaredCommands.has(command), `step ${step.id} completes on ${command}, which is not declared`);
      }
    }
  });

  it('the Trace Lens views have a container with an icon, and welcome text (for both kinds of backend where it differs)', () => {
    const container = manifest.contributes.viewsContainers?.activitybar?.find((c) => c.id === 'traceLens');
    assert.ok(container && existsSync(path.join(root, container.icon)), 'the activity bar container and its icon');
    const views = manifest.contributes.views?.traceLens ?? [];
    assert.deepEqual(views.map((v) => v.id), ['traceLens.receivedTraces', 'traceLens.functions', 'traceLens.insights']);
    const welcome = (manifest.contributes.viewsWelcome ?? []).filter((w) => w.view === 'traceLens.receivedTraces');
    assert.equal(welcome.length, 2);
    assert.ok(welcome.some((w) => w.when?.includes('traceLens.backendType == local')));
    assert.ok(welcome.some((w) => w.when?.includes('traceLens.backendType != local')));
    const functionsWelcome = (manifest.contributes.viewsWelcome ?? []).filter((w) => w.view === 'traceLens.functions');
    assert.equal(functionsWelcome.length, 1);
    const insightsWelcome = (manifest.contributes.viewsWelcome ?? []).filter((w) => w.view === 'traceLens.insights');
    assert.equal(insightsWelcome.length, 1);
    for (const w of [...welcome, ...functionsWelcome, ...insightsWelcome]) assertLinksResolve(w.contents, `the welcome text of ${w.view}`);
  });

  it('the Explorer offers "Open in Trace Lens Waterfall" on .json files, through the command that takes the Explorer\'s arguments', () => {
    const entries = manifest.contributes.menus['explorer/context'] ?? [];
    assert.deepEqual(entries.map((e) => e.command), ['traceLens.openInWaterfall']);
    assert.match(entries[0].when ?? '', /resourceExtname == \.json/);
    assert.equal(manifest.contributes.commands.find((c) => c.command === 'traceLens.openInWaterfall')?.title, 'Open in Trace Lens Waterfall');
  });

  it('every menu entry names a command of the table', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const entry of entries) assert.ok(entry.command in COMMAND_ARGUMENTS, `${menu}: ${entry.command}`);
    }
  });
});
