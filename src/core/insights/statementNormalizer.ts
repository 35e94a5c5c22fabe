/**
 * Database statements with their literals removed, so `SELECT * FROM t WHERE id = 7` and `… id = 8`
 * (and the driver's `… id = ?` / `$1` / `%s`) are one statement. A lexer, not a parser: it must
 * take any dialect (SQLite, PostgreSQL, MySQL, T-SQL, Redis commands) and statements cut short by
 * an SDK without failing, and it runs on every database span of the statistics pass.
 * node-sql-parser (the maintained npm parser) was not used: it rejects statements outside its
 * dialects and costs a full parse per span.
 */

/** The normalized text is cut here: a statement longer than this is a bulk insert, not a key to group by. */
export const MAX_NORMALIZED_LENGTH = 2000;

const PLACEHOLDER = '?';

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Literals become `?`: quoted strings ('…', E'…', $tag$…$tag$), numbers, hex and bind parameters
 * (`?`, `$1`, `:name`, `%s`, `%(name)s`, `@p1`). Comments go, whitespace collapses, `IN (?, ?, …)`
 * and repeated `VALUES` rows collapse to one, a trailing `;` goes. Identifiers (also "quoted" and
 * `backticked` ones) and keywords stay as written.
 */
export function normalizeStatement(statement: string): string {
  const s = statement.length > MAX_NORMALIZED_LENGTH * 4 ? statement.slice(0, MAX_NORMALIZED_LENGTH * 4) : statement;
  let out = '';
  let pendingSpace = false;
  const emit = (text: string): void => {
    if (pendingSpace && out !== '') out += ' ';
    pendingSpace = false;
    out += text;
  };
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    // Whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      pendingSpace = true;
      i++;
      continue;
    }
    // -- line comment, # is not treated as a comment (Redis and some dialects use it in names)
    if (c === 45 && s.charCodeAt(i + 1) === 45) {
      const end = s.indexOf('\n', i);
      i = end < 0 ? n : end;
      pendingSpace = true;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42) {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      pendingSpace = true;
      continue;
    }
    // 'string' (with '' or \' escapes), including E'…', N'…', B'…', X'…' prefixes
    if (c === 39) {
      i = skipQuoted(s, i, 39);
      emit(PLACEHOLDER);
      continue;
    }
    if ((c === 69 || c === 101 || c === 78 || c === 110 || c === 66 || c === 98 || c === 88 || c === 120) && s.charCodeAt(i + 1) === 39
      && (i === 0 || !isIdentChar(s.charCodeAt(i - 1)))) {
      i = skipQuoted(s, i + 1, 39);
      emit(PLACEHOLDER);
      continue;
    }
    // "identifier" and `identifier` are names: kept whole
    if (c === 34 || c === 96) {
      const end = skipQuoted(s, i, c);
      emit(s.slice(i, end));
      i = end;
      continue;
    }
    // $1 placeholders and $tag$…$tag$ dollar-quoted strings
    if (c === 36) {
      let j = i + 1;
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      if (j > i + 1) {
        emit(PLACEHOLDER);
        i = j;
        continue;
      }
      let k = i + 1;
      while (k < n && isIdentChar(s.charCodeAt(k)) && s.charCodeAt(k) !== 36) k++;
      if (s.charCodeAt(k) === 36) {
        const tag = s.slice(i, k + 1);
        const end = s.indexOf(tag, k + 1);
        i = end < 0 ? n : end + tag.length;
        emit(PLACEHOLDER);
        continue;
      }
    }
    // Numbers not part of an identifier (t1, col_2): 42, -1.5e3, .5, 0xff
    if ((isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) && (i === 0 || !isIdentChar(s.charCodeAt(i - 1)))) {
      let j = i;
      if (c === 48 && (s.charCodeAt(i + 1) === 120 || s.charCodeAt(i + 1) === 88)) {
        j = i + 2;
        while (j < n && /[0-9a-fA-F]/.test(s[j])) j++;
      } else {
        while (j < n && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
        if ((s.charCodeAt(j) === 101 || s.charCodeAt(j) === 69) && /[-+0-9]/.test(s[j + 1] ?? '')) {
          j += 2;
          while (j < n && isDigit(s.charCodeAt(j))) j++;
        }
      }
      // A minus sign directly before a number after an operator or '(' is part of the literal.
      if (out.endsWith('-') && /(^|[=(,<>+*/ ]|\bthen|\bwhen|\belse)-$/i.test(out.slice(-6))) out = out.slice(0, -1);
      emit(PLACEHOLDER);
      i = j;
      continue;
    }
    // Bind parameters: ?, ?1, :name, %s, %(name)s, @p1
    if (c === 63) {
      let j = i + 1;
      while (j < n && isDigit(s.charCodeAt(j))) j++;
      emit(PLACEHOLDER);
      i = j;
      continue;
    }
    // :name starts with a letter after a space or operator; `::int` is a cast, `user:abc` a Redis key.
    if (c === 58 && /[A-Za-z_]/.test(s[i + 1] ?? '') && (i === 0 || (s.charCodeAt(i - 1) !== 58 && !isIdentChar(s.charCodeAt(i - 1))))) {
      let j = i + 1;
      while (j < n && isIdentChar(s.charCodeAt(j))) j++;
      emit(PLACEHOLDER);
      i = j;
      continue;
    }
    if (c === 37 && (s.charCodeAt(i + 1) === 115 || s.charCodeAt(i + 1) === 100 || s.charCodeAt(i + 1) === 40)) {
      let j = i + 2;
      if (s.charCodeAt(i + 1) === 40) {
        const close = s.indexOf(')', i);
        j = close < 0 ? n : close + 2;
      }
      emit(PLACEHOLDER);
      i = j;
      continue;
    }
    if (c === 64 && isIdentChar(s.charCodeAt(i + 1)) && s.charCodeAt(i + 1) !== 64) {
      let j = i + 1;
      while (j < n && isIdentChar(s.charCodeAt(j))) j++;
      emit(PLACEHOLDER);
      i = j;
      continue;
    }
    if (isIdentChar(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(s.charCodeAt(j))) j++;
      emit(s.slice(i, j));
      i = j;
      continue;
    }
    // Punctuation: no space before , ) and after (, so "IN ( ?,? )" and "IN (?, ?)" agree.
    const ch = s[i];
    if (ch === ',' || ch === ')' || ch === ';') pendingSpace = false;
    emit(ch);
    if (ch === '(') pendingSpace = false;
    else if (ch === ',') pendingSpace = true;
    i++;
  }
  out = out.replace(/;+$/, '').trim();
  // IN (?, ?, ?) → IN (?); VALUES (?, ?), (?, ?) → VALUES (?, ?)
  out = out.replace(/\(\?(?:, \?)+\)/g, (m, offset: number) => (/\bin $/i.test(out.slice(Math.max(0, offset - 3), offset)) ? '(?)' : m));
  out = out.replace(/(\((?:\?, )*\?\))(?:, \1)+/g, '$1');
  return out.length > MAX_NORMALIZED_LENGTH ? out.slice(0, MAX_NORMALIZED_LENGTH) : out;
}

/** Index just past the closing quote; a doubled quote or a backslash escapes it. An unclosed quote runs to the end. */
function skipQuoted(s: string, open: number, quote: number): number {
  let i = open + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92 && quote === 39) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (s.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return s.length;
}

/**
 * SDKs that cut long statements mark the cut with an ellipsis; such a statement cannot be compared
 * with others (Sentry's N+1 detector skips them for the same reason).
 */
export function isTruncatedStatement(statement: string): boolean {
  const t = statement.trimEnd();
  return t.endsWith('...') || t.endsWith('…');
}
