// Opens (and so migrates) a database at an agreed instant, to race another process doing the same.
import { openStore } from '../../src/store/open-store.ts';

const [url, startAt] = process.argv.slice(2);
if (!url || !startAt) throw new Error('usage: migrate-child URL START_AT_MS');
// Both processes wake at the same wall-clock instant, then race for the empty database.
await new Promise((resolve) =>
  setTimeout(resolve, Math.max(0, Number(startAt) - performance.timeOrigin - performance.now())),
);
const { store, migrations } = await openStore(url, { now: '2026-01-01T00:00:00Z' });
await store.close();
process.stdout.write(
  JSON.stringify({ applied: migrations?.applied.map((m) => m.id), version: migrations?.version }),
);
