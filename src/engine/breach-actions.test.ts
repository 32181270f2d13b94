// Acting on a breach at a real (fake) Match-Trader account: the pause or halt is written before the
// closes, a close the broker refuses is reported and tried again at the next look, and a variant
// halted for another reason is still closed out on a hard breach.
import { instrumentBook } from '../app/instrument-for.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { positionId, variantId, workerId, type EpochMs } from '../domain/ids.ts';
import { ALL_SYMBOLS } from '../domain/protection.ts';
import type { Store } from '../domain/ports/store.ts';
import { variantRuntimes } from '../app/engine-for.ts';
import { MatchTraderBroker } from '../brokers/match-trader/match-trader-broker.ts';
import { accountState } from '../compliance/account-state.ts';
import { assessBreach } from '../compliance/breach.ts';
import { presetRules } from '../compliance/presets.ts';
import { tripKillSwitch } from '../risk/kill-switch.ts';
import { openStore } from '../store/open-store.ts';
import { FakeMatchTrader } from '../../test/support/fake-match-trader.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { actOnBreach } from './breach-actions.ts';
import { MarketState } from './market-state.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const E8 = variantId('e8');
const RULES = presetRules('e8', 50_000);
const config = parseConfig(
  `market:
  instruments:
    EURUSD: { price_tick: 0.00001, qty_step: 0.01, min_qty: 0.01, min_notional: 0, contract_size: 100000, pip_size: 0.0001 }
account:
  starting_balance_usd: 50000
compliance:
  preset: e8
variants:
  e8:
`,
  'e8.yaml',
);

/** The account at `equity` with no trade closed: 47 875 is the daily act level, 46 600 the maximum's. */
const breachAt = (equity: number) => {
  const state = accountState({
    rules: RULES,
    now: T0,
    closed: [],
    openedAt: [T0 - 3_600_000],
    live: { balance: 50_000, equity, openPositions: 1, openOrders: 0 },
    requests: { all: 0, modifications: 0, positions: 0 },
  });
  return { state, breach: assessBreach(state, RULES) };
};

describe('breach actions at a Match-Trader account', () => {
  const dir = tempDir();
  let store: Store;
  let fake: FakeMatchTrader;
  let broker: MatchTraderBroker;
  const market = new MarketState(3_600_000);
  let n = 0;
  before(async () => {
    fake = await FakeMatchTrader.start({ now: () => T0 });
    ({ store } = await openStore(`sqlite:${join(dir.path, 'breach.db')}`, { now: '2026-01-05T00:00:00Z' }));
    broker = new MatchTraderBroker({
      client: fake.client({
        timeoutMs: 500,
        now: () => T0,
      }),
      store,
      account: 'match_trader:test',
      contractSizeOf: () => 100_000,
    });
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  const deps = () => ({
    store,
    market,
    instruments: instrumentBook(config.market),
    worker: workerId('equity-test'),
  });
  const runtime = () => variantRuntimes(config, config.variants, { store, market })[0]!;

  /** A position open at the broker and in the store. */
  async function openOne() {
    const id = positionId(`b-${++n}:position`);
    const fill = await broker.submitMarketOrder(
      {
        clientOrderId: `b-${n}:entry`,
        variantId: E8,
        symbol: 'EURUSD',
        side: 'buy',
        purpose: 'entry',
        qty: 0.5,
        contractSize: 100_000,
        intentId: null,
        positionId: id,
        stopLoss: 1.09,
        takeProfit: null,
      },
      T0,
    );
    return store.openPosition({
      id,
      intentId: null,
      variantId: E8,
      symbol: 'EURUSD',
      side: 'long',
      qty: fill.qty,
      entryPrice: fill.price ?? 0,
      atrAtEntry: null,
      initialStop: 1.09,
      currentStop: 1.09,
      peakPrice: fill.price ?? 0,
      takeProfit: null,
      openedAt: T0,
      fees: 0,
      brokerRef: fill.brokerRef ?? null,
    });
  }

  it('pauses first, reports a refused close, and closes it at the next look', async () => {
    const position = await openOne();
    const { state, breach } = breachAt(47_875);
    assert.equal(breach.kind, 'soft');
    fake.fault('close', { kind: 'rejected', message: 'Market closed' });
    const first = await actOnBreach(deps(), runtime(), broker, breach, state, T0);
    assert.equal(first.action, 'paused');
    assert.equal(first.closed.length, 0);
    assert.match(first.failed[0] ?? '', /Market closed/);
    const [lock] = await store.activeProtections(E8, ALL_SYMBOLS, T0);
    assert.equal(lock?.kind, 'compliance', 'the pause is in force although the close failed');

    const second = await actOnBreach(deps(), runtime(), broker, breach, state, T0 + 60_000);
    assert.equal(second.action, 'none', 'already paused');
    assert.deepEqual(
      second.closed.map((p) => [p.id, p.exitReason]),
      [[position.id, 'compliance']],
    );
    assert.equal(fake.openPositions().length, 0);
  });

  it('closes out a variant the kill switch halted when the maximum loss is reached', async () => {
    await openOne();
    await tripKillSwitch(store, { variantId: E8, why: 'drawdown', actor: 'test' }, T0);
    const { state, breach } = breachAt(46_500);
    assert.equal(breach.kind, 'hard');
    const outcome = await actOnBreach(deps(), runtime(), broker, breach, state, T0 + 120_000);
    assert.equal(outcome.action, 'none', 'already halted');
    assert.equal(outcome.closed.length, 1);
    assert.equal((await store.openPositions(E8)).length, 0);
    assert.equal(fake.openPositions().length, 0);
    assert.match((await store.tradingState(E8)).reason, /kill switch/);
  });
});
