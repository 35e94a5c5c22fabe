// DOM helpers. Span data only ever reaches the page through `textContent` (never markup).

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Characters that reorder or hide text: C0/C1 controls (but tab and newline), zero-width, bidi controls, BOM. */
function isInvisible(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || (c >= 0x200b && c <= 0x200f)
    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff;
}

/** Shows such characters as `\uXXXX` so labels read as they are stored (no Trojan-source reordering). */
export function visibleText(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isInvisible(c)) continue;
    out += s.slice(from, i) + `\\u${c.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** A secondary toolbar button; the title doubles as its accessible name. */
export function button(label: string, title: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}
