import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { OtlpHttpReceiver } from '../core/receiver/otlpHttpReceiver';
import { PortInUseError } from '../core/receiver/receiverErrors';
import { SpanStore } from '../core/receiver/spanStore';
import { readLocalReceiverSettings } from '../config/settings';
import { describeError } from '../errors/errorPresenter';

export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  | { kind: 'listening'; port: number; endpoint: string }
  | { kind: 'failed'; port: number; message: string; portInUse: boolean };

const SNAPSHOT_FILE = 'local-spans.json';
const SNAPSHOT_MAX_BYTES = 16 * 1024 * 1024;
// Saved a second after spans stop arriving (and on deactivate, which a window reload may cut short).
const PERSIST_DELAY_MS = 1_000;

/**
 * Owns the built-in OTLP receiver and its span store while the backend type is `local`.
 * The store outlives restarts of the receiver (port changes) and is saved to the workspace
 * storage so spans survive a window reload.
 */
export class ReceiverController implements vscode.Disposable {
  private readonly store: SpanStore;
  private receiver: OtlpHttpReceiver | undefined;
  private stateValue: ReceiverState = { kind: 'stopped' };
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private restored = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ReceiverState>();
  private readonly spansChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateChanged.event;
  /** Fires (debounced by the store) when spans arrive or are evicted. */
  readonly onDidChangeSpans = this.spansChanged.event;

  constructor(
    private readonly storageUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new SpanStore({ maxSpans: readLocalReceiverSettings().maxSpans });
    this.disposables.push(
      this.store.onDidChange(() => {
        this.schedulePersist();
        this.spansChanged.fire();
      }),
    );
  }

  get state(): ReceiverState {
    return this.stateValue;
  }

  get spanStore(): SpanStore {
    return this.store;
  }

  /** Starts (or restarts, when the port changed) the receiver with the current settings. */
  async start(): Promise<ReceiverState> {
    const settings = readLocalReceiverSettings();
    // Trims the oldest traces in place when the bound shrinks; the receiver keeps writing into the same store.
    if (settings.maxSpans !== this.store.maxSpans) this.store.setMaxSpans(settings.maxSpans);
    if (!this.restored) {
      this.restored = true;
      await this.restoreSnapshot();
    }
    if (this.receiver && this.stateValue.kind === 'listening' && this.stateValue.port === settings.port) return this.stateValue;
    await this.stopReceiver();
    this.setState({ kind: 'starting', port: settings.port });
    const receiver = new OtlpHttpReceiver(this.store, { port: settings.port });
    this.receiver = receiver;
    receiver.onRequestError((e) => this.log.warn(`OTLP receiver refused a request: HTTP ${e.status} ${e.message}`));
    try {
      const { port } = await receiver.start();
      if (this.receiver !== receiver) return this.stateValue; // superseded while starting
      const endpoint = receiver.endpoint ?? `http://localhost:${port}`;
      this.log.info(`OTLP receiver listening on http://127.0.0.1:${port}/v1/traces (set OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint})`);
      this.setState({ kind: 'listening', port, endpoint });
    } catch (err) {
      this.receiver = undefined;
      receiver.dispose();
      const portInUse = err instanceof PortInUseError;
      const message = describeError(err);
      this.log.error(err instanceof Error ? err.message : message);
      this.setState({ kind: 'failed', port: settings.port, message, portInUse });
    }
    return this.stateValue;
  }

  async stop(): Promise<void> {
    await this.stopReceiver();
    this.setState({ kind: 'stopped' });
  }

  /** Writes the snapshot now (used on deactivate). */
  async persist(): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    try {
      // Node's fs, not workspace.fs: it needs no round trip to the window, which may be closing.
      await mkdir(this.storageUri.fsPath, { recursive: true });
      const file = path.join(this.storageUri.fsPath, SNAPSHOT_FILE);
      // Written aside and renamed, so a reload in the middle never leaves half a snapshot.
      await writeFile(`${file}.tmp`, this.store.serialize(SNAPSHOT_MAX_BYTES), 'utf8');
      await rename(`${file}.tmp`, file);
    } catch (err) {
      this.log.warn(`Could not save received spans: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  clearSpans(): void {
    this.store.clear();
    this.schedulePersist();
    this.spansChanged.fire();
  }

  dispose(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    void this.stopReceiver();
    this.store.dispose();
    for (const d of this.disposables) d.dispose();
    this.stateChanged.dispose();
    this.spansChanged.dispose();
  }

  private async restoreSnapshot(): Promise<void> {
    let text: string;
    try {
      text = await readFile(path.join(this.storageUri.fsPath, SNAPSHOT_FILE), 'utf8');
    } catch {
      return; // nothing saved yet
    }
    try {
      const { spans, traces } = this.store.restore(text);
      this.log.info(`Restored ${spans} spans in ${traces} traces received earlier`);
    } catch (err) {
      this.log.warn(`Ignoring the saved spans, which could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private schedulePersist(): void {
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.persist();
    }, PERSIST_DELAY_MS);
  }

  private async stopReceiver(): Promise<void> {
    const receiver = this.receiver;
    this.receiver = undefined;
    if (!receiver) return;
    await receiver.stop();
    receiver.dispose();
  }

  private setState(state: ReceiverState): void {
    this.stateValue = state;
    this.stateChanged.fire(state);
  }
}
