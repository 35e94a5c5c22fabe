/** Splits format strings into literal text and argument slots, for SN001's static-name fix. */

export type FormatPiece = { literal: string } | { arg: number; verb: string } | { named: string };

/** printf style (`%s`, `%d`, `%v`, `%-5.2f`, `%%`): Go fmt, Java String.format, Python `%`. */
export function parsePrintf(format: string): FormatPiece[] {
  const out: FormatPiece[] = [];
  const re = /%(?:\[(\d+)\])?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?([a-zA-Z%])/g;
  let last = 0;
  let next = 0;
  for (const m of format.matchAll(re)) {
    const idx = m.index ?? 0;
    if (idx > last) out.push({ literal: format.slice(last, idx) });
    if (m[3] === '%') out.push({ literal: '%' });
    else if (m[2]) out.push({ named: m[2] });
    else {
      const arg = m[1] ? Number(m[1]) - 1 : next;
      next = arg + 1;
      out.push({ arg, verb: m[3] });
    }
    last = idx + m[0].length;
  }
  if (last < format.length) out.push({ literal: format.slice(last) });
  return out;
}

/** Brace style: Python `"{}".format`, `{0}`/`{name}`; C# and MessageFormat `{0}`, `{0:N2}`, `{0,10}`. */
export function parseBraces(format: string): FormatPiece[] {
  const out: FormatPiece[] = [];
  let literal = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if ((ch === '{' || ch === '}') && format[i + 1] === ch) {
      literal += ch;
      i++;
      continue;
    }
    if (ch === '{') {
      const close = format.indexOf('}', i);
      if (close < 0) {
        literal += format.slice(i);
        break;
      }
      if (literal) out.push({ literal });
      literal = '';
      const field = format.slice(i + 1, close).split(/[:,!]/)[0].trim();
      if (field === '') out.push({ arg: next++, verb: 's' });
      else if (/^\d+$/.test(field)) out.push({ arg: Number(field), verb: 's' });
      else out.push({ named: field });
      i = close;
      continue;
    }
    literal += ch;
  }
  if (literal) out.push({ literal });
  return out;
}
