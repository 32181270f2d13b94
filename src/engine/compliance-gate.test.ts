// The gate counts the positions already open: a trade whose own stop fits under the daily margin is
// refused when the open positions' stops, hit with it, would not.
import { instrumentBook } from '../app/instrument-for.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.ts';
import { positionId, workerId, type EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { instrumentFor } from '../app/instrument-for.ts';
import { paperBrokers, variantRuntimes } from '../app/engine-for.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { complianceGate } from './compliance-gate.ts';
import { MarketState } from './market-state.ts';

const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;
const config = parseConfig(
  `market:
  instruments:
    '*': { price_tick: 0.00001, qty_step: 0.01, min_qty: 0.01, min_notional: 0, contract_size: 100000, pip_size: 0.0001 }
account:
  starting_balance_usd: 50000
paper:
  fee_pct: 0
compliance:
  preset: e8
  max_size_offset_pct: 0   # the preset's random size offset would blur the sums below
variants:
  e8:
`,
  'e8.yaml',
);

describe('the compliance gate', () => {
  const dir = tempDir();
  let store: Store;
  const market = new MarketState(HOUR);
  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'gate.db')}`, { now: '2026-01-05T00:00:00Z' }));
    for (const symbol of ['EURUSD', 'GBPUSD']) {
      market.closeBar({ symbol, time: T0 - HOUR, open: 1.1, high: 1.1, low: 1.1, close: 1.1, volume: 1 });
    }
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  const gate = async (riskUsd: number) => {
    const runtime = variantRuntimes(config, config.variants, { store, market })[0]!;
    const deps = {
      store,
      brokers: paperBrokers(store, market, config, config.variants, 'last_price'),
      variants: new Map([[runtime.id as string, runtime]]),
      market,
      instruments: instrumentBook(config.market),
      worker: workerId('gate-test'),
    };
    const { intent } = await store.insertIntent(
      { variantId: runtime.id, symbol: 'GBPUSD', tradeDate: '2026-01-05T11' },
      'test',
      T0,
    );
    return complianceGate(
      deps,
      {
        intent,
        rules: runtime.compliance!,
        startingBalance: 50_000,
        plan: { qty: 1, riskUsd },
        side: 'buy',
        instrument: instrumentFor(config.market, 'GBPUSD'),
        broker: deps.brokers(runtime.id),
      },
      T0,
    );
  };

  it('passes a trade whose stop fits under the daily margin on an empty account', async () => {
    const answer = await gate(1_500);
    assert.equal(answer.passed, true);
  });

  it('refuses the same trade while an open position could lose 1 000 more at its stop', async () => {
    await store.openPosition({
      id: positionId('open-1'),
      intentId: null,
      variantId: config.variants[0]!.id,
      symbol: 'EURUSD',
      side: 'long',
      qty: 1,
      entryPrice: 1.1,
      atrAtEntry: null,
      initialStop: 1.09,
      currentStop: 1.09,
      peakPrice: 1.1,
      takeProfit: null,
      openedAt: T0 - HOUR,
      fees: 0,
    });
    const answer = await gate(1_500);
    assert.equal(answer.passed, false);
    // 50 000 − (1 500 + 1 000) = 47 500 ≤ 47 875, 85 % of the 2 500 daily allowance used.
    assert.match(answer.passed ? '' : answer.reason, /daily_loss: equity 50 000\.00 − risk 2 500\.00/);
  });
});
