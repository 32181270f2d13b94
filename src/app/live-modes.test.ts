// The blueprint's two other live modes on a fake exchange: `--once` (one whole cycle on the newest closed
// bar, for cron) enters a breakout and, run again an hour later, exits it on its stop; `--monitor-only`
// manages an open position to its stop and looks at equity, but opens nothing on a new breakout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Exchange } from 'ccxt';
import { SimClock } from '../clock/sim-clock.ts';
import { parseConfig, type SigilConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { liveExchange } from '../../test/support/live-exchange.ts';
import { advanceLive, until } from '../../test/support/live-loop.ts';
import { runLiveOnce, startLive } from './live-bot.ts';

const HOUR = 3_600_000;
const H0 = Date.UTC(2024, 0, 1);
const quiet = (i: number): FakeBar => ({
  time: H0 + i * HOUR,
  open: 100,
  high: 101,
  low: 99,
  close: 100,
  volume: 1,
});
const V = variantId('live');

describe('sigil run --once and --monitor-only on a fake exchange', () => {
  const dir = tempDir('sigil-live-modes-');
  let fake: FakeBinance;
  let store: Store;
  let config: SigilConfig;
  let exchange: Exchange;
  before(async () => {
    fake = await FakeBinance.start();
    ({ store } = await openStore(`sqlite:${join(dir.path, 'live.db')}`, { now: '2024-01-01T00:00:00Z' }));
    config = parseConfig(
      `market:
  symbols: [BTC/USDT, ETH/USDT]
  timeframe: 1h
  exchange: binance
  exchange_url: ${fake.baseUrl}
  warmup_bars: 120
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
variants:
  live:
`,
      'live.yaml',
    );
    exchange = await liveExchange(config);
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  it('--once enters the newest bar’s breakout and returns; run again, exits on the stop', async () => {
    fake.setBars('BTCUSDT', [
      ...Array.from({ length: 150 }, (_, i) => quiet(i)),
      { ...quiet(150), high: 104.5, close: 104 },
    ]);
    fake.setBars(
      'ETHUSDT',
      Array.from({ length: 151 }, (_, i) => quiet(i)),
    );
    const breakoutClose = H0 + 151 * HOUR;
    const clock = new SimClock(breakoutClose + 30_000);
    await runLiveOnce({ store, config, variants: config.variants, exchange, clock });
    const [position] = await store.openPositions(V);
    assert.deepEqual([position?.symbol, position?.entryPrice], ['BTC/USDT', 104]);
    assert.equal((await store.equitySnapshots(V)).at(-1)?.at, breakoutClose + 30_000, 'equity looked at');

    fake.addBars('BTCUSDT', [{ ...quiet(151), open: 103, high: 103.5, low: 95, close: 96 }]);
    fake.addBars('ETHUSDT', [quiet(151)]);
    await runLiveOnce({
      store,
      config,
      variants: config.variants,
      exchange,
      clock: new SimClock(breakoutClose + HOUR + 30_000),
    });
    const [closed] = await store.closedPositions({ variantId: V });
    assert.deepEqual([closed?.exitReason, closed?.exitPrice], ['hard_stop', position?.initialStop]);
  });

  it('--monitor-only manages an open position to its stop and opens nothing on a breakout', async () => {
    // An open ETH position, entered by a --once run on ETH's breakout (the bar closing at t).
    const t = H0 + 153 * HOUR;
    fake.addBars('BTCUSDT', [quiet(152)]);
    fake.addBars('ETHUSDT', [{ ...quiet(152), high: 104.5, close: 104 }]);
    await runLiveOnce({
      store,
      config,
      variants: config.variants,
      exchange,
      clock: new SimClock(t + 30_000),
    });
    const [eth] = await store.openPositions(V);
    assert.equal(eth?.symbol, 'ETH/USDT');
    const intentsBefore = (await store.listIntents({ variantId: V })).length;

    const clock = new SimClock(t + 60_000);
    const bot = await startLive({
      store,
      config,
      variants: config.variants,
      exchange,
      clock,
      monitorOnly: true,
    });
    try {
      // BTC breaks out (nothing may open) while ETH crashes through its stop.
      fake.addBars('BTCUSDT', [{ ...quiet(153), high: 108, close: 107.5 }]);
      fake.addBars('ETHUSDT', [{ ...quiet(153), open: 103, high: 103.5, low: 95, close: 96 }]);
      await advanceLive(clock, t + HOUR + 5_000, 60_000);
      await until(async () => (await store.openPositions(V)).length === 0, 'the ETH stop');
      assert.equal((await store.listIntents({ variantId: V })).length, intentsBefore, 'no new intent');
      const looks = (await store.equitySnapshots(V)).filter((s) => s.at > t + 60_000);
      assert.ok(looks.length >= 50, `equity looked at every minute (${looks.length})`);
    } finally {
      await bot.stop();
      await bot.done;
    }
  });
});
