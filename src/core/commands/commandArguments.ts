/**
 * The arguments of every Trace Lens command, checked where they cross into the extension. Commands
 * are reachable with arguments nobody vetted: `command:` links in hovers and documents, keybindings,
 * other extensions. One table names each command and how its arguments are read; the editor side
 * registers commands only through it (src/commands/commandRegistry.ts), so a command that skips
 * validation, or a misspelt id, fails the build.
 */
import type { CodeLocationKey } from '../model/codeLocationKey';
import { TraceLensError } from '../errors';
import { normalizeSpanId, normalizeTraceId } from '../model/ids';
import { parseTraceIdInput, type TraceReference } from '../model/traceIdInput';
import type { ShowFunctionTracesArgs } from '../stats/hoverMarkdown';
import { hasControlCharacters, quoteForMessage } from '../text/terminalText';
import { COMMANDS, type CommandId } from './commandIds';

/** A command was called with arguments it does not take; it did nothing. */
export class InvalidCommandArgumentsError extends TraceLensError {
  readonly command: string;
  constructor(command: string, reason: string) {
    super(`Trace Lens: the command ${command} was called with an invalid argument (${reason}), so it did nothing.`);
    this.command = command;
  }
}

/** What a validator throws; the table adds the command's id. */
export class ArgumentError extends Error {}

/** Longer than any id, path or URL a command needs: a bigger string is an attack or an accident. */
export const MAX_ARGUMENT_LENGTH = 8192;
const MAX_TRACE_IDS = 50;
const MAX_ATTRIBUTE_KEY_LENGTH = 1024;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return quoteForMessage(value, 40);
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

// ── Validators: each returns the value in its normal form or throws an ArgumentError naming `what`.

/**
 * A string of at most `max` characters without NUL (NUL ends a path in the OS and hides the rest);
 * `allowNul` only for opaque keys that never become a path.
 */
export function expectString(value: unknown, what: string, max = MAX_ARGUMENT_LENGTH, allowNul = false): string {
  if (typeof value !== 'string') throw new ArgumentError(`${what} must be a string, not ${describe(value)}`);
  if (value.length > max) throw new ArgumentError(`${what} is ${value.length} characters long; at most ${max} are accepted`);
  if (!allowNul && value.includes('\0')) throw new ArgumentError(`${what} contains a NUL character`);
  return value;
}

/** 32 or 16 hex characters, not all zero; returned as 32 lowercase hex. */
export function expectTraceId(value: unknown, what = 'traceId'): string {
  const s = expectString(value, what, 64);
  const id = /^(?:[0-9a-f]{32}|[0-9a-f]{16})$/i.test(s) ? normalizeTraceId(s) : undefined;
  if (!id) throw new ArgumentError(`${what} must be 32 or 16 hexadecimal characters, not ${describe(value)}`);
  return id;
}

/** 16 hex characters, not all zero; returned in lowercase. */
export function expectSpanId(value: unknown, what = 'spanId'): string {
  const s = expectString(value, what, 64);
  const id = /^[0-9a-f]{16}$/i.test(s) ? normalizeSpanId(s) : undefined;
  if (!id) throw new ArgumentError(`${what} must be 16 hexadecimal characters, not ${describe(value)}`);
  return id;
}

export function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(`${what} must be an object, not ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** The shape of `vscode.Uri` (and of the JSON a `command:` link carries for one). */
export interface UriLike {
  scheme: string;
  authority?: string;
  path: string;
  query?: string;
  fragment?: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]+$/i;
const URI_TEXT = /^[a-z][a-z0-9+.-]+:/i;
const ABSOLUTE_PATH = /^(?:\/|[a-z]:[\\/]|\\\\)/i;

/** A file to open: a URI, a URI string, or an absolute path. */
export type FileArgument = { kind: 'uri'; uri: UriLike } | { kind: 'uriText'; text: string } | { kind: 'path'; path: string };

export function expectFile(value: unknown, what = 'the file'): FileArgument {
  if (typeof value === 'string') {
    const s = expectString(value, what);
    if (ABSOLUTE_PATH.test(s)) return { kind: 'path', path: s };
    if (URI_TEXT.test(s)) return { kind: 'uriText', text: s };
    throw new ArgumentError(`${what} must be an absolute path or a URI, not ${describe(value)}`);
  }
  const o = expectObject(value, what);
  const scheme = expectString(o.scheme, `${what}'s scheme`, 64);
  if (!SCHEME.test(scheme)) throw new ArgumentError(`${what}'s scheme ${describe(scheme)} is not a URI scheme`);
  const uri: UriLike = { scheme, path: expectString(o.path, `${what}'s path`) };
  for (const part of ['authority', 'query', 'fragment'] as const) {
    if (o[part] !== undefined) uri[part] = expectString(o[part], `${what}'s ${part}`);
  }
  return { kind: 'uri', uri: value as UriLike };
}

