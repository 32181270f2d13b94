// The kill switch on marked-to-market equity: a position's open loss trips it at the equity monitor's
// look, before any trade closes (realised equity has not moved), once, with the event that alerts it —
// and not at all when the limit is off.
import { instrumentBook } from '../app/instrument-for.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { positionId, variantId, workerId, type EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { paperBrokers, variantRuntimes } from '../app/engine-for.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { equityEvents, monitorEquity } from './equity-monitor.ts';
import { MarketState } from './market-state.ts';

const HOUR = 3_600_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const config = parseConfig(
  `account:
  starting_balance_usd: 1000
variants:
  guarded:
    protections:
      kill_switch_drawdown_pct: 5
  unguarded:
`,
  'kill.yaml',
);

describe('the kill switch on equity', () => {
  const dir = tempDir();
  let store: Store;
  const market = new MarketState(HOUR);
  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'kill.db')}`, { now: '2026-01-05T00:00:00Z' }));
    // Each variant holds 10 BTC bought at 100: every point down is 10 dollars of open loss.
    for (const variant of ['guarded', 'unguarded']) {
      await store.openPosition({
        id: positionId(`${variant}:position`),
        intentId: null,
        variantId: variantId(variant),
        symbol: 'BTCUSDT',
        side: 'long',
        qty: 10,
        entryPrice: 100,
        atrAtEntry: null,
        initialStop: 80,
        currentStop: 80,
        peakPrice: 100,
        takeProfit: null,
        openedAt: T0,
        fees: 0,
        brokerRef: null,
      });
    }
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  /** One look of the monitor with BTCUSDT's last close at `price`, `hours` after T0. */
  async function lookAt(price: number, hours: number) {
    const at = T0 + hours * HOUR;
    market.closeBar({
      symbol: 'BTCUSDT',
      time: at - HOUR,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 1,
    });
    const runtimes = variantRuntimes(config, config.variants, { store, market });
    const reports = await monitorEquity(
      {
        store,
        brokers: paperBrokers(store, market, config, config.variants, 'last_price'),
        market,
        instruments: instrumentBook(config.market),
        worker: workerId('bot:equity'),
        variants: runtimes,
      },
      at,
    );
    return { reports, events: equityEvents(reports, at), at };
  }

  it('trips on an open loss past the limit, once, and tells it', async () => {
    // 1 000 → 1 020 (the peak), then 970: 4.9 % below the peak, inside the 5 % limit.
    await lookAt(102, 1);
    const inside = await lookAt(97, 2);
    assert.deepEqual(inside.events, []);
    assert.equal((await store.tradingState(variantId('guarded'))).state, 'active');

    // 960 is 5.88 % below 1 020: halted, though no trade has closed.
    const past = await lookAt(96, 3);
    assert.equal(await store.realizedTotal(variantId('guarded')), 0, 'nothing realised');
    const state = await store.tradingState(variantId('guarded'));
    assert.equal(state.state, 'halted');
    assert.equal(state.actor, 'bot:equity');
    assert.equal(state.reason, 'kill switch: equity 960.00 is 5.88 % below its peak 1 020.00 (limit 5 %)');
    assert.deepEqual(past.events, [
      {
        type: 'kill_switch_tripped',
        at: past.at,
        variantId: 'guarded',
        actor: 'bot:equity',
        why: 'equity 960.00 is 5.88 % below its peak 1 020.00 (limit 5 %)',
      },
    ]);
    // The position keeps its stop; the next look finds the variant halted and says nothing more.
    assert.equal((await store.openPositions(variantId('guarded'))).length, 1);
    assert.deepEqual((await lookAt(90, 4)).events, []);
  });

  it('leaves a variant without the limit alone', async () => {
    assert.equal((await store.tradingState(variantId('unguarded'))).state, 'active');
  });
});
