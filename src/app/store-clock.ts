// A clock reading a store's own time (see store-time.ts) for a server that answers synchronously: the
// time is read once at the start and again every few seconds, as a replay running in another process
// moves it on. A live store's clock is the wall clock itself.
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { storeTime } from './store-time.ts';

const REFRESH_MS = 2_000;

export interface StoreClock extends Pick<Clock, 'now'> {
  stop(): void;
}

export async function followStoreClock(store: Store, wall: Pick<Clock, 'now'>): Promise<StoreClock> {
  const first = await storeTime(store, wall.now());
  if (!first.replay) return { now: () => wall.now(), stop: () => undefined };
  let now = first.now;
  const timer = setInterval(() => {
    storeTime(store, wall.now()).then(
      (time) => (now = time.now),
      // A store that cannot be read keeps the last time read; the API's own reads report the outage.
      () => undefined,
    );
  }, REFRESH_MS);
  timer.unref();
  return { now: () => now, stop: () => clearInterval(timer) };
}
