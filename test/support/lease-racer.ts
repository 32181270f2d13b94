// A process racing another for leases, for the two-owner race test:
//   lease-racer URL HOLDER ROUNDS START_AT_MS
// waits until START_AT_MS (wall clock), then tries to take `variant:race-<r>` for r = 0 … ROUNDS-1 as fast
// as it can, each in its own acquisition; prints the rounds it won as JSON.
import { openStore } from '../../src/store/open-store.ts';
import { wallNow } from '../../src/clock/system-clock.ts';

const [url, holder, rounds, startAt] = process.argv.slice(2);
if (!url || !holder || !rounds || !startAt)
  throw new Error('usage: lease-racer URL HOLDER ROUNDS START_AT_MS');
const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z', migrate: false, poolSize: 1 });
const me = { holder, host: 'race-host', pid: process.pid, info: '{}' };
while (wallNow() < Number(startAt)) await new Promise((resolve) => setImmediate(resolve));
const won: number[] = [];
for (let round = 0; round < Number(rounds); round++) {
  // Busy answers (SQLite's writer lock under contention) are retried: a refused lease is an answer.
  for (let attempt = 1; ; attempt++) {
    try {
      const claim = await store.acquireLeases([`variant:race-${round}`], me, wallNow(), 60_000);
      if (claim.acquired) won.push(round);
      break;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}
await store.close();
console.log(JSON.stringify(won));
