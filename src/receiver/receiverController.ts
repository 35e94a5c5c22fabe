import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { OtlpGrpcReceiver } from '../core/receiver/otlpGrpcReceiver';
import { OtlpHttpReceiver } from '../core/receiver/otlpHttpReceiver';
import { PortInUseError } from '../core/receiver/receiverErrors';
import { SnapshotRedactor } from '../core/receiver/snapshotRedaction';
import { SpanStore } from '../core/receiver/spanStore';
import { readLocalReceiverSettings, SECTION } from '../config/settings';
import { readLintSettings } from '../diagnostics/lintSettings';
import { describeError } from '../errors/errorPresenter';

export type ReceiverState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  | { kind: 'listening'; port: number; endpoint: string }
  | { kind: 'failed'; port: number; message: string; portInUse: boolean };

/** The OTLP/gRPC receiver beside the HTTP one; `off` when `traceLens.local.grpcPort` is 0 or the receiver is stopped. */
export type GrpcReceiverState =
  | { kind: 'off' }
  | { kind: 'starting'; port: number }
  | { kind: 'listening'; port: number; endpoint: string }
  | { kind: 'failed'; port: number; message: string; portInUse: boolean };

const SNAPSHOT_FILE = 'local-spans.json';
const SNAPSHOT_MAX_BYTES = 16 * 1024 * 1024;
// Saved a second after spans stop arriving (and on deactivate, which a window reload may cut short).
const PERSIST_DELAY_MS = 1_000;

/**
 * Owns the built-in OTLP receiver and its span store while the backend type is `local`.
 * The store outlives restarts of the receiver (port changes) and, unless `traceLens.local.persist`
 * is false, is saved to the workspace storage so spans survive a window reload. Values the
 * sensitive-data lint rules flag are redacted in the saved file, never in memory.
 */
