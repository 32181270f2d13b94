// risk.max_open_trades: a scan keeps only the free slots' worth of signals, the highest scores first
// (open positions and entries under way take slots), and a backtest with one slot never holds two
// positions at once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { Signal } from '../domain/signal.ts';
import { parseConfig } from '../config/load-config.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runScanCycle } from './scan-cycle.ts';

const T0 = Date.UTC(2026, 0, 5);
const V = variantId('capped');
const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));

function signal(symbol: string, score: number): Signal {
  return {
    variantId: V,
    symbol,
    side: 'BUY',
    at: T0,
    tradeDate: new Date(T0).toISOString(),
    price: 100,
    atr: 1,
    scanner: { score, confidence: 'medium', scoreGap: 0, dropDistance: 0, topkSpread: 0 },
    rule: 'test',
  };
}

describe('risk.max_open_trades', () => {
  const dir = tempDir('sigil-max-open-');
  let store: Store;
  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'cap.db')}`, { now: '2026-01-05T00:00:00Z' }));
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  it('keeps the highest-scored signals that fit the free slots; entries under way take slots', async () => {
    const scan = (signals: Signal[], now: number) =>
      runScanCycle({
        store,
        scanner: { scanCycle: () => signals },
        variantId: V,
        symbols: signals.map((s) => s.symbol),
        candles: async () => [],
        now,
        intentExpiryHours: 4,
        claimTtlMinutes: 5,
        maxOpenTrades: 2,
      });
    const first = await scan([signal('AAA', 0.5), signal('BBB', 2), signal('CCC', 1)], T0);
    assert.deepEqual(
      first.signals.map((s) => s.symbol),
      ['BBB', 'CCC'],
      'the two best of three',
    );
    assert.deepEqual(
      first.capped.map((s) => s.symbol),
      ['AAA'],
    );
    // The two intents are pending: no slot is free for another signal.
    const second = await scan([signal('DDD', 9)], T0 + 3_600_000);
    assert.deepEqual(second.signals, []);
    assert.deepEqual(
      second.capped.map((s) => s.symbol),
      ['DDD'],
    );
    assert.equal((await store.listIntents({ variantId: V })).length, 2);
  });

  it('with one slot, a backtest never holds two positions at once', async () => {
    const yaml = (cap: string) => `market:
  data: ${DATA}
  symbols: [BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT]
risk:
  max_open_trades: ${cap}
variants:
  capped:
`;
    const to = Date.parse('2021-10-01T00:00:00Z');
    const capped = await runBacktest({ config: parseConfig(yaml('1'), 'capped.yaml'), to });
    const free = await runBacktest({ config: parseConfig(yaml('null'), 'free.yaml'), to });
    const intervals = capped.closed.map((p) => [p.openedAt, p.closedAt as number] as const);
    intervals.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++)
      assert.ok(
        (intervals[i] as readonly number[])[0]! >= (intervals[i - 1] as readonly number[])[1]!,
        'no overlap',
      );
    assert.ok(capped.closed.length > 10 && capped.closed.length < free.closed.length);
  });
});
