// A separate process that makes one entry attempt through the atomic entry path. It opens its own
// connection, prints "ready", and waits for "go" on stdin, so that many of them race at the same moment.
import { createInterface } from 'node:readline';
import { variantId } from '../../src/domain/ids.ts';
import { enterAtomically } from '../../src/risk/atomic-entry.ts';
import { openStore } from '../../src/store/open-store.ts';
import { longAt100 } from './position-fixture.ts';

const [url, variant, symbol, now] = process.argv.slice(2);
if (!url || !variant || !symbol || !now) throw new Error('usage: entry-worker URL VARIANT SYMBOL NOW_MS');
const at = Number(now);

const { store } = await openStore(url, { migrate: false, now: new Date(at).toISOString() });
// One query first, so the connection is open before the race starts.
await store.tradingState(variantId(variant));
console.log('ready');
const stdin = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
stdin.close(); // an open stdin would keep this process alive after its attempt
const outcome = await enterAtomically(
  store,
  {
    position: longAt100(`pos-${symbol}-${process.pid}`, { variant, symbol, openedAt: at }),
    cooldownHours: 6,
  },
  at,
);
console.log(JSON.stringify({ kind: outcome.kind, code: 'code' in outcome ? outcome.code : null }));
await store.close();
