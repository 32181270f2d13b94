// `sigil run --fresh`: a new store where one was started for something else. The old SQLite file is
// moved aside under a dated name — with its -wal and -shm, which hold commits not yet in the main file —
// rather than deleted: it is a run's whole record, and `--fresh` is typed quickly. Never from under a
// running process: one still holding a lease on the store would go on in the moved file while this run
// took the same variants in the new one.
import { existsSync, renameSync } from 'node:fs';
import type { EpochMs } from '../domain/ids.ts';
import { leaseLive } from '../domain/lease.ts';
import { StoreConfigError } from '../store/store-errors.ts';
import { describeHolder } from './process-leases.ts';
import { openStore, sqliteFile } from '../store/open-store.ts';

/** Moves the store at `url` aside; returns where it went, or null when there was none. */
export async function moveStoreAside(url: string, wallNow: EpochMs): Promise<string | null> {
  const file = sqliteFile(url);
  if (file === null)
    throw new StoreConfigError(
      '--fresh moves a SQLite database aside; with PostgreSQL, start anew in another schema (…?schema=name) or database',
    );
  if (!existsSync(file)) return null;
  await refuseWhileHeld(url, wallNow);
  const stamp = new Date(wallNow).toISOString().replace(/[:.]/g, '-');
  const aside = file.replace(/(\.db)?$/, `.${stamp}$1`);
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

async function refuseWhileHeld(url: string, wallNow: EpochMs): Promise<void> {
  const { store } = await openStore(url, { now: new Date(wallNow).toISOString(), migrate: false }).catch(
    // A file that is no store of this Sigil (older schema, another application's) has no leases to honour.
    () => ({ store: null }),
  );
  if (!store) return;
  try {
    const held = (await store.leases()).find((lease) => leaseLive(lease, wallNow));
    if (held)
      throw new StoreConfigError(
        `--fresh: a process still runs on this database (${describeHolder(held)}); stop it before starting anew`,
      );
  } finally {
    await store.close();
  }
}
