import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { SharedReceiver } from '../core/receiver/sharedReceiver';
import type { GrpcReceiverState, ReceiverState } from '../core/receiver/sharedReceiver';
import { EventLoopLagGate } from '../core/receiver/intakeGate';
import { DEFERRED_MESSAGE } from '../core/receiver/otlpReceiverBase';
import { SnapshotRedactor } from '../core/receiver/snapshotRedaction';
import { SpanStore } from '../core/receiver/spanStore';
import { SliceClock } from '../core/timeSlicing';
import { writeTextInChunks } from '../core/files/writeTextInChunks';
import { readLocalReceiverSettings, SECTION } from '../config/settings';
import { readLintSettings } from '../config/lintSettings';
import { describeError } from '../ui/errorPresenter';

export type { GrpcReceiverState, ReceiverState } from '../core/receiver/sharedReceiver';

const SNAPSHOT_FILE = 'local-spans.json';
const SNAPSHOT_MAX_BYTES = 16 * 1024 * 1024;
// Saved a second after spans stop arriving (and on deactivate, which a window reload may cut short).
const PERSIST_DELAY_MS = 1_000;
const DEFERRAL_LOG_INTERVAL_MS = 60_000;
/** While spans keep arriving, saving takes at most about a tenth of the host's time... */
const PERSIST_SPACING_FACTOR = 10;
/** ...and a save waits no longer than this after a change. */
const PERSIST_MAX_DELAY_MS = 30_000;

/**
 * Owns the built-in OTLP receiver and its span store while the backend type is `local`.
 * The receiver is shared by all the user's windows (SharedReceiver): this window either owns
 * the ports or holds a copy of the owner's spans. The store outlives restarts of the receiver
 * (port changes, takeovers) and, unless `traceLens.local.persist` is false, is saved to the
 * workspace storage so spans survive a window reload. Values the sensitive-data lint rules flag
 * are redacted in the saved file, never in memory.
 */
export class ReceiverController implements vscode.Disposable {
  private readonly store: SpanStore;
  private readonly shared: SharedReceiver;
  private readonly grpcStateChanged = new vscode.EventEmitter<GrpcReceiverState>();
  readonly onDidChangeGrpcState = this.grpcStateChanged.event;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  /** Defers new exports while the host's event loop runs late, so a burst of spans never takes the editor away. */
  private readonly gate = new EventLoopLagGate();
  /** When the log last said that exports were deferred (it says so at most once a minute). */
  private deferralLoggedAt = Number.NEGATIVE_INFINITY;
  /** Kept across saves (it remembers each span it checked) until the lint settings it was made from change. */
  private redactor: { settings: string; redactor: SnapshotRedactor } | undefined;
  /** How long the last save's slices held the host, in ms: the next one waits PERSIST_SPACING_FACTOR times that. */
  private lastSaveMs = 0;
  private restored = false;
  /** Writes and deletions of the saved file, one after another, so a late write never resurrects cleared spans. */
  private disk: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ReceiverState>();
  private readonly spansChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateChanged.event;
  /** Fires (debounced by the store) when spans arrive or are evicted. */
  readonly onDidChangeSpans = this.spansChanged.event;

  /** `sharedDir`: where the per-user token that guards the shared receiver lives (userTokenDir()). */
  constructor(
    private readonly storageUri: vscode.Uri,
    sharedDir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.store = new SpanStore({ maxSpans: readLocalReceiverSettings().maxSpans });
    this.shared = new SharedReceiver({ store: this.store, tokenDir: sharedDir, log, describeError, gate: this.gate });
    this.disposables.push(
      this.shared.onDidChangeState((state) => this.stateChanged.fire(state)),
      this.shared.onDidChangeGrpcState((state) => this.grpcStateChanged.fire(state)),
      this.shared.onRequestError((e) => {
        if (e.deferred) this.noteDeferral();
        else this.log.warn(e.protocol === 'grpc' ? `OTLP/gRPC receiver refused an export: status ${e.status} ${e.message}` : `OTLP receiver refused a request: HTTP ${e.status} ${e.message}`);
      }),
      // Cleared here or in another window: this window's saved copy goes too.
      this.shared.onDidClear(() => {
        this.spansChanged.fire();
        void this.deleteSnapshot('the received spans were cleared');
      }),
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
    return this.shared.state;
  }

  get grpcState(): GrpcReceiverState {
    return this.shared.grpcState;
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
    return this.shared.start({ port: settings.port, grpcPort: settings.grpcPort });
  }

  stop(): Promise<void> {
    return this.shared.stop();
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
      // Nothing held (cleared, or all evicted): no file, rather than an empty one reappearing after a clear.
      if (this.store.counts.spansHeld === 0) return this.removeSnapshotFile('no received spans are held');
      const redactor = this.currentRedactor();
      const redactedBefore = redactor.redacted;
      const clock = new SliceClock();
      const text = await this.store.serializeSliced(SNAPSHOT_MAX_BYTES, (span) => redactor.redactSpan(span), clock);
      this.lastSaveMs = clock.heldMs;
      // Node's fs, not workspace.fs: it needs no round trip to the window, which may be closing.
      await mkdir(this.storageUri.fsPath, { recursive: true });
      const file = this.snapshotFile;
      // Written aside and renamed, so a reload in the middle never leaves half a snapshot.
      await writeTextInChunks(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
      const redacted = redactor.redacted - redactedBefore;
      if (redacted > 0) this.log.debug(`Saved received spans with ${redacted} more sensitive value(s) redacted`);
    }, 'save received spans');
  }

  /** Empties the store of every window sharing the receiver and deletes this window's saved file; resolves when it is gone. */
  async clearSpans(): Promise<void> {
    const held = this.store.counts.spansHeld;
    await this.shared.clear();
    await this.deleteSnapshot(`cleared ${held} received span(s)`);
  }

  dispose(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.gate.dispose();
    this.shared.dispose();
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
    return this.onDisk(() => this.removeSnapshotFile(reason), 'delete the saved received spans');
  }

  private async removeSnapshotFile(reason: string): Promise<void> {
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
    }, Math.min(PERSIST_MAX_DELAY_MS, Math.max(PERSIST_DELAY_MS, PERSIST_SPACING_FACTOR * this.lastSaveMs)));
  }

  private noteDeferral(): void {
    const now = Date.now();
    if (now - this.deferralLoggedAt < DEFERRAL_LOG_INTERVAL_MS) return;
    this.deferralLoggedAt = now;
    this.log.info(`${DEFERRED_MESSAGE} (503 Retry-After / UNAVAILABLE; said at most once a minute).`);
  }

  /** The redactor of the current lint settings (traceLens.lint.sensitiveKeys / allowedKeys). */
  private currentRedactor(): SnapshotRedactor {
    const lint = readLintSettings();
    const options = { sensitiveKeys: lint.sensitiveKeys, allowedKeys: lint.allowedKeys };
    const settings = JSON.stringify(options);
    if (this.redactor?.settings !== settings) this.redactor = { settings, redactor: new SnapshotRedactor(options) };
    return this.redactor.redactor;
  }
}
