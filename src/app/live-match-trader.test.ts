// `sigil run --live` on a prop-firm account: candles and orders through the real Match-Trader client
// against the fake Match-Trader, under the E8 preset. The breakout is entered with its stop resting at
// the broker; Sigil stops, the stop is hit while it is down, and after the restart the equity monitor's
// next poll finds the close and books it with the broker's price and P&L. Every request the fake saw
// was counted in the store, and no credential or session token was ever written to the database.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { parseConfig, type SigilConfig } from '../config/load-config.ts';
import { variantId } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import { MARKET_JOB } from '../engine/bot.ts';
import { openStore } from '../store/open-store.ts';
import { firmDay } from '../compliance/firm-day.ts';
import { FakeMatchTrader } from '../../test/support/fake-match-trader.ts';
import { advanceLive, until } from '../../test/support/live-loop.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { startLive } from './live-bot.ts';

const HOUR = 3_600_000;
const H0 = Date.UTC(2024, 0, 1);
const PASSWORD = 'pw-Zq81-never-stored';
const ENV = { SIGIL_MT_EMAIL: 'trader@example.com', SIGIL_MT_PASSWORD: PASSWORD };
const E8 = variantId('e8');

/** 150 quiet hours around 1.1000, then the 151st bar breaks out to close at 1.1040. */
const HISTORY = Array.from({ length: 151 }, (_, i) => ({
  time: H0 + i * HOUR,
  open: 1.1,
  high: i === 150 ? 1.1045 : 1.101,
  low: 1.099,
  close: i === 150 ? 1.104 : 1.1,
  volume: 1000,
}));
const BREAKOUT_CLOSE = H0 + 151 * HOUR;

