/**
 * What the MCP server reads, in its own process, without VS Code: the spans a Trace Lens window
 * receives (subscribed over the shared receiver's channel on loopback, proven by the user-only token
 * file, as a second window would), or a remote backend built from the command line's settings with
 * credentials sent only to its origin; the workspace's files for the lenses and the lint.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { collectSourceFiles } from '../cli/fileWalker';
import type { LintFindingRef } from '../core/assistant/assistantAnswers';
import { recentTraces, resolveWorkspaceFile, type AssistantSources, type FunctionLensInputs, type WorkspaceFile } from '../core/assistant/assistantRuntime';
import { createBackend, type BackendSettings, type CreatedBackend } from '../core/backends/createBackend';
import type { TraceBackend } from '../core/backends/traceBackend';
import { ConfigurationError } from '../core/errors';
import type { StoredCredentials } from '../core/http/credentials';
import { GrammarLoader } from '../core/lint/grammarLoader';
import { languageForPath } from '../core/lint/languages';
import { SourceLinter } from '../core/lint/sourceLinter';
import { TreeCache } from '../core/lint/treeCache';
import type { Span } from '../core/model/trace';
import { redactUrl } from '../core/receiver/snapshotRedaction';
import { probeReceiver, ReceiverSubscription } from '../core/receiver/sharedReceiverClient';
import { loadOrCreateToken } from '../core/receiver/sharedReceiverToken';
import { SpanStore } from '../core/receiver/spanStore';
import { outlineSource } from '../core/source/functionDeclarations';
import { SourcePathResolver } from '../core/source/pathMapping';
import { normalizeSourcePath, pathIdentity } from '../core/source/sourcePath';
import { scanSpanNameCalls } from '../core/source/spanNameScanner';
import { containingFolder, WorkspaceContainment } from '../core/source/workspaceContainment';
import { WorkspaceFileIndex } from '../core/source/workspaceFileIndex';
import { FunctionLensIndex } from '../core/stats/functionLensIndex';
import { aggregateSpans } from '../core/stats/spanAggregator';
import { sampleBasis } from '../core/stats/statsBasis';

export interface McpServerOptions {
  /** Workspace folders (absolute): the files the tools may read. */
  folders: string[];
  /** `local` reads the spans of the Trace Lens window that owns the receiver's port. */
  backend: BackendSettings;
  credentials?: StoredCredentials;
  /** The shared receiver's HTTP port (traceLens.local.port). */
  receiverPort: number;
  /** Folder of the shared receiver's token file (~/.trace-lens). */
  tokenDir: string;
  lookbackMs: number;
  /** Folder with the tree-sitter wasm files; found beside the bundle when absent. */
  wasmDir?: string;
}

/** Workspace files linted at most for a workspace-wide answer. */
const MAX_LINT_FILES = 2_000;

export class McpAssistantSources implements AssistantSources {
  private readonly store = new SpanStore();
  private subscription: ReceiverSubscription | undefined;
  private remote: CreatedBackend | undefined;
  private readonly containment: WorkspaceContainment;
  private readonly trees: TreeCache;
  private readonly linter: SourceLinter;
  private resolverValue: SourcePathResolver | undefined;

  constructor(private readonly options: McpServerOptions) {
    this.containment = new WorkspaceContainment(options.folders);
    this.trees = new TreeCache(new GrammarLoader(options.wasmDir));
    this.linter = new SourceLinter({ trees: this.trees });
    if (options.backend.type !== 'local') this.remote = createBackend({ ...options.backend, userAgent: 'trace-lens-mcp' }, options.credentials);
  }

  /**
   * Local: subscribes to the window that owns the receiver's port, unless already subscribed; the
   * snapshot and every later export land in this process's store. Resolves once the snapshot is in.
   */
  async connect(): Promise<void> {
    if (this.remote || this.subscription) return;
    const port = this.options.receiverPort;
    const token = await loadOrCreateToken(this.options.tokenDir);
    const owner = await probeReceiver(port, token);
    if (owner.kind !== 'ours') {
      throw new ConfigurationError(
        owner.kind === 'foreign'
          ? `No Trace Lens window receives spans on port ${port}: open the workspace in VS Code with Trace Lens (backend "local"), or pass --backend and --url for a remote backend.`
          : `The Trace Lens on port ${port} belongs to another user or version; this server cannot read it.`,
      );
    }
    // After an owner went away the next one streams its whole snapshot: start from an empty store.
    this.store.clear();
    const subscription = await ReceiverSubscription.open(port, token, owner.challenge, this.store);
    const snapshot = new Promise<void>((resolve) => {
      const done = subscription.onDidApply(() => { done.dispose(); resolve(); });
      subscription.onDidEnd(() => resolve());
    });
    subscription.onDidEnd(() => {
      if (this.subscription === subscription) this.subscription = undefined;
    });
    this.subscription = subscription;
    await snapshot;
  }

