// Compliance and broker throughput: the guard's account state rebuilt from a 10 000-trade ledger and the
// full rule check (both run before every entry and at every equity poll), the request budget's counted
// call (one fsync'd commit), and a Match-Trader entry end to end against the fake server (client, store
// records, read-back) with the requests it spends.
import { join } from 'node:path';
import { accountState, type ClosedTrade } from '../src/compliance/account-state.ts';
import { checkCompliance } from '../src/compliance/guard.ts';
import { presetRules } from '../src/compliance/presets.ts';
import { MatchTraderBroker } from '../src/brokers/match-trader/match-trader-broker.ts';
import { RequestBudget } from '../src/brokers/request-budget.ts';
import { positionId, variantId } from '../src/domain/ids.ts';
import { openStore } from '../src/store/open-store.ts';
import { FakeMatchTrader } from '../test/support/fake-match-trader.ts';
import { tempDir } from '../test/support/temp-dir.ts';
import type { BenchFigure } from './indicators.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 12);

function perSecond(seconds: number, fn: () => void): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    fn();
    n++;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

export function guardBench(seconds: number): BenchFigure[] {
  const rules = presetRules('e8', 50_000);
  // 10 000 trades over 400 days, a few hours each, small wins and losses.
  const closed: ClosedTrade[] = Array.from({ length: 10_000 }, (_, i) => {
    const openedAt = NOW - 400 * DAY + (i * (400 * DAY)) / 10_000;
    return { openedAt, closedAt: openedAt + 3 * 3_600_000, pnl: ((i * 7919) % 200) - 99 };
  });
  const input = {
    rules,
    now: NOW,
    closed,
    openedAt: [NOW - 3_600_000],
    live: { balance: 50_000 + 500, equity: 50_400, openPositions: 1, openOrders: 0 },
    requests: { all: 600, modifications: 40, positions: 30 },
  };
  const state = accountState(input);
  const plan = {
    symbol: 'EURUSD',
    side: 'buy' as const,
    lots: 0.5,
    riskAmount: 250,
    purpose: 'entry' as const,
  };
  return [
    {
      bench: 'compliance: account state from 10 000 trades',
      value: perSecond(seconds, () => accountState(input)),
      unit: 'states/s',
      target: '—',
    },
    {
      bench: 'compliance: guard check (12 rules)',
      value: perSecond(seconds, () => checkCompliance(plan, state, rules, NOW)),
      unit: 'checks/s',
      target: '—',
    },
  ];
}

export async function brokerBench(entries: number): Promise<BenchFigure[]> {
  const dir = tempDir('sigil-bench-broker-');
  const { store } = await openStore(`sqlite:${join(dir.path, 'broker.db')}`, { now: '2026-11-23T12:00:00Z' });
  const budget = new RequestBudget(store, 'bench', presetRules('e8', 50_000));
  try {
    const spendStart = performance.now();
    const spends = 500;
    for (let i = 0; i < spends; i++) await budget.spend('read', NOW);
    const spendMs = (performance.now() - spendStart) / spends;

    let now = NOW;
    const fake = await FakeMatchTrader.start({ now: () => now });
    const unlimited = new RequestBudget(store, 'bench-mt', null);
    const broker = new MatchTraderBroker({
      client: fake.client({
        timeoutMs: 5_000,
        now: () => now,
        onRequest: (call) => unlimited.spend(call.kind, now),
      }),
      store,
      account: 'bench-mt',
      contractSizeOf: () => 100_000,
    });
    // The login and the instruments are paid once, before the clock starts.
    await broker.account();
    await broker.openPositions();
    const before = fake.requests.length;
    const start = performance.now();
    for (let i = 0; i < entries; i++) {
      now += 1_000;
      await broker.submitMarketOrder(
        {
          clientOrderId: `bench-${i}:entry`,
          variantId: variantId('bench'),
          symbol: 'EURUSD',
          side: 'buy',
          purpose: 'entry',
          qty: 0.01,
          contractSize: 100_000,
          intentId: null,
          positionId: positionId(`bench-${i}:position`),
          stopLoss: 1.09,
          takeProfit: 1.12,
        },
        now,
      );
    }
    const entryMs = (performance.now() - start) / entries;
    const requests = (fake.requests.length - before) / entries;
    await fake.close();
    return [
      {
        bench: 'request budget: one counted call (SQLite, fsync)',
        value: Number(spendMs.toFixed(2)),
        unit: 'ms/call',
        target: '—',
      },
      {
        bench: `Match-Trader entry against the fake (${entries} entries, up to ${entries} open)`,
        value: Number(entryMs.toFixed(1)),
        unit: 'ms/entry',
        target: '—',
      },
      {
        bench: 'Match-Trader requests per entry',
        value: Number(requests.toFixed(2)),
        unit: 'requests',
        target: '—',
      },
    ];
  } finally {
    await store.close();
    dir.remove();
  }
}
