/**
 * What clicking the Trace Lens status bar item offers: the next useful steps for the backend in use,
 * not only the log. Plain data, so what is offered when is tested without an editor.
 */
import type { BackendType } from '../backends/traceBackend';
import { COMMANDS, type CommandId } from './commandIds';

/** VS Code's command that opens an extension's walkthrough; its argument is `publisher.name#walkthroughId`. */
export const OPEN_WALKTHROUGH_COMMAND = 'workbench.action.openWalkthrough';
export const WALKTHROUGH_ID = 'trace-lens.trace-lens#firstHour';

export interface StatusAction {
  /** Shown in the quick pick; `$(icon)` syntax allowed. */
  label: string;
  description?: string;
  command: CommandId | typeof OPEN_WALKTHROUGH_COMMAND;
  args?: readonly unknown[];
}

export interface StatusMenuState {
  backend: BackendType;
  /** The built-in receiver's HTTP port while it listens. */
  listeningPort?: number;
  /** Spans the built-in receiver holds. */
  spansHeld: number;
}

export function statusActions(state: StatusMenuState): StatusAction[] {
  const actions: StatusAction[] = [];
  if (state.backend === 'local') {
    if (state.listeningPort !== undefined) {
      actions.push({ label: '$(copy) Copy Exporter Settings', description: `send spans to 127.0.0.1:${state.listeningPort}`, command: COMMANDS.copyExporterEnvironment });
    }
    if (state.spansHeld > 0) actions.push({ label: '$(search) Search Traces', description: 'in the received spans', command: COMMANDS.searchTraces });
  } else {
    actions.push({ label: '$(search) Search Traces', command: COMMANDS.searchTraces });
  }
  actions.push(
    { label: '$(go-to-file) Open Trace by ID', command: COMMANDS.openTraceById },
    { label: '$(file) Open Trace File…', command: COMMANDS.openTraceFile },
  );
  if (state.backend === 'local' && state.spansHeld > 0) actions.push({ label: '$(trash) Clear Received Spans and Recent Traces', command: COMMANDS.clearReceivedSpans });
  actions.push({
    label: '$(plug) Configure Backend',
    description: state.backend === 'local' ? 'read from Tempo, Jaeger or Zipkin' : 'change the backend or its URL',
    command: COMMANDS.configureBackend,
  });
  if (state.backend !== 'local') actions.push({ label: '$(key) Set Credentials', command: COMMANDS.setCredentials });
  actions.push(
    { label: '$(book) Get Started with Trace Lens', command: OPEN_WALKTHROUGH_COMMAND, args: [WALKTHROUGH_ID, false] },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
  );
  return actions;
}
