// PostgreSQL through pg: the store for several processes or hosts. synchronous_commit stays as the
// server has it (on by default); the driver never turns it off.
import pg from 'pg';
import type { BulkUpdate, Dialect, Row, SqlDriver, SqlExecutor, SqlValue } from '../sql-driver.ts';
import { StoreConfigError, StoreUnavailableError } from '../store-errors.ts';
import { redactUrl } from '../../logging/redaction.ts';

const INT8_OID = 20;
// Epoch milliseconds and counts fit a double exactly; pg would hand int8 back as strings otherwise.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const POSTGRES_DIALECT: Dialect = {
  name: 'postgres',
  skipLocked: true,
  rowLocks: true,
  advisoryLocks: true,
  maxParams: 65_000,
  // No cheap token for "another session committed": a LISTEN/NOTIFY channel would be one.
  externalVersionSql: null,
  isUniqueViolation: (error, index) =>
    pgCode(error) === '23505' && (error as { constraint?: string }).constraint === index.name,
};

export interface PostgresTarget {
  /** The connection string without Sigil's own `schema` parameter. */
  connectionString: string;
  schema: string | null;
  display: string;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads `postgres://user:pass@host:port/db?schema=name`; `schema` is Sigil's, not libpq's. */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreConfigError(
      `"${redactUrl(url)}" is not a valid PostgreSQL URL; expected postgres://user@host:5432/database`,
    );
  }
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !SCHEMA_PATTERN.test(schema)) {
    throw new StoreConfigError(
      `schema "${schema}" in the PostgreSQL URL must be lower-case letters, digits and _`,
    );
  }
  parsed.searchParams.delete('schema');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || 'postgres';
  const display = `postgres://${parsed.host}/${database}${schema ? `?schema=${schema}` : ''}`;
  return { connectionString: parsed.toString(), schema, display };
}

export function openPostgres(url: string, options: { poolSize?: number } = {}): SqlDriver {
  const target = parsePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.poolSize ?? 4,
    types: TYPES,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the process; the next query
  // reports it as StoreUnavailableError and the caller backs off.
  pool.on('error', () => undefined);
  return new PostgresDriver(pool, target);
}

/** Numbers the `?` placeholders for pg. Sigil's SQL never contains a literal `?`. */
const numbered = new Map<string, string>();
function toPg(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

class PostgresExecutor implements SqlExecutor {
  constructor(
    protected readonly client: Queryable,
    protected readonly display: string,
  ) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const result = await this.run(sql, params);
    return result.rows as R[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.run(sql, params);
    return result.rowCount ?? 0;
  }

  async executeScript(sql: string): Promise<void> {
    try {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await this.client.query(sql);
    } catch (error) {
      throw describePgError(this.display, error);
    }
  }

  async updateRows({ table, key, columns, rows }: BulkUpdate): Promise<void> {
    if (rows.length === 0) return;
    // One statement for the whole batch: the rows travel as one JSON array parameter.
    const sets = columns.map((column) => `${column.name} = v.${column.name}`).join(', ');
    const shape = [`${key} text`, ...columns.map((column) => `${column.name} ${column.pgType}`)].join(', ');
    const payload = rows.map(([keyValue, ...values]) => {
      const row: Record<string, unknown> = { [key]: keyValue };
      columns.forEach((column, i) => (row[column.name] = values[i]));
      return row;
    });
    await this.run(
      `UPDATE ${table} AS t SET ${sets} FROM jsonb_to_recordset(?::jsonb) AS v(${shape}) WHERE t.${key} = v.${key}`,
      [JSON.stringify(payload)],
    );
  }

  private async run(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await this.client.query(toPg(sql), params as unknown[]);
    } catch (error) {
      throw describePgError(this.display, error);
    }
  }
}

class PostgresDriver extends PostgresExecutor implements SqlDriver {
  readonly dialect = POSTGRES_DIALECT;

  constructor(
    private readonly pool: pg.Pool,
    private readonly info: PostgresTarget,
  ) {
    super(pool, info.display);
  }

  get target(): string {
    return this.info.display;
  }

  get schema(): string | null {
    return this.info.schema;
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw describePgError(this.display, error);
    }
    let broken = false;
    // A connection killed while checked out emits 'error' on the client, where the pool's idle listener
    // is not: without one, node-postgres turns it into an uncaught exception. The failed query reports it.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    try {
      await client.query('BEGIN');
      const result = await fn(new PostgresExecutor(client, this.display));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error instanceof Error && 'kind' in error ? error : describePgError(this.display, error);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Turns pg's errors into one sentence that says what is wrong and how to fix it. */
/** How node-postgres words a connection lost under it; these errors may carry no SQLSTATE code. */
const LOST_CONNECTION =
  /Connection terminated|ECONNRESET|EPIPE|connection error|Client was closed|not queryable/i;

export function describePgError(display: string, error: unknown): Error {
  if (error instanceof Error && LOST_CONNECTION.test(error.message)) {
    return new StoreUnavailableError(`lost the connection to ${display}: ${error.message}`, error);
  }
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = pgCode(error);
  const message = String((error as { message?: unknown }).message);
  switch (code) {
    case '28P01':
    case '28000':
      return new StoreConfigError(
        `PostgreSQL refused the login at ${display} (${message}); check the user and password in the URL (--db or SIGIL_DB) or PGPASSWORD`,
        error,
      );
    case '3D000':
      return new StoreConfigError(
        `${message} at ${display}; create it first (createdb) or fix the URL`,
        error,
      );
    case 'ENOTFOUND':
      return new StoreConfigError(`cannot resolve the host of ${display}; check the URL`, error);
  }
  if (code && UNAVAILABLE_CODES.has(code)) {
    return new StoreUnavailableError(
      `cannot reach PostgreSQL at ${display} (${code}: ${message}); is the server running?`,
      error,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

// Shared with the logger: a URL's password never reaches a message or a log line.
export { redactUrl };