// ── Argument lists of the commands.

export type ArgumentsParser<T> = (args: readonly unknown[]) => T;

/** VS Code passes `undefined` for a missing argument in some paths: trailing ones do not count. */
function given(args: readonly unknown[]): readonly unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return args.slice(0, n);
}

/** For commands run from the palette only: an argument means someone else is calling it wrongly. */
export const noArguments: ArgumentsParser<undefined> = (args) => {
  const a = given(args);
  if (a.length > 0) throw new ArgumentError(`it takes no arguments, but got ${a.length}: ${describe(a[0])}${a.length > 1 ? ', …' : ''}`);
  return undefined;
};

/** At most one argument; absent means "ask the user". */
function optional<T>(parse: (value: unknown) => T): ArgumentsParser<T | undefined> {
  return (args) => {
    const a = given(args);
    if (a.length > 1) throw new ArgumentError(`it takes one argument, but got ${a.length}`);
    return a.length === 0 ? undefined : parse(a[0]);
  };
}

function required<T>(parse: (value: unknown) => T): ArgumentsParser<T> {
  return (args) => {
    const a = given(args);
    if (a.length !== 1) throw new ArgumentError(`it takes one argument, but got ${a.length}`);
    return parse(a[0]);
  };
}

/** More files than anyone opens as waterfalls at once: each is a panel and a parse. */
export const MAX_EXPLORER_FILES = 10;

/**
 * What an Explorer context menu passes: the file clicked and the whole selection (which holds the
 * clicked file when several are selected). Absent means "ask the user", as from the palette.
 */
export const explorerFilesArguments: ArgumentsParser<FileArgument[] | undefined> = (args) => {
  const a = given(args);
  if (a.length === 0) return undefined;
  if (a.length > 2) throw new ArgumentError(`it takes the file clicked and the Explorer's selection, but got ${a.length} arguments`);
  const clicked = expectFile(a[0], 'the trace file');
  if (a.length === 1) return [clicked];
  if (!Array.isArray(a[1])) throw new ArgumentError(`the selection must be an array of files, not ${describe(a[1])}`);
  if (a[1].length > MAX_EXPLORER_FILES) throw new ArgumentError(`the selection holds ${a[1].length} files; at most ${MAX_EXPLORER_FILES} open at once`);
  const selected = a[1].map((v, i) => expectFile(v, `selected file ${i + 1}`));
  return selected.length > 0 ? selected : [clicked];
};

/** A trace id, traceparent, URL or log line (as pasted), or `{ traceId, spanId? }` (from links). */
export function traceReferenceArgument(value: unknown): TraceReference {
  if (typeof value === 'string') {
    const parsed = parseTraceIdInput(expectString(value, 'the trace id'));
    if (!parsed.ok) throw new ArgumentError(`${describe(value)} is not a trace id: ${parsed.message}`);
    return parsed.reference;
  }
  const o = expectObject(value, 'the argument');
  const traceId = expectTraceId(o.traceId);
  return o.spanId === undefined || o.spanId === null ? { traceId } : { traceId, spanId: expectSpanId(o.spanId) };
}

/** `{ locationKey, location?, traceIds? }` as a CodeLens or hover builds it. */
export function showFunctionTracesArgument(value: unknown): ShowFunctionTracesArgs {
  const o = expectObject(value, 'the argument');
  // An opaque statistics key joining the location's parts with NUL (longer than one path may be);
  // only looked up, never opened.
  const locationKey = expectString(o.locationKey, 'locationKey', 8 * MAX_ARGUMENT_LENGTH, true);
  const location: CodeLocationKey = {};
  if (o.location !== undefined) {
    const l = expectObject(o.location, 'location');
    for (const field of ['filePath', 'functionName', 'namespace', 'spanName'] as const) {
      if (l[field] !== undefined) location[field] = expectString(l[field], `location.${field}`);
    }
  }
  let traceIds: string[] = [];
  if (o.traceIds !== undefined) {
    if (!Array.isArray(o.traceIds)) throw new ArgumentError(`traceIds must be an array, not ${describe(o.traceIds)}`);
    if (o.traceIds.length > MAX_TRACE_IDS) throw new ArgumentError(`traceIds holds ${o.traceIds.length} ids; at most ${MAX_TRACE_IDS} are accepted`);
    traceIds = o.traceIds.map((t, i) => expectTraceId(t, `traceIds[${i}]`));
  }
  return { locationKey, location, traceIds };
}

