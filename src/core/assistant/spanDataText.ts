/**
 * How text that came from spans (names, status messages, services, statements, file paths) enters
 * an answer an AI assistant reads. Span data is written by whoever runs the traced service, so it
 * may hold instructions dressed as tool output: a newline and `Tool result:`, a closing tag, a
 * markdown fence. Every such value reaches the model as a JSON string literal on the line of the
 * label that introduces it: line breaks, control and formatting characters, quotes, backticks and
 * angle brackets are escaped, so nothing in it can start a line or end the quoted value; it is
 * also cut to a length and stripped of the secrets the sensitive-data lint rules recognise.
 */
import { redactUrl, REDACTED_VALUE } from '../receiver/snapshotRedaction';
import { SECRET_SCAN_RE } from '../lint/valueDetectors';

/** Characters of one span-derived value kept, before quoting. */
export const MAX_VALUE_CHARS = 160;

// Control (Cc), format (Cf: bidi overrides, zero-width joiners), line and paragraph separators,
// and what could close or open markup around the value.
const ESCAPED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}`<>&]/gu;

/** Secrets the SD rules recognise in free text (a token in a span name or status message), and URL credentials. */
export function redactText(text: string): string {
  return redactUrl(text.replace(SECRET_SCAN_RE, REDACTED_VALUE));
}

/**
 * `text` as a JSON string literal, redacted and cut to `max` characters (`…` marks the cut): what
 * `JSON.parse` reads back, with no raw line break, control character, backtick or angle bracket.
 */
export function quoteSpanText(text: string | undefined, max = MAX_VALUE_CHARS): string {
  let s = redactText(String(text ?? ''));
  if (s.length > max) s = `${[...s.slice(0, max)].slice(0, -1).join('')}…`;
  return JSON.stringify(s).replace(ESCAPED, escapeChar);
}

const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text of our own that may quote input (an error's message naming a file, a server's answer) as one
 * line: redacted, cut, and with the same characters escaped as in quoteSpanText, but not quoted.
 */
export function oneLine(text: string, max = 500): string {
  let s = redactText(text);
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s.replace(ESCAPED, escapeChar);
}

/**
 * Caps an answer at `maxChars`, cutting at a line end, and says what was left out: the model
 * budget of an assistant is small, and a 50k-span trace must not fill it.
 */
export function capAnswer(lines: readonly string[], maxChars: number): string {
  const out: string[] = [];
  const total = lines.reduce((n, l) => n + l.length + 1, 0);
  // Room for the note that says what was cut.
  const budget = total <= maxChars ? maxChars : maxChars - 80;
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (used + line.length + 1 > budget) {
      out.push(`(answer cut at ${maxChars} characters: ${lines.length - i} more line(s) left out)`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}
