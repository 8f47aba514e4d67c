import type { Knex } from 'knex';
import type { Ctx } from './context.js';

/**
 * Runs an INSERT built with knex, with `RETURNING columns` appended (knex's MySQL client ignores
 * `.returning()`). Only where `ctx.env.returning` is set. The compiled statement keeps every value
 * as a binding; the column names are bound as identifiers.
 */
export async function insertReturning(
  ctx: Ctx,
  insert: Knex.QueryBuilder,
  columns: readonly string[],
): Promise<Array<Record<string, unknown>>> {
  if (!ctx.env.returning) throw new Error('INSERT … RETURNING is not available on this engine');
  const { sql, bindings } = insert.toSQL();
  const res = (await ctx.db.raw(`${sql} returning ${columns.map(() => '??').join(', ')}`, [
    ...bindings,
    ...columns,
  ])) as unknown;
  const rows = ctx.env.engine === 'mysql' ? (res as unknown[])[0] : res;
  if (!Array.isArray(rows)) throw new Error('INSERT … RETURNING gave no rows');
  return rows as Array<Record<string, unknown>>;
}