export class ReceiverController implements vscode.Disposable {
  private readonly store: SpanStore;
  private receiver: OtlpHttpReceiver | undefined;
  private stateValue: ReceiverState = { kind: 'stopped' };
  private grpcReceiver: OtlpGrpcReceiver | undefined;
  private grpcStateValue: GrpcReceiverState = { kind: 'off' };
  private readonly grpcStateChanged = new vscode.EventEmitter<GrpcReceiverState>();
  readonly onDidChangeGrpcState = this.grpcStateChanged.event;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private restored = false;
  /** Writes and deletions of the saved file, one after another, so a late write never resurrects cleared spans. */
  private disk: Promise<void> = Promise.resolve();
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
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`${SECTION}.local.persist`)) return;
        if (readLocalReceiverSettings().persist) this.schedulePersist();
        else void this.deleteSnapshot('traceLens.local.persist is off');
      }),
    );
  }

  /** Where received spans are saved (when `traceLens.local.persist` is on). */
  get snapshotFile(): string {
    return path.join(this.storageUri.fsPath, SNAPSHOT_FILE);
  }

  get state(): ReceiverState {
    return this.stateValue;
  }

  get grpcState(): GrpcReceiverState {
    return this.grpcStateValue;
  }

  get spanStore(): SpanStore {
    return this.store;
  }

  /** Starts (or restarts, when a port changed) the OTLP/HTTP and OTLP/gRPC receivers with the current settings. */
  async start(): Promise<ReceiverState> {
    const settings = readLocalReceiverSettings();
    // Trims the oldest traces in place when the bound shrinks; the receiver keeps writing into the same store.
    if (settings.maxSpans !== this.store.maxSpans) this.store.setMaxSpans(settings.maxSpans);
    if (!this.restored) {
      this.restored = true;
      if (settings.persist) await this.restoreSnapshot();
      else await this.deleteSnapshot('traceLens.local.persist is off');
    }
    await this.startGrpc(settings.grpcPort);
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
    await this.stopGrpc();
    this.setState({ kind: 'stopped' });
  }

  /**
   * Writes the snapshot now (used on deactivate), redacted; writes nothing when
   * `traceLens.local.persist` is off.
   */
  persist(): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    return this.onDisk(async () => {
      if (!readLocalReceiverSettings().persist) return;
      const lint = readLintSettings();
      const redactor = new SnapshotRedactor({ sensitiveKeys: lint.sensitiveKeys, allowedKeys: lint.allowedKeys });
      const text = this.store.serialize(SNAPSHOT_MAX_BYTES, (span) => redactor.redactSpan(span));
      // Node's fs, not workspace.fs: it needs no round trip to the window, which may be closing.
      await mkdir(this.storageUri.fsPath, { recursive: true });
      const file = this.snapshotFile;
      // Written aside and renamed, so a reload in the middle never leaves half a snapshot.
      await writeFile(`${file}.tmp`, text, 'utf8');
      await rename(`${file}.tmp`, file);
      if (redactor.redacted > 0) this.log.debug(`Saved received spans with ${redactor.redacted} sensitive value(s) redacted`);
    }, 'save received spans');
  }

  /** Empties the store in memory and deletes the saved file; resolves when the file is gone. */
  async clearSpans(): Promise<void> {
    const held = this.store.counts.spansHeld;
    this.store.clear();
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    this.spansChanged.fire();
    await this.deleteSnapshot(`cleared ${held} received span(s)`);
  }

  dispose(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    void this.stopReceiver();
    void this.stopGrpc();
    this.store.dispose();
    for (const d of this.disposables) d.dispose();
    this.stateChanged.dispose();
    this.grpcStateChanged.dispose();
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

  private deleteSnapshot(reason: string): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    return this.onDisk(async () => {
      const file = this.snapshotFile;
      await rm(`${file}.tmp`, { force: true });
      const existed = await rm(file).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      if (existed) this.log.info(`Deleted the saved received spans (${reason})`);
    }, 'delete the saved received spans');
  }

  /** Runs a disk operation after the ones before it; failures are logged, never thrown. */
  private onDisk(operation: () => Promise<void>, what: string): Promise<void> {
    const next = this.disk.then(operation).catch((err: unknown) => {
      this.log.warn(`Could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
    });
    this.disk = next;
    return next;
  }

  private schedulePersist(): void {
    if (this.persistTimer || !readLocalReceiverSettings().persist) return;
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

  /** Same store and limits as OTLP/HTTP; a failure here (port taken) leaves the HTTP receiver running. */
  private async startGrpc(port: number): Promise<void> {
    const current = this.grpcStateValue;
    if (port === 0) {
      if (current.kind !== 'off') await this.stopGrpc();
      return;
    }
    if (this.grpcReceiver && current.kind === 'listening' && current.port === port) return;
    // Retried on every settings change, but a port still taken is said (and prompted about) once.
    const failedHereBefore = current.kind === 'failed' && current.port === port;
    if (!failedHereBefore) {
      await this.stopGrpc();
      this.setGrpcState({ kind: 'starting', port });
    }
    const receiver = new OtlpGrpcReceiver(this.store, { port });
    this.grpcReceiver = receiver;
    receiver.onRequestError((e) => this.log.warn(`OTLP/gRPC receiver refused an export: status ${e.status} ${e.message}`));
    try {
      const bound = await receiver.start();
      if (this.grpcReceiver !== receiver) return; // superseded while starting
      const endpoint = receiver.endpoint ?? `http://localhost:${bound.port}`;
      this.log.info(`OTLP/gRPC receiver listening on 127.0.0.1:${bound.port} (set OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint})`);
      this.setGrpcState({ kind: 'listening', port: bound.port, endpoint });
    } catch (err) {
      if (this.grpcReceiver === receiver) this.grpcReceiver = undefined;
      receiver.dispose();
      const message = describeError(err);
      const failed: GrpcReceiverState = { kind: 'failed', port, message, portInUse: err instanceof PortInUseError };
      if (failedHereBefore) {
        this.grpcStateValue = failed;
        this.log.debug(`OTLP/gRPC receiver: port ${port} is still unavailable`);
        return;
      }
      this.log.error(err instanceof Error ? err.message : message);
      this.setGrpcState(failed);
    }
  }

  private async stopGrpc(): Promise<void> {
    const receiver = this.grpcReceiver;
    this.grpcReceiver = undefined;
    if (receiver) {
      await receiver.stop();
      receiver.dispose();
    }
    if (this.grpcStateValue.kind !== 'off') this.setGrpcState({ kind: 'off' });
  }

  private setGrpcState(state: GrpcReceiverState): void {
    this.grpcStateValue = state;
    this.grpcStateChanged.fire(state);
  }

  private setState(state: ReceiverState): void {
    this.stateValue = state;
    this.stateChanged.fire(state);
  }
}
