// The entry path under contention: separate processes racing for one (variant, symbol) produce exactly
// one position and one cooldown, on both stores; entries into different symbols do not wait on each other.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { variantId, type EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { enterAtomically } from './atomic-entry.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const WORKER = fileURLToPath(new URL('../../test/support/entry-worker.ts', import.meta.url));
const V = variantId('race');

interface Attempt {
  kind: string;
  code: string | null;
}

/** Starts one process per symbol, waits until all are connected, then releases them at once. */
async function race(url: string, symbols: readonly string[]): Promise<Attempt[]> {
  const workers = symbols.map((symbol) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, V, symbol, String(T0)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') ready();
    });
    const done = new Promise<Attempt>((resolve, reject) =>
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`entry worker exited with ${code}: ${err}`));
        else resolve(JSON.parse(lines.at(-1) ?? '') as Attempt);
      }),
    );
    return { child, isReady, done };
  });
  await Promise.race([
    Promise.all(workers.map((w) => w.isReady)),
    Promise.all(workers.map((w) => w.done)), // a worker that dies before "ready" fails the race here
  ]);
  for (const { child } of workers) child.stdin.end('go\n');
  return Promise.all(workers.map((w) => w.done));
}

for (const target of STORE_TARGETS) {
  describe(`atomic entry under contention: ${target.dialect}`, () => {
    let db: { url: string; cleanup(): Promise<void> };
    let store: Store;
    before(async () => {
      db = await target.create();
      ({ store } = await openStore(db.url, { now: '2026-01-05T00:00:00Z' }));
    });
    after(async () => {
      await store.close();
      await db.cleanup();
    });

    it('16 processes entering one symbol open exactly one position and write one cooldown', async () => {
      const attempts = await race(db.url, new Array<string>(16).fill('BTCUSDT'));
      assert.equal(attempts.filter((a) => a.kind === 'opened').length, 1, JSON.stringify(attempts));
      for (const attempt of attempts.filter((a) => a.kind !== 'opened')) {
        assert.ok(
          ['already_open', 'locked_cooldown', 'entry_locked'].includes(attempt.code ?? ''),
          `an attempt that lost the race says why, got ${JSON.stringify(attempt)}`,
        );
      }
      const open = await store.openPositions(V);
      assert.equal(open.length, 1);
      const locks = await store.protectionsInForce(T0, V);
      assert.deepEqual(
        locks.map((l) => [l.symbol, l.kind, l.until, l.reason]),
        [['BTCUSDT', 'cooldown', T0 + 6 * 3_600_000, `opened ${open[0]?.id}`]],
      );
    });

    it('processes entering different symbols each open their own position', async () => {
      const symbols = ['ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT'];
      const attempts = await race(db.url, [...symbols, ...symbols]);
      assert.equal(attempts.filter((a) => a.kind === 'opened').length, 4, JSON.stringify(attempts));
      const open = await store.openPositions(V);
      assert.deepEqual(
        open.map((p) => p.symbol).sort(),
        ['ADAUSDT', 'BTCUSDT', ...symbols.slice(0, 3)].sort(),
      );
    });

    if (target.dialect === 'postgres') {
      it('skips a symbol whose entry lock is held, without waiting, while another symbol enters', async () => {
        const { store: other } = await openStore(db.url, { now: '2026-01-05T00:00:00Z', migrate: false });
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = store.transaction(async (tx) => {
          assert.equal(await tx.tryLockEntry(V, 'DOTUSDT'), true);
          locked();
          await held;
        });
        await isLocked;
        try {
          const entry = (symbol: string, id: string) =>
            enterAtomically(
              other,
              {
                position: longAt100(
                  id,
                  { variant: V, symbol, openedAt: T0 },
                  {
                    entryPrice: 10,
                    atrAtEntry: null,
                    initialStop: 9.7,
                    currentStop: 9.7,
                    peakPrice: 10,
                  },
                ),
                cooldownHours: 6,
              },
              T0,
            );
          assert.equal((await entry('DOTUSDT', 'held-1')).kind, 'skipped');
          assert.equal((await entry('LTCUSDT', 'free-1')).kind, 'opened');
        } finally {
          release();
          await holder;
          await other.close();
        }
      });
    }
  });
}