/** One side of a comparison: a trace of the configured backend, or a trace file (one of its traces, when it holds several). */
export type CompareTarget = { kind: 'trace'; traceId: string } | { kind: 'file'; file: FileArgument; traceId?: string };
export interface CompareTracesArgs { left?: CompareTarget; right?: CompareTarget }

function compareTarget(value: unknown, what: string): CompareTarget {
  const o = expectObject(value, what);
  if (o.file !== undefined) {
    const file = expectFile(o.file, `${what}'s file`);
    return o.traceId === undefined ? { kind: 'file', file } : { kind: 'file', file, traceId: expectTraceId(o.traceId, `${what}'s traceId`) };
  }
  return { kind: 'trace', traceId: expectTraceId(o.traceId, `${what}'s traceId`) };
}

/** `{ left?, right? }`, each `{ traceId }` or `{ file, traceId? }` (the waterfall's toolbar passes its trace as `left`); a side left out is asked for. */
export function compareTracesArgument(value: unknown): CompareTracesArgs {
  const o = expectObject(value, 'the argument');
  const extra = Object.keys(o).filter((k) => k !== 'left' && k !== 'right');
  if (extra.length > 0) throw new ArgumentError(`the argument takes left and right, not ${describe(extra[0])}`);
  const args: CompareTracesArgs = {};
  if (o.left !== undefined) args.left = compareTarget(o.left, 'left');
  if (o.right !== undefined) args.right = compareTarget(o.right, 'right');
  return args;
}

/** An attribute key to add to `traceLens.lint.allowedKeys`: it ends up in settings.json. */
export function attributeKeyArgument(value: unknown): string {
  const key = expectString(value, 'the attribute key', MAX_ATTRIBUTE_KEY_LENGTH).trim();
  if (key === '') throw new ArgumentError('the attribute key is empty');
  if (hasControlCharacters(key)) throw new ArgumentError(`the attribute key ${describe(key)} contains control characters`);
  return key;
}

/**
 * Every command Trace Lens registers and how its arguments are read. The manifest's
 * `contributes.commands` must list the same ids (internal commands such as the quick fix's
 * `traceLens.lint.allowKey` aside); a unit test checks it.
 */
export const COMMAND_ARGUMENTS = {
  [COMMANDS.openTraceById]: optional(traceReferenceArgument),
  [COMMANDS.openTraceFile]: optional((v) => expectFile(v, 'the trace file')),
  [COMMANDS.openInWaterfall]: explorerFilesArguments,
  [COMMANDS.searchTraces]: noArguments,
  [COMMANDS.compareTraces]: optional(compareTracesArgument),
  [COMMANDS.showServiceMap]: noArguments,
  [COMMANDS.showInsights]: noArguments,
  [COMMANDS.refresh]: noArguments,
  [COMMANDS.showFunctionTraces]: optional(showFunctionTracesArgument),
  [COMMANDS.showFunctionFlameGraph]: optional(showFunctionTracesArgument),
  [COMMANDS.explainSourceMapping]: noArguments,
  [COMMANDS.configureBackend]: noArguments,
  [COMMANDS.setCredentials]: noArguments,
  [COMMANDS.clearCredentials]: noArguments,
  [COMMANDS.lintWorkspace]: noArguments,
  [COMMANDS.showLog]: noArguments,
  [COMMANDS.clearReceivedSpans]: noArguments,
  [COMMANDS.showActions]: noArguments,
  [COMMANDS.copyExporterEnvironment]: noArguments,
  // The statistics' opaque key (parts joined with NUL), only looked up, never opened as a path.
  [COMMANDS.openFunction]: optional((v) => expectString(v, 'the function\'s key', 8 * MAX_ARGUMENT_LENGTH, true)),
  [COMMANDS.lintAllowKey]: required(attributeKeyArgument),
} as const satisfies Record<CommandId, ArgumentsParser<unknown>>;

export type CommandArguments<K extends CommandId> = ReturnType<(typeof COMMAND_ARGUMENTS)[K]>;

/** The command's arguments in normal form; throws InvalidCommandArgumentsError saying what is wrong. */
export function parseCommandArguments<K extends CommandId>(command: K, args: readonly unknown[]): CommandArguments<K> {
  try {
    return COMMAND_ARGUMENTS[command](args) as CommandArguments<K>;
  } catch (err) {
    if (err instanceof ArgumentError) throw new InvalidCommandArgumentsError(command, err.message);
    throw err;
  }
}
