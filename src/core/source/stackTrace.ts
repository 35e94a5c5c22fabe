/**
 * Stack traces from `code.stacktrace` and exception events (`exception.stacktrace`)
 * in the formats the OpenTelemetry SDKs record: Java (`Throwable.printStackTrace`),
 * Python (`traceback.format_exception`), Node (`Error.stack`), Go
 * (`runtime/debug.Stack`), .NET (`Exception.ToString`) and Ruby (`Exception#backtrace`).
 * One reading of the lines serves both uses: the statistics' code location (the frames,
 * innermost first: parseStackTrace) and the span detail's list (every printed line, each
 * with the frame it names: parseStackTraceLines).
 */

export type StackLanguage = 'java' | 'python' | 'node' | 'go' | 'dotnet' | 'ruby';

export interface StackFrame {
  language: StackLanguage;
  /** As printed; for Java the package folders are prepended to the file name (`com/x/Svc.java`). */
  filePath?: string;
  lineNumber?: number;
  columnNumber?: number;
  functionName?: string;
}

/** One printed line of a stack trace (a Go frame's two lines are one), with the frame it names, if any. */
export interface StackLine {
  /** The line as printed, trimmed. */
  text: string;
  frame?: StackFrame;
}

/** Span data is hostile: a stack trace is read up to this size and this many frames for a location. */
const MAX_TEXT = 64 * 1024;
const MAX_FRAMES = 256;
/** The span detail lists this many lines of at most this many characters. */
const MAX_LISTED_LINES = 200;
const MAX_LISTED_LINE_LENGTH = 2000;

