/**
 * Carries a line number of one revision of a file to the same code in another, from the hunks of
 * `git diff --unified=0 <revision> -- <file>`. Pure: the git calls are in gitLineMapper.ts.
 */

/** One hunk header, `@@ -oldStart,oldCount +newStart,newCount @@`; a count left out is 1. */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

export interface ParsedDiff {
  hunks: Hunk[];
  /** `Binary files … differ`: there are no lines to carry. */
  binary: boolean;
  /** The file did not exist at the old revision (`--- /dev/null`). */
  added: boolean;
}

export type LineChange =
  /** No edit touches the line and none above it. */
  | 'unchanged'
  /** Edits above moved it; the line itself is as it was. */
  | 'moved'
  /** The line was edited: the result is where its hunk's new text starts (or the same offset into it). */
  | 'edited'
  /** The line was removed: the result is the first line after where it was. */
  | 'deleted';

export interface MappedLine {
  line: number;
  change: LineChange;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(text: string): ParsedDiff {
  const hunks: Hunk[] = [];
  let binary = false;
  let added = false;
  for (const line of text.split('\n')) {
    const m = HUNK.exec(line);
    if (m) {
      hunks.push({ oldStart: Number(m[1]), oldCount: m[2] === undefined ? 1 : Number(m[2]), newStart: Number(m[3]), newCount: m[4] === undefined ? 1 : Number(m[4]) });
    } else if (line === '--- /dev/null') {
      added = true;
    } else if (line.startsWith('Binary files ') && line.endsWith(' differ')) {
      binary = true;
    }
  }
  hunks.sort((a, b) => a.oldStart - b.oldStart);
  return { hunks, binary, added };
}

/**
 * Where old line `line` (1-based) is in the new text. With `--unified=0`, a hunk that removes
 * nothing (`-12,0`) inserts after old line 12; one that adds nothing (`+20,0`) removes lines that
 * would have followed new line 20.
 */
export function mapLine(hunks: readonly Hunk[], line: number): MappedLine {
  let shift = 0;
  for (const h of hunks) {
    if (h.oldCount === 0) {
      // Pure insertion after old line oldStart: it moves every line below it.
      if (h.oldStart < line) { shift += h.newCount; continue; }
      break;
    }
    const oldEnd = h.oldStart + h.oldCount - 1;
    if (line < h.oldStart) break;
    if (line <= oldEnd) {
      if (h.newCount === 0) return { line: h.newStart + 1, change: 'deleted' };
      return { line: h.newStart + Math.min(line - h.oldStart, h.newCount - 1), change: 'edited' };
    }
    shift += h.newCount - h.oldCount;
  }
  return { line: line + shift, change: shift === 0 ? 'unchanged' : 'moved' };
}
