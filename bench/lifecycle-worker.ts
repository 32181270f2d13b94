// One benchmark worker process: full intent lifecycles, insert → claim → decide (ready_for_exec) →
// pick (executing) → open → close, each transition with its decision record, `batch` intents per
// transaction, for `seconds`. Prints {lifecycles, seconds, stages} as JSON.
import { positionId, variantId, workerId } from '../src/domain/ids.ts';
import type { AnalystDecision } from '../src/domain/intent.ts';
import { openStore } from '../src/store/open-store.ts';

const [url, name, batchArg, secondsArg, startAtArg] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: lifecycle-worker URL WORKER BATCH SECONDS START_AT_MS');
const batch = Number(batchArg);
const seconds = Number(secondsArg);
const worker = workerId(name);
const variant = variantId('bench');
const decision: AnalystDecision = {
  side: 'BUY',
  slPrice: 95,
  tpPrice: 110,
  slPips: null,
  tpPips: null,
  riskReport: 'bench',
  agentState: null,
};
const stages = { insert: 0, claim: 0, decide: 0, pick: 0, open: 0, close: 0 };

const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z', migrate: false, poolSize: 2 });
const wallNow = () => performance.timeOrigin + performance.now();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtArg) - wallNow())));

async function timed<T>(stage: keyof typeof stages, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  stages[stage] += performance.now() - start;
  return result;
}

let lifecycles = 0;
let serial = 0;
let now = Date.UTC(2026, 0, 5);
const began = performance.now();
while (performance.now() - began < seconds * 1_000) {
  now += 1_000;
  const inputs = Array.from({ length: batch }, () => ({
    variantId: variant,
    symbol: `${name}-${serial++}`,
    tradeDate: '2026-01-05',
  }));
  await timed('insert', () => store.insertIntents(inputs, 'bench-scanner', now));
  const claimed = await timed('claim', () => store.claimPending(worker, now, { limit: batch }));
  await timed('decide', () =>
    store.transitionMany(
      claimed.map((i) => ({ id: i.id, event: 'decide_trade', actor: worker, decision })),
      now,
    ),
  );
  const picked = await timed('pick', () => store.pickReady(worker, now, { limit: batch }));
  await timed('open', () =>
    store.transitionMany(
      picked.map((i) => ({ id: i.id, event: 'open', actor: worker, positionId: positionId(`p-${i.id}`) })),
      now,
    ),
  );
  const closed = await timed('close', () =>
    store.transitionMany(
      picked.map((i) => ({ id: i.id, event: 'close', actor: worker, reason: 'bench exit' })),
      now,
    ),
  );
  lifecycles += closed.length;
}
const elapsed = (performance.now() - began) / 1_000;
await store.close();
process.stdout.write(JSON.stringify({ lifecycles, seconds: elapsed, stages }));
