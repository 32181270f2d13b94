// A slow LLM never holds up the live bot. On a fake exchange with 1-minute bars, an LLM analyst answers
// BTC at once and keeps ETH's verdict back (as a model taking minutes would): meanwhile the equity look
// runs every 10 s, BTC's stop is hit on the next bar and exits at that bar's close, and once the verdict
// arrives ETH is bought at once, at the last price — not at the next bar.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { parseConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { openStore } from '../store/open-store.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { FakeLlmServer, type LlmReply, type RecordedLlmRequest } from '../../test/support/fake-llm.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { liveExchange } from '../../test/support/live-exchange.ts';
import { advanceLive, until } from '../../test/support/live-loop.ts';
import { startLive } from './live-bot.ts';

const MINUTE = 60_000;
const H0 = Date.UTC(2024, 0, 1);
const quiet = (i: number): FakeBar => ({
  time: H0 + i * MINUTE,
  open: 100,
  high: 101,
  low: 99,
  close: 100,
  volume: 1,
});
/** 150 quiet minutes; BTC's 151st breaks out to 104. */
const BTC: FakeBar[] = Array.from({ length: 151 }, (_, i) =>
  i === 150 ? { ...quiet(i), high: 104.5, close: 104 } : quiet(i),
);
const ETH: FakeBar[] = Array.from({ length: 151 }, (_, i) => quiet(i));
const V = variantId('llm');

for (const target of STORE_TARGETS) {
  describe(`a slow LLM analyst on the live bot: ${target.dialect}`, () => {
    let fake: FakeBinance;
    let llm: FakeLlmServer;
    let store: Store;
    let cleanup: () => Promise<void>;
    let release: () => void = () => undefined;
    const ethVerdict = new Promise<void>((resolve) => (release = resolve));

    /** Prose for the market analyst; the verdict buys with a stop 3 % under the price — ETH's held back. */
    function model(request: RecordedLlmRequest): LlmReply {
      if (!request.promptText.includes('final verdict')) return { kind: 'text', text: 'Momentum is up.' };
      const price = Number(/at about (\d+(?:\.\d+)?)/.exec(request.promptText)?.[1]);
      const value = {
        side: 'BUY',
        confidence: 0.7,
        stop_loss: Number((price * 0.97).toPrecision(6)),
        take_profit: null,
        stop_loss_pips: null,
        take_profit_pips: null,
        rationale: 'breakout',
      };
      return request.promptText.includes('ETH')
        ? { kind: 'json', value, until: ethVerdict }
        : { kind: 'json', value };
    }

    before(async () => {
      fake = await FakeBinance.start();
      llm = await FakeLlmServer.start({ script: model });
      const created = await target.create();
      cleanup = () => created.cleanup();
      ({ store } = await openStore(created.url, { now: '2024-01-01T00:00:00Z' }));
    });
    after(async () => {
      release();
      await store.close();
      await llm.close();
      await fake.close();
      await cleanup();
    });

    it('keeps equity looks every 10 s and exits a stop on time while a decision is in flight', async () => {
      fake.setBars('BTCUSDT', BTC);
      fake.setBars('ETHUSDT', ETH);
      const config = parseConfig(
        `market:
  symbols: [BTC/USDT, ETH/USDT]
  timeframe: 1m
  exchange: binance
  exchange_url: ${fake.baseUrl}
  warmup_bars: 120
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
engine:
  equity_every: 10s
  analyst_workers: 2
analyst:
  kind: llm
  base_url: ${llm.openaiUrl}
  quick_model: quick
  deep_model: deep
  roles: [market, trader]
  debate_rounds: 0
variants:
  llm:
`,
        'slow-llm.yaml',
      );
      const exchange = await liveExchange(config);
      const c1 = H0 + 151 * MINUTE; // BTC's breakout bar closes
      const clock = new SimClock(c1 - 30_000);
      const bot = await startLive({ store, config, variants: config.variants, exchange, clock });
      try {
        await advanceLive(clock, c1 + 5_000, 5_000);
        await until(async () => (await store.openPositions(V)).length === 1, 'the BTC entry');
        const [btc] = await store.openPositions(V);
        assert.equal(btc?.symbol, 'BTC/USDT');

        // The next minute: BTC holds, ETH breaks out — its verdict is held back by the model.
        fake.addBars('BTCUSDT', [{ ...quiet(151), open: 104, high: 104.4, low: 103.5, close: 104 }]);
        fake.addBars('ETHUSDT', [{ ...quiet(151), high: 104.5, close: 104 }]);
        const c2 = c1 + MINUTE;
        await advanceLive(clock, c2 + 5_000, 5_000);
        await until(
          async () => (await store.listIntents({ variantId: V, statuses: ['claimed'] })).length === 1,
          'the ETH decision in flight',
        );

        // The minute after: BTC crashes through its stop while the ETH decision is still in flight.
        fake.addBars('BTCUSDT', [{ ...quiet(152), open: 104, high: 104.2, low: 95, close: 96 }]);
        fake.addBars('ETHUSDT', [{ ...quiet(152), open: 104, high: 104.6, low: 103.8, close: 104.2 }]);
        const c3 = c2 + MINUTE;
        await advanceLive(clock, c3 + 5_000, 5_000);
        await until(async () => (await store.closedPositions({ variantId: V })).length === 1, 'the stop');
        const [closed] = await store.closedPositions({ variantId: V });
        assert.deepEqual(
          [closed?.symbol, closed?.exitReason, closed?.closedAt],
          ['BTC/USDT', 'hard_stop', c3],
          'exited at the close of the bar that hit the stop',
        );
        const looks = (await store.equitySnapshots(V)).map((s) => s.at).filter((at) => at > c2 && at <= c3);
        assert.deepEqual(
          looks,
          [10, 20, 30, 40, 50, 60].map((s) => c2 + s * 1000),
          'an equity look every 10 s of the minute the decision was in flight',
        );
        const [eth] = await store.listIntents({ variantId: V, symbol: 'ETH/USDT' });
        assert.equal(eth?.status, 'claimed', 'the ETH decision is still in flight');

        // The verdict arrives between bars: ETH is bought at once, at the last price.
        const arrived = clock.now();
        release();
        await until(async () => (await store.openPositions(V)).length === 1, 'the ETH entry');
        const [ethPosition] = await store.openPositions(V);
        assert.deepEqual(
          [ethPosition?.symbol, ethPosition?.entryPrice, ethPosition?.openedAt],
          ['ETH/USDT', 104.2, arrived],
        );
      } finally {
        await bot.stop();
        await bot.done;
      }
    });
  });
}
