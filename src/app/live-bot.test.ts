// `sigil run --live` against a fake Binance: real ccxt requests, the scheduler's live loop on a clock the
// test moves. History only warms up; the first live breakout fills at the last price; the next bar's
// crash through the stop closes the position. The dashboard's candle chart shows the bars the bot holds,
// not the configured candle files.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { parseConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { MARKET_JOB } from '../engine/bot.ts';
import { openStore } from '../store/open-store.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { liveExchange } from '../../test/support/live-exchange.ts';
import { advanceLive, until } from '../../test/support/live-loop.ts';
import { startDashboard } from './dashboard-server.ts';
import { liveCandlesSource } from './live-candles-source.ts';
import { startLive } from './live-bot.ts';

const HOUR = 3_600_000;
const H0 = Date.UTC(2024, 0, 1);
/** 150 quiet hours (highs 101), then the 151st bar breaks out to close at 104. */
const HISTORY: FakeBar[] = Array.from({ length: 151 }, (_, i) => ({
  time: H0 + i * HOUR,
  open: 100,
  high: i === 150 ? 104.5 : 101,
  low: 99,
  close: i === 150 ? 104 : 100,
  volume: 1,
}));

describe('sigil run --live on a fake exchange', () => {
  const dir = tempDir('sigil-live-bot-');
  let fake: FakeBinance;
  let store: Store;
  before(async () => {
    fake = await FakeBinance.start();
    ({ store } = await openStore(`sqlite:${join(dir.path, 'live.db')}`, { now: '2024-01-01T00:00:00Z' }));
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  it('warms up on history, enters a live breakout at the last price, and exits on the stop', async () => {
    fake.setBars('BTCUSDT', HISTORY);
    const config = parseConfig(
      `market:
  symbols: [BTC/USDT]
  timeframe: 1h
  exchange: binance
  exchange_url: ${fake.baseUrl}
  warmup_bars: 120
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
pipeline:
  retention_days: 0.05
variants:
  live:
`,
      'live.yaml',
    );
    const exchange = await liveExchange(config);
    const breakoutClose = H0 + 151 * HOUR;
    const clock = new SimClock(breakoutClose - 10 * 60_000);
    // As `sigil run --live` does: the dashboard first (on the bundled files' market.data), the bot then.
    const candles = liveCandlesSource(config.market.symbols);
    const dashboard = await startDashboard({
      config,
      variants: config.variants,
      storeUrl: `sqlite:${join(dir.path, 'live.db')}`,
      clock,
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      env: {},
      candles,
    });
    const chart = async () =>
      (
        (await (await fetch(`${dashboard.url}/api/candles/${encodeURIComponent('BTC/USDT')}`)).json()) as {
          candles: { time: number }[];
        }
      ).candles;
    assert.deepEqual(await chart(), [], 'no bars before the bot runs');
    const bot = await startLive({ store, config, variants: config.variants, exchange, clock });
    candles.attach(bot.market);
    try {
      // The market job runs 5 s after each bar closes.
      await advanceLive(clock, breakoutClose + 5_000);
      await until(
        async () => (await store.jobs([MARKET_JOB]))[0]?.lastRunAt === breakoutClose + 5_000,
        'the first bar',
      );
      const [position] = await store.openPositions(variantId('live'));
      assert.ok(position, 'the live breakout was entered');
      assert.equal(position.entryPrice, 104, 'at the last price: the breakout bar close');
      // ATR(14) at the breakout: 13 bars of range 2 and the breakout's 5.5 → 2.25; 1.5 × 2.25 / 104 = 3.25 %.
      assert.equal(position.atrAtEntry, (13 * 2 + 5.5) / 14);
      assert.ok(Math.abs(position.initialStop - (104 - 1.5 * 2.25)) < 1e-8);
      const intents = await store.listIntents({ variantId: variantId('live') });
      assert.equal(intents.length, 1, 'history bars did not signal');
      // The chart: the warm-up and the live bar, up to the breakout.
      const bars = await chart();
      assert.equal(bars.at(-1)?.time, (H0 + 150 * HOUR) / 1000, 'chart time is in seconds');
      assert.ok(bars.length >= 120, `${bars.length} bars`);
      assert.equal(intents[0]?.status, 'opened');

      fake.addBars('BTCUSDT', [
        { time: breakoutClose, open: 103, high: 103.5, low: 95, close: 96, volume: 1 },
      ]);
      await advanceLive(clock, breakoutClose + HOUR + 5_000, 60_000);
      await until(async () => (await store.openPositions(variantId('live'))).length === 0, 'the stop');
      const [closed] = await store.closedPositions({ variantId: variantId('live') });
      assert.deepEqual([closed?.exitReason, closed?.exitPrice], ['hard_stop', position.initialStop]);
      assert.equal((await store.getIntent(intents[0]!.id))?.status, 'closed');

      // Retention (0.05 days = 72 minutes): a live bot's janitor deletes the finished intent after it.
      await advanceLive(clock, breakoutClose + 3 * HOUR, 60_000);
      await until(async () => (await store.getIntent(intents[0]!.id)) === null, 'retention');
      assert.equal(
        (await store.closedPositions({ variantId: variantId('live') })).length,
        1,
        'never positions',
      );
    } finally {
      await bot.stop();
      await bot.done;
      await dashboard.close();
    }
  });
});
