// An entry whose broker answer is lost and whose read-back cannot tell: the intent stays `executing`
// (never failed, which would orphan a position the broker may hold), and once its lease has run out
// the adoption reads the broker again — finding the position the lost request opened, or sending the
// order once more when the broker holds none. Real Match-Trader client and fake server, real SQLite.
import { instrumentBook } from '../app/instrument-for.ts';
import assert from 'node:assert/strict';
import { PLAIN_BUY } from '../../test/support/decision-fixture.ts';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { workerId, type EpochMs } from '../domain/ids.ts';
import { markReadyForExec } from '../domain/intent-commands.ts';
import type { Store } from '../domain/ports/store.ts';
import { variantRuntimes } from '../app/engine-for.ts';
import { MatchTraderBroker } from '../brokers/match-trader/match-trader-broker.ts';
import { openStore } from '../store/open-store.ts';
import { FakeMatchTrader } from '../../test/support/fake-match-trader.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { adoptAbandoned, executeReady } from './execution.ts';
import { MarketState } from './market-state.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;
const config = parseConfig(
  `market:
  instruments:
    EURUSD: { price_tick: 0.00001, qty_step: 0.01, min_qty: 0.01, min_notional: 0, contract_size: 100000, pip_size: 0.0001 }
risk:
  hard_stop_floor_pct: 1
  hard_stop_cap_pct: 1
  risk_per_trade_usd: 550
  max_position_usd: 100000000
pipeline:
  claim_ttl_minutes: 5
protections:
  cooldown_hours: 0
variants:
  fx:
`,
  'fx.yaml',
);

describe('an entry whose answer is lost', () => {
  const dir = tempDir();
  let store: Store;
  let fake: FakeMatchTrader;
  let deps: TradingWorkerDeps;
  const clock = { now: T0 };
  before(async () => {
    fake = await FakeMatchTrader.start({ now: () => clock.now });
    ({ store } = await openStore(`sqlite:${join(dir.path, 'lost.db')}`, { now: '2026-01-05T00:00:00Z' }));
    const market = new MarketState(HOUR);
    market.closeBar({
      symbol: 'EURUSD',
      time: T0 - HOUR,
      open: 1.1,
      high: 1.1,
      low: 1.1,
      close: 1.1,
      volume: 1,
    });
    const broker = new MatchTraderBroker({
      client: fake.client({
        timeoutMs: 300,
        now: () => clock.now,
      }),
      store,
      account: 'match_trader:test',
      contractSizeOf: () => 100_000,
    });
    deps = {
      store,
      brokers: () => broker,
      variants: new Map(
        variantRuntimes(config, config.variants, { store, market }).map((v) => [v.id as string, v]),
      ),
      market,
      instruments: instrumentBook(config.market),
      worker: workerId('exec-test'),
    };
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  async function readyIntent(tradeDate: string) {
    const variant = config.variants[0]!.id;
    const { intent } = await store.insertIntent(
      { variantId: variant, symbol: 'EURUSD', tradeDate, atrAtSignal: 0.001, claimTtlMinutes: 5 },
      'scanner:test',
      clock.now - 1,
    );
    await store.claimPending(workerId('analyst'), clock.now - 1);
    await markReadyForExec(store, intent.id, workerId('analyst'), PLAIN_BUY, clock.now - 1);
    return intent;
  }

  it('accepted, then the read-back fails: unresolved, then adopted onto the position the broker opened', async () => {
    const intent = await readyIntent('2026-01-05T11');
    fake.fault('open', { kind: 'timeout_after_accept' });
    fake.fault('open-positions', { kind: 'status', status: 503 });
    assert.deepEqual(await executeReady(deps, clock.now), {
      opened: 0,
      rejected: 0,
      failed: 0,
      unresolved: 1,
    });
    assert.equal((await store.getIntent(intent.id))?.status, 'executing');
    assert.equal(fake.openPositions().length, 1, 'the broker holds the lost order');

    clock.now += 6 * 60_000;
    assert.deepEqual(await adoptAbandoned(deps, clock.now), {
      opened: 1,
      rejected: 0,
      failed: 0,
      unresolved: 0,
    });
    const [position] = await store.openPositions();
    assert.equal(position?.brokerRef, fake.openPositions()[0]?.id);
    assert.equal(fake.requests.filter((r) => r.route === 'open').length, 1, 'never sent twice');
  });

  it('never reached the broker: unresolved, then sent once more after the read-back finds nothing', async () => {
    clock.now += HOUR;
    // The first test's position holds EURUSD for this variant, and the entry guard would refuse a second
    // one: it is closed in the store first (the variant's own positions are not the point here).
    await store.closePosition((await store.openPositions())[0]!.id, {
      exitPrice: 1.1,
      exitReason: 'manual',
      closedAt: clock.now,
      fees: 0,
      pnl: 0,
    });
    const intent = await readyIntent('2026-01-05T13');
    const before = fake.openPositions().length;
    fake.fault('open', { kind: 'timeout_before_accept' });
    assert.deepEqual(await executeReady(deps, clock.now), {
      opened: 0,
      rejected: 0,
      failed: 0,
      unresolved: 1,
    });
    assert.equal(fake.openPositions().length, before);

    clock.now += 6 * 60_000;
    assert.deepEqual(await adoptAbandoned(deps, clock.now), {
      opened: 1,
      rejected: 0,
      failed: 0,
      unresolved: 0,
    });
    assert.equal((await store.getIntent(intent.id))?.status, 'opened');
    assert.equal(fake.openPositions().length, before + 1, 'placed exactly once');
  });
});
