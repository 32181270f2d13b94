// Live trading with the roles split over processes sharing PostgreSQL, as `sigil run --live --roles
// scanner,execution` on one host and `sigil run --live --roles analyst` on others would run: the bot
// scans and executes, an analyst process decides; an analyst process on another config refuses to
// start; an analyst that dies holding a claim has it handed back once its presence lapses — decided by
// the survivor, with no failed job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { SimClock } from '../clock/sim-clock.ts';
import { wallNow } from '../clock/system-clock.ts';
import { parseConfig } from '../config/load-config.ts';
import { variantId, workerId } from '../domain/ids.ts';
import { analystWorkerName } from '../domain/lease.ts';
import type { Store } from '../domain/ports/store.ts';
import type { SchedulerEvent } from '../engine/scheduler.ts';
import { CcxtMarketContext } from '../marketdata/ccxt-market-context.ts';
import { openStore } from '../store/open-store.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { freshSchema, type TestSchema } from '../../test/support/postgres.ts';
import { advanceLive, until } from '../../test/support/live-loop.ts';
import { liveExchange } from '../../test/support/live-exchange.ts';
import { runAnalystWorkers } from './analyst-process.ts';
import { configVersion } from './config-version.ts';
import { startLive } from './live-bot.ts';
import { ProcessLeases } from './process-leases.ts';
import { ConfigMismatchError, takeOwnership } from './take-ownership.ts';

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
const breakout = (i: number): FakeBar => ({ ...quiet(i), high: 104.5, close: 104 });
const V = variantId('live');

