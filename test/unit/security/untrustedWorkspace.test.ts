import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string; type?: string; default?: unknown; minimum?: number; maximum?: number }> } };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as Manifest;
const restricted = new Set(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []);
const declared = manifest.contributes.configuration.properties;

/**
 * Settings a repository's `.vscode/settings.json` could use against the person who opens it: where
 * credentials and spans go, which files span paths open, where the receiver listens. VS Code ignores
 * workspace values of restricted settings until the workspace is trusted.
 */
const MUST_BE_RESTRICTED = [
  'traceLens.backend.url',
  'traceLens.backend.headers',
  'traceLens.backend.caCertificate',
  'traceLens.backend.tenant',
  'traceLens.backend.maxResponseMB',
  'traceLens.backend.jaegerGrpcUrl',
  'traceLens.pathMappings',
  'traceLens.local.port',
];

describe('untrusted workspaces (package.json)', () => {
  it('support is limited, not refused: the lint and the receiver still work', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('restrict every setting that redirects data, opens files or moves the receiver', () => {
    for (const key of MUST_BE_RESTRICTED) {
      assert.ok(key in declared, `${key} is a declared setting`);
      assert.ok(restricted.has(key), `${key} is in restrictedConfigurations`);
    }
    // Declared in wave 2; whenever it exists it must be restricted like local.port.
    if ('traceLens.local.grpcPort' in declared) assert.ok(restricted.has('traceLens.local.grpcPort'), 'traceLens.local.grpcPort is restricted');
    for (const key of restricted) assert.ok(key in declared, `restrictedConfigurations names ${key}, which is not a declared setting`);
  });

  it('bound the backend answer size with an integer setting a machine can override', () => {
    const s = declared['traceLens.backend.maxResponseMB'];
    assert.equal(s.type, 'integer');
    assert.equal(s.scope, 'machine-overridable');
    assert.ok(typeof s.default === 'number' && s.default >= 64 && s.default <= 512, String(s.default));
    assert.ok(s.minimum === 1 && s.maximum !== undefined && s.maximum <= 512);
  });
});
