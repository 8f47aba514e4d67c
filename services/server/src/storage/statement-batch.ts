/**
 * Several SQL statements in one round trip. On MySQL they go as one multi-statement query (the
 * connection allows it, connect.ts); SQLite runs in-process, so there they simply run in order.
 * A round trip to the database server costs more than the statement itself on small writes, so
 * the hot write paths (createMessages) build their statements first and send them together.
 *
 * Values stay bindings throughout: every statement is compiled by knex (`toNative`) and the
 * driver escapes the bound values; nothing is concatenated into SQL text.
 */
import type { Knex } from 'knex';
import type { Ctx } from './context.js';

/** A knex builder or raw query (never awaited by the caller), or compiled SQL with bindings. */
export type Statement = Knex.QueryBuilder | Knex.Raw | { sql: string; bindings: readonly unknown[] };

/** Most statements per round trip (a batch can still be large: each statement has its own limits). */
const STATEMENTS_PER_TRIP = 200;

export interface TripOptions {
  /** This is the transaction's last trip: COMMIT rides along (statement transactions only). */
  commit?: boolean;
}

/** Executes trips for a statement transaction (context.ts, runStatementTransaction). */
export interface StatementRunner {
  run(
    statements: ReadonlyArray<{ sql: string; bindings: readonly unknown[] }>,
    opts: TripOptions,
  ): Promise<unknown[][]>;
}

export function compile(s: Statement): { sql: string; bindings: readonly unknown[] } {
  if ('toSQL' in s) {
    const native = s.toSQL().toNative();
    return { sql: native.sql, bindings: native.bindings };
  }
  return s;
}

/**
 * A value written into the SQL text with its own bindings instead of bound as one: an expression
 * over what the same trip computed (a new row's id from a user variable, new-message-ids.ts).
 * The SQL is ours (never input).
 */
export class SqlExpr {
  constructor(
    readonly sql: string,
    readonly bindings: readonly unknown[],
  ) {}
}

/**
 * A multi-row INSERT written directly (no query builder): the hot write path inserts many rows of
 * many columns, which knex would rebuild and re-sort per row. Every row has the keys of the first,
 * in the same order; booleans bind as 1/0 (both engines store them so); an SqlExpr goes in as SQL.
 * Table and column names are ours (never input).
 */
export function insertRows(
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): {
  sql: string;
  bindings: unknown[];
} {
  const first = rows[0];
  if (!first) throw new Error('insertRows: no rows');
  const columns = Object.keys(first);
  const plain = `(${columns.map(() => '?').join(', ')})`;
  const bindings: unknown[] = [];
  const tuples = rows.map((row) => {
    let tuple: string[] | undefined;
    columns.forEach((c, i) => {
      const v = row[c];
      if (v instanceof SqlExpr) {
        tuple ??= columns.map(() => '?');
        tuple[i] = v.sql;
        bindings.push(...v.bindings);
      } else bindings.push(typeof v === 'boolean' ? (v ? 1 : 0) : v === undefined ? null : v);
    });
    return tuple ? `(${tuple.join(', ')})` : plain;
  });
  return {
    sql: `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`,
    bindings,
  };
}

function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [];
}

/**
 * One MySQL round trip: `parts` joined into one multi-statement query, sent by `send` (which
 * resolves with mysql2's results: per statement when there are several), and the rows of each
 * statement back.
 */
export async function mysqlTrip(
  parts: ReadonlyArray<{ sql: string; bindings: readonly unknown[] }>,
  send: (sql: string, bindings: unknown[]) => Promise<unknown>,
): Promise<unknown[][]> {
  const res = await send(
    parts.map((p) => p.sql).join(';\n'),
    parts.flatMap((p) => p.bindings),
  );
  return (parts.length === 1 ? [res] : rowsOf(res)).map(rowsOf);
}

/**
 * Runs `statements` in order; result i holds the rows of statement i when it returns rows
 * (SELECT, … RETURNING), else an empty array. A failure fails the batch (the caller's transaction
 * rolls back). `commit` lets a statement transaction send its COMMIT in the same trip; in a knex
 * transaction it is ignored (knex commits when the callback returns).
 */
export async function runStatements(
  ctx: Ctx,
  statements: readonly Statement[],
  opts: TripOptions = {},
): Promise<unknown[][]> {
  if (ctx.statements) return ctx.statements.run(statements.map(compile), opts);
  const out: unknown[][] = [];
  if (ctx.env.engine !== 'mysql') {
    for (const s of statements) {
      const { sql, bindings } = compile(s);
      out.push(rowsOf(await ctx.db.raw(sql, bindings as Knex.RawBinding[])));
    }
    return out;
  }
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_TRIP) {
    const part = statements.slice(i, i + STATEMENTS_PER_TRIP).map(compile);
    // knex's raw answers mysql2's [results, fields].
    const rows = await mysqlTrip(
      part,
      async (sql, bindings) => ((await ctx.db.raw(sql, bindings as Knex.RawBinding[])) as unknown[])[0],
    );
    out.push(...rows);
  }
  return out;
}