describe('live trading with analysts in processes of their own, on PostgreSQL', () => {
  let fake: FakeBinance;
  let schema: TestSchema;
  const stores: Store[] = [];
  const open = async () => {
    const { store } = await openStore(schema.url, { now: '2024-01-01T00:00:00Z' });
    stores.push(store);
    return store;
  };
  before(async () => {
    fake = await FakeBinance.start();
    schema = await freshSchema();
  });
  after(async () => {
    for (const store of stores) await store.close();
    await schema.drop();
    await fake.close();
  });

  it('decides in the analyst process, refuses one on another config, and recycles a dead one’s claim', async () => {
    fake.setBars('BTCUSDT', [...Array.from({ length: 150 }, (_, i) => quiet(i)), breakout(150)]);
    fake.setBars(
      'ETHUSDT',
      Array.from({ length: 151 }, (_, i) => quiet(i)),
    );
    const yaml = `market:
  symbols: [BTC/USDT, ETH/USDT]
  timeframe: 1h
  exchange: binance
  exchange_url: ${fake.baseUrl}
  warmup_bars: 120
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
engine:
  owner_lease_s: 1
variants:
  live:
`;
    const config = parseConfig(yaml, 'live.yaml');
    const exchange = await liveExchange(config);
    const ttlMs = 1_000;
    const take = (leases: ProcessLeases, store: Store) =>
      takeOwnership(store, leases, {
        standby: false,
        signal: new AbortController().signal,
        sleep: (ms) => delay(ms),
        jobs: [],
        ttlMs,
      });
    const info = (roles: ('scanner' | 'execution' | 'analyst')[], version = configVersion(config)) => ({
      roles,
      variants: ['live'],
      config: version,
    });

    // The bot: scanner and execution, no analysts of its own.
    const botStore = await open();
    const botLeases = new ProcessLeases(botStore, info(['scanner', 'execution']), ttlMs);
    assert.equal(await take(botLeases, botStore), true);
    botLeases.keep(() => assert.fail('the bot lost its leases'));
    const breakoutClose = H0 + 151 * HOUR;
    const clock = new SimClock(breakoutClose - 60_000);
    const failures: SchedulerEvent[] = [];
    const bot = await startLive({
      store: botStore,
      config,
      variants: config.variants,
      exchange,
      clock,
      roles: new Set(['scanner', 'execution']),
      leases: botLeases,
      onEvent: (event) => event.type === 'job_failed' && failures.push(event),
    });

    // An analyst process on another config version is refused.
    const staleStore = await open();
    const stale = new ProcessLeases(staleStore, info(['analyst'], 'older000000'), ttlMs);
    await assert.rejects(take(stale, staleStore), (error: unknown) => {
      assert.ok(error instanceof ConfigMismatchError);
      assert.match(
        error.message,
        /runs these variants on config version [0-9a-f]{12}, this process on older000000/,
      );
      return true;
    });

    // The analyst process, as `sigil run --live --roles analyst --workers 2` runs it.
    const analystStore = await open();
    const analystLeases = new ProcessLeases(analystStore, info(['analyst']), ttlMs);
    assert.equal(await take(analystLeases, analystStore), true);
    analystLeases.keep(() => assert.fail('the analyst lost its presence'));
    const stopAnalysts = new AbortController();
    const analysts = runAnalystWorkers({
      store: analystStore,
      config,
      variants: config.variants,
      workers: 2,
      processName: analystLeases.holder.holder,
      idleExitMs: null,
      signal: stopAnalysts.signal,
      sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
      clock,
      now: async () => clock.now(),
      market: new CcxtMarketContext(exchange, config.market.timeframe),
      wallNow,
      pollMs: 25,
    });
    try {
      // The breakout: scanned by the bot, decided by the analyst process, executed by the bot's
      // execution look (engine.execute_every, 5 s).
      await advanceLive(clock, breakoutClose + 5_000, 5_000);
      await until(
        async () => (await botStore.listIntents({ statuses: ['ready_for_exec'] })).length === 1,
        'the decision',
      );
      await advanceLive(clock, breakoutClose + 10_000, 5_000);
      await until(async () => (await botStore.openPositions(V)).length === 1, 'the BTC entry');
      const [btc] = await botStore.listIntents({ variantId: V, symbol: 'BTC/USDT' });
      const decided = (await botStore.decisionRecords(btc!.id)).find((r) => r.event === 'decide_trade');
      assert.equal(decided?.actor.startsWith(`${analystLeases.holder.holder}:analyst-`), true);

      // An analyst process that dies holding ETH's claim: its presence lapses (it renews no more).
      stopAnalysts.abort();
      await analysts;
      const doomedStore = await open();
      const doomed = new ProcessLeases(doomedStore, info(['analyst']), ttlMs);
      assert.equal(await take(doomed, doomedStore), true);
      fake.addBars('BTCUSDT', [quiet(151)]);
      fake.addBars('ETHUSDT', [breakout(151)]);
      await advanceLive(clock, breakoutClose + HOUR + 5_000, 60_000);
      await until(
        async () => (await botStore.listIntents({ statuses: ['pending'] })).length === 1,
        'ETH’s intent',
      );
      const doomedWorker = workerId(analystWorkerName(doomed.holder.holder, 1));
      const [held] = await doomedStore.claimPending(doomedWorker, clock.now());
      assert.equal(held?.symbol, 'ETH/USDT');

      // A survivor starts: the dead process's claim goes back to the queue at once and is decided.
      const survivor = runAnalystWorkers({
        store: analystStore,
        config,
        variants: config.variants,
        workers: 1,
        processName: analystLeases.holder.holder,
        idleExitMs: 8_000,
        signal: new AbortController().signal,
        sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
        clock,
        now: async () => clock.now(),
        market: new CcxtMarketContext(exchange, config.market.timeframe),
        wallNow,
        pollMs: 25,
      });
      await delay(ttlMs + 200);
      await until(
        async () => (await botStore.getIntent(held!.id))?.status === 'ready_for_exec',
        'the recycled decision',
      );
      await survivor;
      const records = await botStore.decisionRecords(held!.id);
      const release = records.find((r) => r.event === 'release');
      assert.match(release?.reason ?? '', /released: its process \(.+, pid \d+\) is gone/);
      assert.equal(
        records.find((r) => r.event === 'decide_trade')?.actor.startsWith(analystLeases.holder.holder),
        true,
      );
      assert.deepEqual(failures, [], 'no job failed');
      await doomedStore.close().catch(() => undefined);
      stores.splice(stores.indexOf(doomedStore), 1);
    } finally {
      stopAnalysts.abort();
      await analysts.catch(() => undefined);
      await bot.stop();
      await bot.done;
      await botLeases.release();
      await analystLeases.release();
    }
  });
});
