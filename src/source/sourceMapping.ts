import * as vscode from 'vscode';
import { SourcePathResolver, substituteWorkspaceFolders, type PathMapping, type PathResolution, type RefusedMapping } from '../core/source/pathMapping';
import { openSourceLocation, type SourceTarget } from '../core/source/openSourceLocation';
import type { OutsideWorkspaceError } from '../core/source/sourceErrors';
import { WorkspaceContainment, type ContainmentResult } from '../core/source/workspaceContainment';
import { WorkspaceFileIndex } from '../core/source/workspaceFileIndex';
import { RevisionLines } from './revisionLines';
import { COMMANDS } from '../core/commands/commandIds';

const INDEXED_EXTENSIONS = 'ts,mts,cts,tsx,js,mjs,cjs,jsx,py,go,java,cs,rb,rs,php,kt,scala,swift,c,cc,cpp,h,hpp';
const INDEX_GLOB = `**/*.{${INDEXED_EXTENSIONS}}`;
const INDEX_EXCLUDE = '{**/node_modules/**,**/.git/**}';
const MAX_INDEXED_FILES = 100_000;

/**
 * Whether a created path is worth a stat to see if it is a folder: a name without a dot (a build that
 * writes thousands of `.map` or `.png` files costs no stat each). Folders named like `github.com` are
 * missed here and indexed on the next reload.
 */
function mayBeFolder(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name !== '' && !name.includes('.');
}

/**
 * Maps file paths found in spans (`code.file.path`, stack frames; often container or CI paths) to
 * workspace files: `traceLens.pathMappings` first, then the longest path suffix shared with a
 * workspace file. One index for every feature (lenses, live lint, go to source), built on first use
 * and kept current as files are created, deleted and renamed.
 */
