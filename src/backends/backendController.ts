import * as vscode from 'vscode';
import { createBackend, type CreatedBackend } from '../core/backends/createBackend';
import type { BackendType, ConnectionInfo, TraceBackend } from '../core/backends/traceBackend';
import { ConfigurationError, isCancellation } from '../core/errors';
import { CleartextCredentialWarnings } from '../core/http/credentials';
import { BACKEND_LABELS, affectsBackend, affectsLocalReceiver, readBackendSettings, readNetworkSettings, type BackendSettingsView } from '../config/settings';
import { ReceiverController, type GrpcReceiverState, type ReceiverState } from '../receiver/receiverController';
import { BackendStatusBar } from './backendStatusBar';
import { CredentialStore } from './credentialStore';
import { describeError } from '../ui/errorPresenter';
import { formatCount } from '../core/stats/statsFormat';
import { redactUrl } from '../core/receiver/snapshotRedaction';
import { COMMANDS } from '../core/commands/commandIds';
import { countOf, noun } from '../core/text/plural';

/**
 * Owns the backend the features read from: the built-in receiver's store for `local`, or a remote
 * client built from the settings and the secret stored for the backend's origin. Rebuilds when either
 * changes and keeps the status bar honest about the connection.
 */
export class BackendController implements vscode.Disposable {
  private remote: CreatedBackend | undefined;
  private remoteError: Error | undefined;
  private settings: BackendSettingsView = readBackendSettings();
  private connection: ConnectionInfo | undefined;
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the backend the features should use changed (type, URL, credentials). */
  readonly onDidChangeBackend = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly cleartextWarnings = new CleartextCredentialWarnings();
  private markReady!: () => void;
  /** Settles when the first reload (from activate) is done: the receiver listens and its saved spans are back. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    readonly receiver: ReceiverController,
    readonly credentials: CredentialStore,
    private readonly statusBar: BackendStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsBackend(e) || affectsLocalReceiver(e)) void this.reload();
      }),
      credentials.onDidChange((origin) => {
        if (CredentialStore.originOf(this.settings.url) === origin) void this.reload();
      }),
      receiver.onDidChangeState(() => this.render()),
      receiver.onDidChangeGrpcState(() => this.render()),
      receiver.onDidChangeSpans(() => {
        if (this.settings.type === 'local') this.render();
      }),
    );
  }

  get type(): BackendType {
    return this.settings.type;
  }

  /** e.g. "Tempo at https://tempo.example:3200" or "the built-in OTLP receiver". */
  describe(): string {
    return this.settings.type === 'local' ? 'the built-in OTLP receiver' : `${BACKEND_LABELS[this.settings.type]} at ${this.settings.url ? redactUrl(this.settings.url) : '(no URL set)'}`;
  }

  /** The backend to read from; throws a ConfigurationError with a user-facing message when there is none. */
  current(): TraceBackend {
    if (this.settings.type === 'local') return this.receiver.spanStore;
    if (this.remote) return this.remote.backend;
    throw this.remoteError ?? new ConfigurationError('The trace backend is not configured. Run "Trace Lens: Configure Backend".');
  }

  /** Applies the current settings: starts or stops the receiver, rebuilds the client, tests the connection. */
  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.settings = readBackendSettings();
    this.connection = undefined;
    this.remoteError = undefined;
    const previous = this.remote;
    this.remote = undefined;
    if (previous) void previous.dispose();

