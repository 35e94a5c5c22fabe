/**
 * An independent statement of what a terminal acts on, for tests of the terminal-safe text: C0
 * controls (line feed allowed where `allowLineFeed`), DEL, C1 controls, bidi embeddings, overrides
 * and isolates. Written as code-point ranges, apart from the implementation's regular expressions.
 */
export function controlCharactersIn(text: string, options: { allowLineFeed?: boolean } = {}): string[] {
  const found: string[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x0a && options.allowLineFeed) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) found.push(`U+${c.toString(16).padStart(4, '0')}`);
  }
  return found;
}
