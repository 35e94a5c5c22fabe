import * as assert from 'node:assert/strict';
import { isTruncatedStatement, MAX_NORMALIZED_LENGTH, normalizeStatement } from '../../../src/core/insights/statementNormalizer';

describe('normalizeStatement', () => {
  const cases: Array<[string, string]> = [
    ['SELECT * FROM orders WHERE id = 42', 'SELECT * FROM orders WHERE id = ?'],
    ["SELECT * FROM users WHERE email = 'a@b.c' AND name = 'O''Brien'", 'SELECT * FROM users WHERE email = ? AND name = ?'],
    ["SELECT * FROM t WHERE s = 'it\\'s'", 'SELECT * FROM t WHERE s = ?'],
    ['SELECT * FROM t WHERE a = -1.5e3 AND b = 0xFF AND c = .5', 'SELECT * FROM t WHERE a = ? AND b = ? AND c = ?'],
    // Driver placeholders of every style become the same `?`.
    ['SELECT * FROM t WHERE id = $1 AND x = $2', 'SELECT * FROM t WHERE id = ? AND x = ?'],
    ['SELECT * FROM t WHERE id = %s AND x = %(name)s', 'SELECT * FROM t WHERE id = ? AND x = ?'],
    ['SELECT * FROM t WHERE id = :id AND x = @p1 AND y = ?2', 'SELECT * FROM t WHERE id = ? AND x = ? AND y = ?'],
    // IN lists and multi-row VALUES collapse, so 3 ids and 30 ids are one statement.
    ['SELECT * FROM t WHERE id IN (1, 2, 3)', 'SELECT * FROM t WHERE id IN (?)'],
    ['SELECT * FROM t WHERE id in (?,?,?,?)', 'SELECT * FROM t WHERE id in (?)'],
    ['INSERT INTO t (a, b) VALUES (1, 2), (3, 4), (5, 6)', 'INSERT INTO t (a, b) VALUES (?, ?)'],
    // Comments and whitespace do not make a statement different.
    ['SELECT  *\n  FROM t -- by id\n WHERE /* hint */ id = 7;', 'SELECT * FROM t WHERE id = ?'],
    // Identifiers with digits, quoted identifiers and casts stay.
    ['SELECT t1.col_2 FROM "Table 9" t1 WHERE t1.x::int = 3', 'SELECT t1.col_2 FROM "Table 9" t1 WHERE t1.x::int = ?'],
    ['SELECT `id` FROM `db1`.`t` WHERE n = 5', 'SELECT `id` FROM `db1`.`t` WHERE n = ?'],
    // PostgreSQL string forms.
    ["SELECT E'a\\nb', $tag$body 1$tag$, $$x$$", 'SELECT ?, ?, ?'],
    // Redis commands as the redis instrumentation records them.
    ['GET ?', 'GET ?'],
    ['SET product:17 42', 'SET product:? ?'],
    ['GET user:abc', 'GET user:abc'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(normalizeStatement(input), expected));
  }

  it('gives the same text for statements that differ only in literals, and different text otherwise', () => {
    assert.equal(normalizeStatement("SELECT * FROM t WHERE a = 'x' AND b = 1"), normalizeStatement("SELECT * FROM t WHERE a = 'yy' AND b = 22"));
    assert.notEqual(normalizeStatement('SELECT * FROM t WHERE a = 1'), normalizeStatement('SELECT * FROM u WHERE a = 1'));
  });

  it('survives unterminated quotes and comments, and bounds its output', () => {
    assert.equal(normalizeStatement("SELECT 'abc"), 'SELECT ?');
    assert.equal(normalizeStatement('SELECT 1 /* open'), 'SELECT ?');
    const huge = `SELECT ${'a, '.repeat(50_000)}b FROM t`;
    assert.ok(normalizeStatement(huge).length <= MAX_NORMALIZED_LENGTH);
  });

  it('recognises statements an SDK cut short', () => {
    assert.equal(isTruncatedStatement('SELECT * FROM orders WHERE ...'), true);
    assert.equal(isTruncatedStatement('SELECT * FROM orders WHERE …  '), true);
    assert.equal(isTruncatedStatement('SELECT 1'), false);
  });
});
