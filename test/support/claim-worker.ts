// A claimer in its own process, for the concurrency and crash tests.
//   drain URL WORKER 0 NOW_MS [START_AT_MS]
//                               claims one intent at a time and decides it, until none is left;
//                               prints the ids it claimed as JSON. START_AT_MS (wall clock): begin
//                               then, so claimers that connected at different speeds start together.
//   hold URL WORKER N NOW_MS    claims N intents at NOW_MS, prints them, then hangs until killed.
import { errorKindOf } from '../../src/domain/errors.ts';
import { markReadyForExec } from '../../src/domain/intent-commands.ts';
import { workerId } from '../../src/domain/ids.ts';
import { openStore } from '../../src/store/open-store.ts';
import { wallNow } from '../../src/clock/system-clock.ts';

const [mode, url, name, count, nowArg, startAt] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: claim-worker drain|hold URL WORKER [N NOW_MS]');
const worker = workerId(name);
const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z', migrate: false, poolSize: 1 });
const decision = {
  side: 'BUY',
  slPrice: null,
  tpPrice: null,
  slPips: 50,
  tpPips: 100,
  riskReport: '',
  agentState: null,
} as const;

/** What every Sigil worker does with a retryable error (a busy or unreachable store): back off, retry. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (errorKindOf(error) !== 'retryable' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

if (mode === 'drain') {
  const claimed: string[] = [];
  const now = Number(nowArg ?? 0);
  while (startAt !== undefined && wallNow() < Number(startAt)) await new Promise((r) => setTimeout(r, 2));
  for (;;) {
    const intent = await retrying(() => store.claimNextPending(worker, now));
    if (!intent) break;
    claimed.push(intent.id);
    // A decision takes time: between transactions the lock is free for the others. (Back to back, one
    // SQLite process re-takes the lock before the others' busy handlers wake, and drains the queue alone.)
    await new Promise((resolve) => setTimeout(resolve, 1));
    await retrying(() => markReadyForExec(store, intent.id, worker, { ...decision }, now));
  }
  await store.close();
  process.stdout.write(JSON.stringify(claimed));
} else if (mode === 'hold') {
  const intents = await store.claimPending(worker, Number(nowArg), { limit: Number(count) });
  process.stdout.write(`${JSON.stringify(intents.map((intent) => intent.id))}\n`);
  setInterval(() => undefined, 60_000); // hold the claims until SIGKILL
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
