import { describe, expect, it } from 'vitest';
import { insertRows, SqlExpr } from './statement-batch.js';

describe('insertRows', () => {
  it('binds every value, booleans as 1/0 and undefined as null, one tuple per row', () => {
    expect(
      insertRows('t', [
        { a: 1, b: true, c: undefined },
        { a: 'x', b: false, c: null },
      ]),
    ).toEqual({ sql: 'insert into t (a, b, c) values (?, ?, ?), (?, ?, ?)', bindings: [1, 1, null, 'x', 0, null] });
  });

  it('writes an SqlExpr into its row with its bindings in place', () => {
    expect(
      insertRows('t', [
        { a: 1, id: new SqlExpr('@v + ? * 2', [0]), z: 'p' },
        { a: 2, id: new SqlExpr('@v + ? * 2', [1]), z: 'q' },
        { a: 3, id: 7, z: 'r' },
      ]),
    ).toEqual({
      sql: 'insert into t (a, id, z) values (?, @v + ? * 2, ?), (?, @v + ? * 2, ?), (?, ?, ?)',
      bindings: [1, 0, 'p', 2, 1, 'q', 3, 7, 'r'],
    });
  });

  it('refuses no rows', () => {
    expect(() => insertRows('t', [])).toThrow('no rows');
  });
});