const PY_FILE = /^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$/;
const NODE = /^\s*at\s+(?:(.+?)\s+\((.+?):(\d+):(\d+)\)|(.+?):(\d+):(\d+))\s*$/;
const NODE_NO_POSITION = /^\s*at\s+(.+?)\s+\((?:native|<anonymous>|index \d+)\)\s*$/;
const JAVA = /^\s*at\s+([^\s(]+)\(([^)]*)\)/;
const JAVA_LOCATION = /^([\w$.-]+\.(?:java|kt|kts|scala|groovy|clj|cljc)):(\d+)$/;
const DOTNET = /^\s*at\s+(.+?)(?:\s+in\s+(.+?):line\s+(\d+))?\s*$/;
const GO_FILE = /^\t(.+?\.go):(\d+)(?:\s+\+0x[0-9a-fA-F]+)?\s*$/;
const RUBY = /^\s*(.+?\.rb):(\d+):in [`'](.+)'\s*$/;

/** The frames of a stack trace, innermost first, whatever order the runtime printed them in. */
export function parseStackTrace(text: string): StackFrame[] {
  const lines = (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text).split(/\r?\n/);
  const frames: StackFrame[] = [];
  for (const line of readLines(lines, Infinity)) if (line.frame) frames.push(line.frame);
  // "most recent call last": Python prints the innermost frame of the last traceback last.
  if (frames.length > 0 && frames[0].language === 'python') frames.reverse();
  return frames.length > MAX_FRAMES ? frames.slice(0, MAX_FRAMES) : frames;
}

/** Every printed line in order (at most 200, each cut at 2,000 characters), for showing a stack trace with its frames as links. */
export function parseStackTraceLines(text: string): StackLine[] {
  const lines = text.split(/\r?\n/).map((l) => (l.length > MAX_LISTED_LINE_LENGTH ? l.slice(0, MAX_LISTED_LINE_LENGTH) : l));
  return readLines(lines, MAX_LISTED_LINES);
}

function readLines(lines: string[], max: number): StackLine[] {
  // A Python traceback or a Go stack is recognised as a whole: their frame lines alone do not say so.
  const python = lines.some((l) => PY_FILE.test(l));
  const go = !python && lines.some((l) => GO_FILE.test(l));
  const out: StackLine[] = [];
  for (let i = 0; i < lines.length && out.length < max; i++) {
    const text = lines[i].trim();
    if (text === '') continue;
    if (go && i + 1 < lines.length) {
      const frame = goFrame(lines[i], lines[i + 1]);
      if (frame) {
        out.push({ text: `${text} ${lines[++i].trim()}`, frame });
        continue;
      }
    }
    const frame = python ? pythonFrame(lines[i]) : go ? undefined : parseAtLine(lines[i]) ?? rubyFrame(lines[i]);
    out.push(frame ? { text, frame } : { text });
  }
  return out;
}

function parseAtLine(line: string): StackFrame | undefined {
  if (!/^\s*at\s/.test(line)) return undefined;
  const node = NODE.exec(line);
  if (node) {
    const fn = node[1] !== undefined ? cleanNodeFunction(node[1]) : undefined;
    const frame: StackFrame = {
      language: 'node',
      filePath: node[2] ?? node[5],
      lineNumber: toInt(node[3] ?? node[6]),
      columnNumber: toInt(node[4] ?? node[7]),
    };
    if (fn !== undefined) frame.functionName = fn;
    return frame;
  }
  if (NODE_NO_POSITION.test(line)) return undefined;
  const java = JAVA.exec(line);
  if (java) {
    const where = java[2].trim();
    const loc = JAVA_LOCATION.exec(where);
    if (loc || where === 'Unknown Source' || where === 'Native Method' || /^[\w$.-]+\.(?:java|kt|scala)$/.test(where)) {
      // Java modules and class loaders prefix the class: `java.base/java.lang.Thread.run`, `app//com.x.Svc.run`.
      const full = java[1].slice(java[1].lastIndexOf('/') + 1);
      const frame: StackFrame = { language: 'java', functionName: full };
      const fileName = loc ? loc[1] : /\.(?:java|kt|scala)$/.test(where) ? where : undefined;
      if (fileName !== undefined) {
        const parts = full.split('.');
        const pkg = parts.slice(0, -2);
        frame.filePath = pkg.length > 0 ? `${pkg.join('/')}/${fileName}` : fileName;
      }
      if (loc) frame.lineNumber = toInt(loc[2]);
      return frame;
    }
  }
  const dotnet = DOTNET.exec(line);
  if (dotnet) {
    const fn = dotnet[1].replace(/\(.*\)\s*$/, '').trim();
    if (fn === '' || /\s/.test(fn)) return undefined;
    const frame: StackFrame = { language: 'dotnet', functionName: fn };
    if (dotnet[2] !== undefined) frame.filePath = dotnet[2];
    if (dotnet[3] !== undefined) frame.lineNumber = toInt(dotnet[3]);
    return frame;
  }
  return undefined;
}

function cleanNodeFunction(raw: string): string | undefined {
  let s = raw.replace(/^async\s+/, '').replace(/\s+\[as [^\]]+\]$/, '').trim();
  if (s === 'Object.<anonymous>' || s === '<anonymous>' || s === 'Module._compile') return undefined;
  if (s.startsWith('new ')) s = `${s.slice(4)}.constructor`;
  return s === '' ? undefined : s;
}

function pythonFrame(line: string): StackFrame | undefined {
  const m = PY_FILE.exec(line);
  if (!m) return undefined;
  const frame: StackFrame = { language: 'python', filePath: m[1], lineNumber: toInt(m[2]) };
  if (m[3] !== undefined && m[3] !== '<module>') frame.functionName = m[3];
  return frame;
}

/** Go prints a frame as two lines: the function (with its arguments), then a tab and file:line. */
function goFrame(line: string, next: string): StackFrame | undefined {
  const file = GO_FILE.exec(next);
  if (!file || line.startsWith('\t') || line.startsWith('goroutine ')) return undefined;
  const fn = goFunctionName(line);
  const frame: StackFrame = { language: 'go', filePath: file[1], lineNumber: toInt(file[2]) };
  if (fn !== undefined) frame.functionName = fn;
  return frame;
}

function rubyFrame(line: string): StackFrame | undefined {
  const m = RUBY.exec(line);
  if (!m) return undefined;
  return { language: 'ruby', filePath: m[1], lineNumber: toInt(m[2]), functionName: m[3] };
}