describe('sigil run --live on a Match-Trader account (fake)', () => {
  const dir = tempDir('sigil-live-mt-');
  let fake: FakeMatchTrader;
  let store: Store;
  let config: SigilConfig;
  let configText: string;
  const clock = new SimClock(BREAKOUT_CLOSE - 10 * 60_000);
  before(async () => {
    fake = await FakeMatchTrader.start({ password: PASSWORD, commissionPerLot: 7, now: () => clock.now() });
    fake.loadCandles('EURUSD.', HISTORY);
    fake.setPrice('EURUSD.', 1.104);
    ({ store } = await openStore(`sqlite:${join(dir.path, 'live.db')}`, { now: '2024-01-01T00:00:00Z' }));
    configText = `market:
  symbols: [EURUSD]
  timeframe: 1h
  feed: match_trader
  calendar: fx
  warmup_bars: 120
  instruments:
    EURUSD: { price_tick: 0, qty_step: 0.001, min_qty: 0.001, min_notional: 0, contract_size: 100000, pip_size: 0.0001 }
engine:
  equity_every: 4m
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  hard_stop_floor_pct: 0.2
  hard_stop_cap_pct: 1
  risk_per_trade_usd: 100
  max_position_usd: 10000000
account:
  starting_balance_usd: 50000
compliance:
  preset: e8
broker:
  kind: match_trader
  url: ${fake.url}
variants:
  e8:
`;
    config = parseConfig(configText, 'e8-live.yaml');
  });
  after(async () => {
    await store.close();
    await fake.close();
    dir.remove();
  });

  const start = () => startLive({ store, config, variants: config.variants, clock, env: ENV });

  it('enters the live breakout at the broker with its stop resting there', async () => {
    const bot = await start();
    try {
      await advanceLive(clock, BREAKOUT_CLOSE + 5_000);
      // The E8 preset's jitter waits up to 30 s (on the bot's clock) before the order goes out.
      await advanceLive(clock, BREAKOUT_CLOSE + 45_000);
      await until(
        async () => (await store.jobs([MARKET_JOB]))[0]?.lastRunAt === BREAKOUT_CLOSE + 5_000,
        'the first bar',
      );
      await until(async () => (await store.openPositions(E8)).length === 1, 'the entry');
    } finally {
      await bot.stop();
      await bot.done;
    }
    const [position] = await store.openPositions(E8);
    const [atBroker] = fake.openPositions();
    assert.ok(position && atBroker);
    assert.equal(position.brokerRef, atBroker.id);
    assert.equal(atBroker.symbol, 'EURUSD.');
    assert.equal(atBroker.volume, position.qty);
    // The config's grid is finer (0.001 lots, no tick); the account's own (0.01 lots, 5 digits) rules.
    assert.ok(Math.abs(position.qty * 100 - Math.round(position.qty * 100)) < 1e-9, `${position.qty} lots`);
    assert.ok(Math.abs(position.initialStop * 1e5 - Math.round(position.initialStop * 1e5)) < 1e-6);
    assert.ok(
      Math.abs((atBroker.stopLoss ?? 0) - position.initialStop) < 1e-5,
      'the stop rests at the broker',
    );
    const [intent] = await store.listIntents({ variantId: E8 });
    assert.equal(intent?.status, 'opened');
    const snapshot = intent?.complianceSnapshot as { compliance: { passed: boolean; preset: string } };
    assert.deepEqual([snapshot.compliance.passed, snapshot.compliance.preset], [true, 'e8']);
  });

  it('books a stop hit at the broker while Sigil was down on the first poll after the restart', async () => {
    const [position] = await store.openPositions(E8);
    assert.ok(position);
    clock.advanceTo(BREAKOUT_CLOSE + 20 * 60_000);
    fake.setPrice('EURUSD.', position.initialStop - 0.001);
    const [brokerClose] = fake.closedPositions();
    assert.equal(brokerClose?.closeReason, 'SL');
    const bot = await start();
    try {
      await advanceLive(clock, BREAKOUT_CLOSE + 30 * 60_000);
      await until(async () => (await store.openPositions(E8)).length === 0, 'the broker-side close');
    } finally {
      await bot.stop();
      await bot.done;
    }
    const [closed] = await store.closedPositions({ variantId: E8 });
    assert.equal(closed?.exitReason, 'hard_stop');
    assert.ok(Math.abs((closed?.exitPrice ?? 0) - (brokerClose?.closePrice ?? -1)) < 1e-9);
    assert.ok(brokerClose && brokerClose.netProfit < brokerClose.profit, 'the broker charged a commission');
    assert.ok(Math.abs((closed?.pnl ?? 0) - (brokerClose?.netProfit ?? -1)) < 1e-6, 'the broker P&L, net');
    const [intent] = await store.listIntents({ variantId: E8 });
    assert.equal(intent?.status, 'closed');
    assert.match(intent?.statusReason ?? '', /closed on match_trader/);
  });

  it('counted every request the broker saw, in the firm day', async () => {
    const host = new URL(fake.url).host;
    const day = firmDay(clock.now(), 'UTC+2').day;
    const counted = await store.apiCalls(`match_trader:${host}`, day);
    assert.equal(counted.all, fake.requests.length);
    assert.equal(counted.positions, fake.requests.filter((r) => r.route === 'open').length);
    assert.equal(counted.modifications, fake.requests.filter((r) => r.route === 'edit').length);
  });

  it('never wrote the password or a session token to the database', async () => {
    const secrets = new Set<string>([PASSWORD]);
    for (const request of fake.requests) {
      const api = request.headers['auth-trading-api'];
      if (api) secrets.add(api);
      const cookie = /co-auth=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      if (cookie) secrets.add(cookie);
    }
    assert.ok(secrets.size >= 3, 'the run used a trading token and a session');
    await store.close();
    ({ store } = await openStore(`sqlite:${join(dir.path, 'live.db')}`, { now: '2024-01-01T00:00:00Z' }));
    for (const file of readdirSync(dir.path).filter((f) => f.startsWith('live.db'))) {
      const bytes = readFileSync(join(dir.path, file)).toString('latin1');
      for (const secret of secrets) assert.equal(bytes.includes(secret), false, `${file} holds a secret`);
    }
  });

  it('refuses to start on a symbol the account does not trade, naming it', async () => {
    const unknown = parseConfig(
      configText.replace('symbols: [EURUSD]', 'symbols: [EURUSD, NZDSEK]'),
      'sek.yaml',
    );
    await assert.rejects(
      startLive({ store, config: unknown, variants: unknown.variants, clock, env: ENV }),
      /sek\.yaml: market\.symbols: NZDSEK is not tradable on match_trader \(variant e8\)/,
    );
  });

  it("refuses to start when the account size is not the broker account's", async () => {
    const wrong = parseConfig(
      configText.replace('starting_balance_usd: 50000', 'starting_balance_usd: 100000'),
      'size.yaml',
    );
    await assert.rejects(
      startLive({ store, config: wrong, variants: wrong.variants, clock, env: ENV }),
      /size\.yaml: variants\.e8\.account\.starting_balance_usd: 100 000\.00 plus .* but match_trader reports a balance of/,
    );
  });
});
