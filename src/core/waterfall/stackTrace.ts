/**
 * Parses exception stack traces (OTel `exception.stacktrace`) into frames the webview can
 * offer as "open source" links. Recognises Node/JS, Python, Java/Kotlin, Go, .NET and Ruby
 * frame lines; other lines stay plain text frames so nothing is lost.
 */

export interface StackFrame {
  /** The line as written (trimmed). */
  text: string;
  function?: string;
  file?: string;
  line?: number;
  column?: number;
}

const MAX_FRAMES = 200;
const MAX_LINE = 2000;

const JS_PAREN = /^at (?:async )?(.*?) \((.+?):(\d+)(?::(\d+))?\)$/;
const JS_BARE = /^at (?:async )?(.+?):(\d+)(?::(\d+))?$/;
const PYTHON = /^File "(.+)", line (\d+)(?:, in (.+))?$/;
const DOTNET = /^at (.+?) in (.+):line (\d+)$/;
const JAVA = /^at ([\w$.<>/-]+)\(([^():]+):(\d+)\)$/;
const GO_FILE = /^(\/?[^\s:]+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;
const RUBY = /^(.+?\.rb):(\d+):in [`'](.+)'$/;

function int(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number.parseInt(s, 10);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

export function parseStackTrace(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  const lines = text.split(/\r?\n/);
  let pendingGoFunction: string | undefined;
  for (const raw of lines) {
    if (frames.length >= MAX_FRAMES) break;
    const line = raw.trim().slice(0, MAX_LINE);
    if (line.length === 0) continue;
    let m: RegExpExecArray | null;
    if ((m = DOTNET.exec(line))) {
      frames.push({ text: line, function: m[1], file: m[2], line: int(m[3]) });
    } else if ((m = JS_PAREN.exec(line))) {
      frames.push({ text: line, function: m[1], file: m[2], line: int(m[3]), column: int(m[4]) });
    } else if ((m = JAVA.exec(line))) {
      frames.push({ text: line, function: m[1], file: m[2], line: int(m[3]) });
    } else if ((m = JS_BARE.exec(line))) {
      frames.push({ text: line, file: m[1], line: int(m[2]), column: int(m[3]) });
    } else if ((m = PYTHON.exec(line))) {
      frames.push({ text: line, function: m[3], file: m[1], line: int(m[2]) });
    } else if ((m = GO_FILE.exec(line))) {
      // Go prints the function on the line before its file:line.
      const prev = frames[frames.length - 1];
      if (prev && prev.file === undefined && prev.text === pendingGoFunction) frames.pop();
      frames.push({ text: pendingGoFunction ? `${pendingGoFunction} ${line}` : line, function: pendingGoFunction?.replace(/\(.*\)$/, ''), file: m[1], line: int(m[2]) });
      pendingGoFunction = undefined;
      continue;
    } else if ((m = RUBY.exec(line))) {
      frames.push({ text: line, function: m[3], file: m[1], line: int(m[2]) });
    } else {
      frames.push({ text: line });
    }
    pendingGoFunction = frames[frames.length - 1].file === undefined ? line : undefined;
  }
  return frames;
}