    if (this.settings.type === 'local') {
      this.render();
      await this.receiver.start();
      this.markReady();
      this.changed.fire();
      return;
    }
    await this.receiver.stop();
    try {
      const origin = CredentialStore.originOf(this.settings.url);
      const credentials = origin ? await this.credentials.get(origin) : undefined;
      if (generation !== this.generation) return;
      if (credentials && origin) this.warnOfCleartextCredentials(origin);
      this.remote = createBackend(
        {
          type: this.settings.type,
          url: this.settings.url,
          tenant: this.settings.tenant || undefined,
          headers: this.settings.headers,
          timeoutMs: this.settings.timeoutMs,
          caCertificate: this.settings.caCertificate || undefined,
          maxResponseBytes: this.settings.maxResponseBytes,
          jaegerGrpcUrl: this.settings.jaegerGrpcUrl || undefined,
          ...readNetworkSettings(),
          userAgent: 'trace-lens-vscode',
        },
        credentials,
        (message) => this.log.warn(message),
      );
    } catch (err) {
      this.remoteError = err instanceof Error ? err : new Error(String(err));
      this.log.warn(`Backend not usable: ${describeError(err)}`);
    }
    this.render();
    this.markReady();
    this.changed.fire();
    if (this.remote) void this.testConnection(generation);
  }

  /** Tests the current remote backend; updates the status bar; returns what the server said. */
  async testConnection(generation = this.generation, signal?: AbortSignal): Promise<ConnectionInfo | undefined> {
    const remote = this.remote;
    if (!remote) return undefined;
    this.render('connecting');
    try {
      const info = await remote.backend.testConnection(signal);
      if (generation !== this.generation) return info;
      this.connection = info;
      this.remoteError = undefined;
      this.log.info(`Connected to ${info.serverDescription} at ${this.settings.url}`);
      this.render();
      return info;
    } catch (err) {
      if (generation !== this.generation || isCancellation(err)) return undefined;
      this.connection = undefined;
      this.log.warn(`Connection test failed: ${describeError(err)}`);
      this.render('error', describeError(err));
      throw err;
    }
  }

  /**
   * Once per origin and session: the credentials will cross the network unencrypted. Not refused, since
   * a lab backend may have no TLS, but the user should choose that knowingly.
   */
  private warnOfCleartextCredentials(origin: string): void {
    if (!this.cleartextWarnings.shouldWarn(origin)) return;
    const message = `Trace Lens sends the credentials stored for ${origin} over plain HTTP, unencrypted: anyone on the network path can read them. Use an https:// URL if the backend offers one.`;
    this.log.warn(message);
    void vscode.window.showWarningMessage(message, 'Configure Backend').then((choice) => {
      if (choice) void vscode.commands.executeCommand(COMMANDS.configureBackend);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.remote?.dispose();
    this.changed.dispose();
  }

  private render(forced?: 'connecting' | 'error', detail?: string): void {
    if (this.settings.type === 'local') {
      this.renderLocal(this.receiver.state);
      return;
    }
    const label = BACKEND_LABELS[this.settings.type];
    if (forced) {
      this.statusBar.show(label, forced, forced === 'error' ? detail : `Connecting to ${this.settings.url}…`);
    } else if (this.remoteError) {
      this.statusBar.show(label, 'error', describeError(this.remoteError));
    } else {
      const server = this.connection?.serverDescription ?? label;
      this.statusBar.show(label, 'ok', `${server} at ${this.settings.url}${this.settings.tenant ? ` (tenant ${this.settings.tenant})` : ''}`);
    }
  }

  private renderLocal(state: ReceiverState): void {
    const counts = this.receiver.spanStore.counts;
    switch (state.kind) {
      case 'listening':
      case 'attached': {
        // "0 spans" read like a fault while a service's exporter had simply not flushed its first batch yet.
        const where = state.kind === 'listening'
          ? `The built-in OTLP receiver listens on http://127.0.0.1:${state.port}/v1/traces. `
          : `The built-in OTLP receiver on http://127.0.0.1:${state.port}/v1/traces is shared with another VS Code window, which receives; its spans are copied here. `;
        this.statusBar.show(counts.spansHeld > 0 ? `local · ${formatCount(counts.spansHeld)} ${noun(counts.spansHeld, 'span')}` : 'local · waiting for spans', 'ok',
          where +
          `Run your service with OTEL_EXPORTER_OTLP_ENDPOINT=${state.endpoint}. ` +
          `${grpcLine(this.receiver.grpcState)}` +
          `${countOf(counts.spansHeld, 'span')} in ${countOf(counts.tracesHeld, 'trace')} held (${counts.spansReceived.toLocaleString('en-US')} received this session).`);
        break;
      }
      case 'failed':
        this.statusBar.show(state.portInUse ? `local · port ${state.port} in use` : 'local · not running', 'error', state.message);
        break;
      case 'starting':
        this.statusBar.show('local', 'connecting', `Starting the OTLP receiver on port ${state.port}…`);
        break;
      case 'stopped':
        this.statusBar.show('local', 'connecting', 'The OTLP receiver is stopped.');
        break;
    }
  }
}

/** The OTLP/gRPC receiver's line of the status bar tooltip. */
function grpcLine(state: GrpcReceiverState): string {
  switch (state.kind) {
    case 'listening':
      return `OTLP/gRPC on 127.0.0.1:${state.port} (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, OTEL_EXPORTER_OTLP_ENDPOINT=${state.endpoint}). `;
    case 'failed':
      return `OTLP/gRPC is not running: ${state.message} `;
    case 'starting':
      return `OTLP/gRPC is starting on port ${state.port}. `;
    case 'off':
      return '';
  }
}