/** `pkg.(*T).Method(0xc0, {0x1})` → `pkg.(*T).Method`: only the last, argument, parenthesis group goes. */
function goFunctionName(line: string): string | undefined {
  let s = line.trim().replace(/^created by\s+/, '').replace(/\s+in goroutine \d+$/, '');
  if (s.endsWith(')')) {
    let depth = 0;
    for (let i = s.length - 1; i >= 0; i--) {
      if (s[i] === ')') depth++;
      else if (s[i] === '(' && --depth === 0) {
        s = s.slice(0, i);
        break;
      }
    }
  }
  return s === '' ? undefined : s;
}

function toInt(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const LIBRARY_PATH = /(?:^|[\\/])(?:node_modules|site-packages|dist-packages|\.venv|venv|pkg[\\/]mod|vendor[\\/](?:bundle|github\.com|golang\.org)|lib[\\/]python\d|usr[\\/]local[\\/]go|usr[\\/]lib[\\/]go|libexec[\\/]src|\.m2|\.gradle|\.nuget)(?:[\\/]|$)|^(?:node:|internal[\\/]|<frozen|<string>|<stdin>)/;
const GO_ROOT_FILE = /[\\/]go[\\/]src[\\/](?:runtime|net|internal|sync|reflect|testing|syscall|os)[\\/]/;
const JAVA_LIBRARY = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|io\.opentelemetry|org\.springframework|org\.apache|io\.netty|reactor|io\.micrometer|org\.junit|com\.google|jakarta|org\.hibernate|io\.grpc|okhttp3|io\.undertow|org\.eclipse|io\.vertx|io\.quarkus|com\.fasterxml|ch\.qos|org\.slf4j|groovy|org\.codehaus|io\.ktor)\./;
const DOTNET_LIBRARY = /^(?:System|Microsoft|OpenTelemetry|Grpc|Npgsql|Newtonsoft|Polly|Serilog|NLog|Castle|Dapper|StackExchange|Azure|Amazon|MediatR|AutoMapper|Hangfire|lambda_method\d*)(?:\.|$)/;
const GO_LIBRARY = /^(?:runtime|runtime\/debug|go\.opentelemetry\.io\/|google\.golang\.org\/|golang\.org\/|net\/http|net|sync|reflect|testing|internal\/|database\/sql|encoding\/|github\.com\/(?:gin-gonic|labstack|gorilla|go-chi|grpc-ecosystem|jackc|redis)\/)/;

/** Frames from runtimes, frameworks and instrumentation libraries: never "the user's function". */
export function isLibraryFrame(frame: StackFrame): boolean {
  const path = frame.filePath;
  const fn = frame.functionName ?? '';
  if (path !== undefined && LIBRARY_PATH.test(path)) return true;
  switch (frame.language) {
    case 'java':
      return JAVA_LIBRARY.test(fn);
    case 'dotnet':
      return DOTNET_LIBRARY.test(fn);
    case 'go':
      return GO_LIBRARY.test(fn) || (path !== undefined && GO_ROOT_FILE.test(path));
    case 'python':
      return path !== undefined && /(?:^|[\\/])opentelemetry[\\/]/.test(path);
    case 'ruby':
      return path !== undefined && /(?:^|[\\/])(?:gems|rubygems|ruby[\\/]\d[\d.]*)[\\/]/.test(path);
    case 'node':
      return path === undefined;
  }
}

/**
 * The innermost frame that belongs to the application: not a library frame, and,
 * when `isUserFile` is given (e.g. "maps to a workspace file"), accepted by it.
 * Frames with neither a file nor a function name are skipped.
 */
export function topUserFrame(frames: readonly StackFrame[], isUserFile?: (frame: StackFrame) => boolean): StackFrame | undefined {
  for (const f of frames) {
    if (f.filePath === undefined && f.functionName === undefined) continue;
    if (isLibraryFrame(f)) continue;
    if (isUserFile && !isUserFile(f)) continue;
    return f;
  }
  return undefined;
}
