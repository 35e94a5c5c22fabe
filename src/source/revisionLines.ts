import * as vscode from 'vscode';
import { GitLineMapper, type LineOutcome } from '../core/source/gitLineMapper';
import { mapLine } from '../core/source/lineMapping';
import { COMMANDS } from '../core/commands/commandIds';

/** What happened to the lines of one revision, for Explain Source Mapping. */
export interface RevisionReport {
  commit: string;
  /** The last answer, in a sentence. */
  state: string;
  at: number;
}

const MAX_REPORTS = 20;

/**
 * The editor's side of "lines follow the code": git runs only in a trusted workspace (a
 * repository's config can name programs git starts), with VS Code's `git.path` when its git
 * extension is active, and what git said about a file is forgotten when the file is saved.
 */
export class RevisionLines implements vscode.Disposable {
  private readonly mapper: GitLineMapper;
  private readonly aborter = new AbortController();
  private readonly reports = new Map<string, RevisionReport>();
  private readonly warned = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** (file, commit) pairs being asked about for the editor paths, so each is asked once at a time. */
  private readonly learning = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when lines placed from `cachedLine` may now land elsewhere: place them again. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.mapper = new GitLineMapper({ gitPath: gitExecutable });
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.scheme === 'file' && this.mapper.invalidate(d.uri.fsPath)) this.changed.fire();
      }),
      // A file changed behind the editor (a checkout, a pull) changes its diff as much as a save does.
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.mapper.clear()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.mapper.clear()),
    );
  }

  /**
   * Where `line` of the workspace file `path`, recorded at `commit`, is now. Without a commit, or
   * when git cannot tell, the recorded line, with the reason.
   */
  async place(path: string, line: number, commit: string | undefined, options: { quiet?: boolean } = {}): Promise<LineOutcome> {
    if (commit === undefined) return { kind: 'asRecorded', line, why: 'the span carries no revision (vcs.ref.head.revision or a commit in service.version)' };
    if (!vscode.workspace.isTrusted) return this.note({ kind: 'asRecorded', line, commit, why: `the spans were recorded at revision ${commit.slice(0, 12)}, but git is not run in an untrusted workspace` }, options);
    const outcome = await this.mapper.map(path, line, commit, this.aborter.signal);
    return this.note(outcome, options);
  }

  /**
   * The working-tree line of `line` (recorded at `commit`) in `path` if git already answered, for
   * lenses and hovers, which never wait. Otherwise undefined (use the line as recorded), and git is
   * asked in the background; `onDidChange` fires when the answer moves lines.
   */
  cachedLine(path: string, line: number, commit: string): number | undefined {
    if (!vscode.workspace.isTrusted) return undefined;
    const known = this.mapper.peek(path, commit);
    if (known) return known.kind === 'diff' ? mapLine(known.hunks, line).line : undefined;
    const key = `${path}\u0000${commit}`;
    if (!this.learning.has(key)) {
      this.learning.add(key);
      void this.mapper.map(path, line, commit, this.aborter.signal).then((outcome) => {
        this.learning.delete(key);
        this.note(outcome, { quiet: true }); // for Explain Source Mapping; a lens does not warn
        // Only an answer that moves lines changes a placement; firing on the others could loop (a failure is not kept).
        const known = this.mapper.peek(path, commit);
        if (known?.kind === 'diff' && known.hunks.length > 0) this.changed.fire();
      });
    }
    return undefined;
  }

  get revisions(): RevisionReport[] {
    return [...this.reports.values()].sort((a, b) => b.at - a.at);
  }

  /** Describes an outcome in a clause: for the log, a warning and the report. */
  static describe(outcome: LineOutcome): string {
    if (outcome.kind === 'asRecorded') return `line ${outcome.line} is used as recorded: ${outcome.why}`;
    const from = `line ${outcome.recordedLine} of revision ${outcome.commit.slice(0, 12)}`;
    switch (outcome.change) {
      case 'unchanged': return `${from} is unchanged in the working tree`;
      case 'moved': return `${from} is line ${outcome.line} in the working tree`;
      case 'edited': return `${from} was edited since; its new text starts at line ${outcome.line}`;
      case 'deleted': return `${from} was deleted since; line ${outcome.line} follows where it was`;
    }
  }

  dispose(): void {
    this.aborter.abort();
    for (const d of this.disposables) d.dispose();
  }

  /** Records the outcome for the report; a click (not `quiet`) on a line that cannot follow says so once per revision. */
  private note(outcome: LineOutcome, options: { quiet?: boolean }): LineOutcome {
    if (outcome.commit === undefined) return outcome;
    const state = RevisionLines.describe(outcome);
    this.reports.delete(outcome.commit);
    this.reports.set(outcome.commit, { commit: outcome.commit, state, at: Date.now() });
    if (this.reports.size > MAX_REPORTS) this.reports.delete(this.reports.keys().next().value as string);
    if (!options.quiet) this.log.info(`Go to source: ${state}`);
    if (outcome.kind === 'asRecorded' && !options.quiet && !this.warned.has(outcome.commit)) {
      // Once per revision and session: every click on such a trace would say the same.
      this.warned.add(outcome.commit);
      void vscode.window.showWarningMessage(`Trace Lens: ${state}.`, 'Explain Source Mapping').then((choice) => {
        if (choice) void vscode.commands.executeCommand(COMMANDS.explainSourceMapping);
      });
    }
    return outcome;
  }
}

interface GitApi { git: { path: string } }
interface GitExtensionExports { getAPI(version: 1): GitApi }

/** VS Code's git (honours the user's `git.path`) when its extension is already running; never activated for this. */
function gitExecutable(): string {
  const ext = vscode.extensions.getExtension<GitExtensionExports>('vscode.git');
  if (!ext?.isActive) return 'git';
  try {
    return ext.exports.getAPI(1).git.path || 'git';
  } catch {
    return 'git';
  }
}