export class SourceMapping implements vscode.Disposable {
  private index: WorkspaceFileIndex | undefined;
  private building: Promise<WorkspaceFileIndex> | undefined;
  private resolverValue: SourcePathResolver | undefined;
  private mappingError: string | undefined;
  private containmentValue: WorkspaceContainment | undefined;
  /** Refused mappings already logged, so a setting is reported once, not on every resolution. */
  private loggedRefusals = '';
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a resolution may differ: files added or removed, mappings or folders changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Lines of a span's revision carried to the working tree through git. */
  readonly revisionLines: RevisionLines;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.revisionLines = new RevisionLines(log);
    const watcher = vscode.workspace.createFileSystemWatcher(INDEX_GLOB, false, true, false);
    const folders = vscode.workspace.createFileSystemWatcher('**/*', false, true, true);
    this.disposables.push(
      watcher,
      // A rename arrives as a delete and a create.
      watcher.onDidCreate((u) => this.update(() => this.index?.add(u.fsPath))),
      watcher.onDidDelete((u) => this.update(() => this.index?.remove(u.fsPath))),
      // A folder created with its files at once (a copy, a checkout, an unpacked archive) can be
      // reported as the folder alone: its source files are found by a search under it.
      folders,
      folders.onDidCreate((u) => {
        if (this.index && mayBeFolder(u.path)) void this.indexCreatedFolder(u);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('traceLens.pathMappings')) this.update(() => this.resolverValue?.setMappings(this.mappings()));
        if (e.affectsConfiguration('traceLens.pathMappings') && this.resolverValue) this.logRefusals(this.resolverValue);
      }),
      this.changed,
      this.revisionLines,
    );
  }

  /** The resolver over the current workspace index (built on first call). */
  async resolver(): Promise<SourcePathResolver> {
    const index = await this.workspaceIndex();
    if (!this.resolverValue || this.resolverValue.index !== index) {
      this.resolverValue = new SourcePathResolver(index, this.mappings());
      this.logRefusals(this.resolverValue);
    }
    return this.resolverValue;
  }

  /** The resolver if the index is already built: for the editor paths, which never wait. */
  resolverIfReady(): SourcePathResolver | undefined {
    return this.index && this.resolverValue?.index === this.index ? this.resolverValue : undefined;
  }

  async resolve(path: string): Promise<PathResolution> {
    return (await this.resolver()).resolve(path);
  }

  /** Why `traceLens.pathMappings` was ignored, if it was. */
  get pathMappingsProblem(): string | undefined {
    return this.mappingError;
  }

  /** `traceLens.pathMappings` entries refused because they lead outside the workspace. */
  async refusedMappings(): Promise<RefusedMapping[]> {
    return (await this.resolver()).refusedMappings();
  }

  /**
   * Whether a resolved path may be opened or read: under a workspace folder once symlinks are
   * resolved (a mapping is checked lexically when resolving; a symlink in the repository is caught here).
   */
  async checkContained(path: string): Promise<ContainmentResult> {
    this.containmentValue ??= new WorkspaceContainment((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath));
    return this.containmentValue.check(path);
  }

  get indexedFiles(): number {
    return this.index?.size ?? 0;
  }

  /**
   * Opens the workspace file a span or stack frame points at, at its line. Paths come from span data
   * and mappings from workspace settings (both untrusted): only a file under a workspace folder, after
   * symlinks are resolved, is opened; anything else is refused with a warning that says why. Whatever
   * fails, the user is told which path could not be opened (see openSourceLocation). A location
   * with the revision its spans were recorded at lands on the same code in the working tree.
   */
  async openLocation(location: SourceTarget): Promise<boolean> {
    const outcome = await openSourceLocation(location, {
      resolve: (path) => this.resolve(path),
      checkContained: (path) => this.checkContained(path),
      open: async (path, target) => {
        const line = target.line !== undefined ? (await this.revisionLines.place(path, target.line, target.revision)).line : 1;
        const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, (target.column ?? 1) - 1));
        await vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(position, position), preview: true });
      },
    });
    if (outcome.kind === 'opened') return true;
    if (outcome.kind === 'refused') {
      this.refuse(outcome.error);
      return false;
    }
    this.log.warn(outcome.message);
    // Not awaited: the click is handled; the notification stays until the user acts on it.
    void vscode.window.showWarningMessage(outcome.message, 'Open Settings', 'Explain Source Mapping').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'traceLens.pathMappings');
      if (choice === 'Explain Source Mapping') void vscode.commands.executeCommand(COMMANDS.explainSourceMapping);
    });
    return false;
  }

  private refuse(err: OutsideWorkspaceError): void {
    this.log.warn(err.userMessage);
    void vscode.window.showWarningMessage(err.userMessage, 'Explain Source Mapping').then((choice) => {
      if (choice) void vscode.commands.executeCommand(COMMANDS.explainSourceMapping);
    });
  }

  private logRefusals(resolver: SourcePathResolver): void {
    const refused = resolver.refusedMappings();
    const key = JSON.stringify(refused);
    if (key === this.loggedRefusals) return;
    this.loggedRefusals = key;
    for (const r of refused) this.log.warn(`Ignoring the "traceLens.pathMappings" entry "${r.mapping.from}" → "${r.mapping.to}": ${r.reason}.`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async indexCreatedFolder(uri: vscode.Uri): Promise<void> {
    try {
      if (((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) === 0) return;
      const index = this.index;
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, INDEX_GLOB), INDEX_EXCLUDE, MAX_INDEXED_FILES);
      // The index was rebuilt meanwhile (folders changed): its own search found these files.
      if (files.length === 0 || !index || index !== this.index) return;
      this.update(() => {
        for (const f of files) index.add(f.fsPath);
      });
    } catch {
      // Gone again before it could be read: nothing to index.
    }
  }

  private update(change: () => void): void {
    change();
    this.changed.fire();
  }

  private reset(): void {
    this.containmentValue = undefined;
    this.index = undefined;
    this.building = undefined;
    this.resolverValue = undefined;
    this.changed.fire();
  }

  private workspaceIndex(): Promise<WorkspaceFileIndex> {
    if (this.index) return Promise.resolve(this.index);
    this.building ??= (async () => {
      const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
      const index = new WorkspaceFileIndex(folders.map((f) => f.uri.fsPath));
      const started = Date.now();
      const files = await vscode.workspace.findFiles(INDEX_GLOB, INDEX_EXCLUDE, MAX_INDEXED_FILES);
      for (const f of files) index.add(f.fsPath);
      this.log.debug(`Indexed ${index.size} workspace files for source mapping in ${Date.now() - started} ms`);
      this.index = index;
      this.changed.fire();
      return index;
    })();
    return this.building;
  }

  private mappings(): PathMapping[] {
    const raw = vscode.workspace.getConfiguration('traceLens').get<unknown[]>('pathMappings', []) ?? [];
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath }));
    try {
      this.mappingError = undefined;
      return substituteWorkspaceFolders(Array.isArray(raw) ? raw : [], folders);
    } catch (err) {
      this.mappingError = err instanceof Error ? err.message : String(err);
      this.log.warn(`Ignoring "traceLens.pathMappings": ${this.mappingError}`);
      return [];
    }
  }
}
