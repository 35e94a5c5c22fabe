import assert from 'node:assert/strict';
import { COMMAND_ARGUMENTS } from '../../../src/core/commands/commandArguments';
import { OPEN_WALKTHROUGH_COMMAND, statusActions, WALKTHROUGH_ID } from '../../../src/core/commands/statusActions';
import { exporterEnvironment } from '../../../src/core/onboarding/exporterEnvironment';

const commandsOf = (actions: ReturnType<typeof statusActions>) => actions.map((a) => a.command);

describe('the status bar menu', () => {
  it('with the receiver listening and nothing received: copy the exporter settings first, no search or clear of nothing', () => {
    const actions = statusActions({ backend: 'local', listeningPort: 4318, spansHeld: 0 });
    assert.equal(actions[0].command, 'traceLens.copyExporterEnvironment');
    assert.match(actions[0].description ?? '', /127\.0\.0\.1:4318/);
    assert.ok(!commandsOf(actions).includes('traceLens.searchTraces'));
    assert.ok(!commandsOf(actions).includes('traceLens.clearReceivedSpans'));
    assert.ok(!commandsOf(actions).includes('traceLens.setCredentials'), 'the receiver takes no credentials');
  });

  it('with spans held: search and clear them', () => {
    const cmds = commandsOf(statusActions({ backend: 'local', listeningPort: 4318, spansHeld: 12 }));
    assert.ok(cmds.includes('traceLens.searchTraces') && cmds.includes('traceLens.clearReceivedSpans'));
  });

  it('a receiver that is not listening offers no exporter settings that would point at nothing', () => {
    assert.ok(!commandsOf(statusActions({ backend: 'local', spansHeld: 0 })).includes('traceLens.copyExporterEnvironment'));
  });

  it('a remote backend: search, credentials and the backend, nothing about the receiver', () => {
    const cmds = commandsOf(statusActions({ backend: 'tempo', spansHeld: 30 }));
    assert.equal(cmds[0], 'traceLens.searchTraces');
    assert.ok(cmds.includes('traceLens.setCredentials') && cmds.includes('traceLens.configureBackend'));
    assert.ok(!cmds.includes('traceLens.copyExporterEnvironment') && !cmds.includes('traceLens.clearReceivedSpans'));
  });

  it('always ends with the walkthrough and the log, and names only commands that exist', () => {
    for (const backend of ['local', 'tempo', 'jaeger', 'zipkin'] as const) {
      const actions = statusActions({ backend, listeningPort: 4318, spansHeld: 1 });
      assert.deepEqual(actions.slice(-2).map((a) => a.command), [OPEN_WALKTHROUGH_COMMAND, 'traceLens.showLog']);
      assert.deepEqual(actions.at(-2)?.args, [WALKTHROUGH_ID, false]);
      for (const a of actions) assert.ok(a.command === OPEN_WALKTHROUGH_COMMAND || a.command in COMMAND_ARGUMENTS, a.command);
    }
  });

  it('the exporter settings point OTLP/HTTP at the port given', () => {
    assert.equal(exporterEnvironment(43180), 'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:43180 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf');
  });
});