  describeBackend(): string {
    return this.remote ? `${this.options.backend.type} at ${redactUrl(this.options.backend.url)}` : `the built-in OTLP receiver of the Trace Lens window on port ${this.options.receiverPort}`;
  }

  backend(): TraceBackend {
    if (this.remote) return this.remote.backend;
    if (!this.subscription) throw new ConfigurationError(`Not connected to a Trace Lens window on port ${this.options.receiverPort}.`);
    return this.store;
  }

  workspaceFile(file: string): Promise<WorkspaceFile> {
    return resolveWorkspaceFile(file, this.containment);
  }

  async lensInputs(file: WorkspaceFile, signal: AbortSignal): Promise<FunctionLensInputs | string> {
    const { spans, traces } = await this.spans(signal);
    const now = Date.now();
    let locations = aggregateSpans(spans, { nowMs: now, lookbackMs: this.options.lookbackMs }).locations;
    // Figures from a remote backend's recent traces describe that sample: labelled so, as the lens labels them.
    if (traces !== undefined) locations = locations.map((l) => ({ ...l, basis: sampleBasis(traces) }));
    if (locations.length === 0) return `no spans in the last window from ${this.describeBackend()}.`;
    const index = new FunctionLensIndex(this.resolver(), { lookbackMs: this.options.lookbackMs });
    index.setStats(locations, this.options.lookbackMs);
    const language = languageForPath(file.path);
    const text = await readFile(file.path, 'utf8');
    const symbols = language ? (await outlineSource(this.trees, text, language)).symbols : [];
    return { index, symbols, sites: scanSpanNameCalls(text), lookbackMs: this.options.lookbackMs };
  }

  recentTraces(signal: AbortSignal) {
    return recentTraces(this.backend(), this.options.lookbackMs, signal);
  }

  isFile(spanPath: string, file: WorkspaceFile): boolean {
    const resolved = this.resolver().resolve(spanPath).resolved;
    return resolved !== undefined && pathIdentity(normalizeSourcePath(resolved)) === pathIdentity(normalizeSourcePath(file.path));
  }

  /** The source lint of the file, or of the workspace's files (as `trace-lens lint` walks them). */
  async lintFindings(file: WorkspaceFile | undefined, signal: AbortSignal): Promise<LintFindingRef[]> {
    const files = file ? [file] : this.workspaceFiles().slice(0, MAX_LINT_FILES).map((p) => ({ path: p, label: this.label(p) }));
    const out: LintFindingRef[] = [];
    for (const f of files) {
      if (signal.aborted) break;
      const language = languageForPath(f.path);
      if (!language) continue;
      for (const finding of await this.linter.lint(await readFile(f.path, 'utf8'), language)) {
        out.push({ file: f.label, line: finding.range.startLine + 1, ruleId: finding.ruleId, severity: finding.severity, message: finding.message });
      }
    }
    return out;
  }

  dispose(): void {
    this.subscription?.close();
    void this.remote?.dispose();
    this.linter.dispose();
  }

  private async spans(signal: AbortSignal): Promise<{ spans: Iterable<Span>; traces?: number }> {
    if (!this.remote) {
      this.backend(); // throws when no window is subscribed to
      return { spans: this.store.allSpans() };
    }
    const traces = await recentTraces(this.remote.backend, this.options.lookbackMs, signal);
    return { spans: traces.flatMap((t) => t.spans), traces: traces.length };
  }

  private workspaceFiles(): string[] {
    return collectSourceFiles(this.options.folders, this.options.folders[0] ?? process.cwd()).files;
  }

  private resolver(): SourcePathResolver {
    this.resolverValue ??= new SourcePathResolver(new WorkspaceFileIndex(this.options.folders, this.workspaceFiles()));
    return this.resolverValue;
  }

  private label(p: string): string {
    const folder = containingFolder(p, this.options.folders);
    return folder !== undefined ? path.relative(folder, p).split(path.sep).join('/') : p;
  }
}
