/**
 * Text from span data, trace files and linted source is hostile when it reaches a terminal: ESC, CSI
 * and OSC sequences recolour the screen, rewrite the window title or plant hyperlinks, BEL rings, and
 * bidi overrides make a line read differently from what it holds (Trojan Source). Every text printer
 * of the command line and every error message that quotes such text goes through this module, so the
 * reader sees `\x1b` or `\u202e` instead of their effect. JSON output needs none of this: its escaping
 * already turns the C0 range into `\u00xx`.
 */

/** C0 controls, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
const CONTROL = '[\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]';
/** The same without tab (U+0009) and line feed (U+000A). */
const CONTROL_BUT_LAYOUT = '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]';
const REPLACE = { all: new RegExp(CONTROL, 'g'), layout: new RegExp(CONTROL_BUT_LAYOUT, 'g') };
const FIND = { all: new RegExp(CONTROL), layout: new RegExp(CONTROL_BUT_LAYOUT) };

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface EscapeOptions {
  /**
   * Keep line feeds and tabs, for text whose line structure is ours (a stack trace, a finished
   * report). Values placed into a line never keep them: a newline in a span name would forge a line.
   */
  keepLayout?: boolean;
}

/** Replaces every control and bidi-override character with a visible escape (`\x1b`, `\u202e`, `\n`). */
export function escapeControlCharacters(text: string, options: EscapeOptions = {}): string {
  return text.replace(options.keepLayout ? REPLACE.layout : REPLACE.all, visible);
}

/** True when the text holds a character `escapeControlCharacters` would replace (line structure aside). */
export function hasControlCharacters(text: string, options: EscapeOptions = {}): boolean {
  return (options.keepLayout ? FIND.layout : FIND.all).test(text);
}

/**
 * Tagged template for terminal output: the literal parts are the printer's own layout and pass as
 * written; every interpolated value is escaped whole, newlines included.
 *
 *     io.stdout(terminalText`  root      ${t.rootName}\n`);
 */
export function terminalText(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += escapeControlCharacters(String(values[i])) + strings[i + 1];
  return out;
}

/** A hostile value quoted in a message: escaped, and cut to `max` characters so it cannot flood it. */
export function quoteForMessage(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${escapeControlCharacters(cut)}"`;
}
