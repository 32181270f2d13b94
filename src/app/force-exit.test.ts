// Closing positions by hand on a real SQLite store, through the variant's paper account (and a
// Match-Trader account nobody answers for): the close as `manual` with who and why, the refusals, and
// the race with the bot's own stop exit on the same bar — one close, whichever comes first.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PaperBroker } from '../brokers/paper-broker.ts';
import { MatchTraderBroker } from '../brokers/match-trader/match-trader-broker.ts';
import { MatchTraderClient } from '../brokers/match-trader/match-trader-client.ts';
import { parseConfig } from '../config/load-config.ts';
import type { Candle } from '../domain/candle.ts';
import { variantId, workerId, type EpochMs } from '../domain/ids.ts';
import { exitOrderId } from '../domain/order.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Store } from '../domain/ports/store.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { MarketState } from '../engine/market-state.ts';
import { manageOpenPositions } from '../engine/position-manager.ts';
import { openStore } from '../store/open-store.ts';
import { refusingUrl } from '../../test/support/closed-port.ts';
import { longAt100, SPOT } from '../../test/support/position-fixture.ts';
import { POSTGRES_TARGET } from '../../test/support/store-targets.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { variantRuntimes } from './engine-for.ts';
import { forceExit, type ForceExitDeps } from './force-exit.ts';
import { riskRulesFor } from './risk-rules.ts';

const HOUR = 3_600_000;
const T0: EpochMs = Date.UTC(2026, 0, 5, 12);
const V = variantId('v');
const config = parseConfig('variants:\n  v:\n', 'force-exit.yaml');
const rules = riskRulesFor(config.variants[0]!.settings, HOUR);

function paper(store: Store, price: number | null): PaperBroker {
  return new PaperBroker(store, () => price, {
    variantId: V,
    startingBalance: 10_000,
    feePct: 0.1,
    slippagePct: 0,
    quoteOf: () => 'dollars',
  });
}

describe('force-exit', () => {
  const dir = tempDir();
  let a: Store;
  let b: Store;
  let n = 0;
  before(async () => {
    const url = `sqlite:${join(dir.path, 'exit.db')}`;
    ({ store: a } = await openStore(url, { now: '2026-01-05T00:00:00Z' }));
    ({ store: b } = await openStore(url, { now: '2026-01-05T00:00:00Z', mustExist: true }));
  });
  after(async () => {
    await a.close();
    await b.close();
    dir.remove();
  });

  const events: TradingEvent[] = [];
  function deps(store: Store, over: Partial<ForceExitDeps> = {}): ForceExitDeps {
    return {
      store,
      broker: () => paper(store, 104),
      lastPrice: () => 104,
      instruments: () => SPOT,
      closeRules: () => rules.close,
      now: () => T0 + 2 * HOUR,
      onEvent: (event) => events.push(event),
      ...over,
    };
  }
  async function open(symbol: string) {
    return a.openPosition(longAt100(`fx-${++n}`, { variant: 'v', symbol, openedAt: T0 }));
  }

  it('closes one position at the last price as a manual exit, with who and why, and tells the alerts', async () => {
    const position = await open('SOL/USDT');
    events.length = 0;
    const result = await forceExit(deps(a), {
      variantId: V,
      symbol: 'SOL/USDT',
      reason: 'news in an hour',
      actor: 'operator:cli',
    });
    assert.equal(result.refused, undefined);
    assert.deepEqual(
      result.closed.map((p) => [p.id, p.exitReason, p.exitPrice, p.exitTag]),
      [[position.id, 'manual', 104, 'operator:cli: news in an hour']],
    );
    // 4 up on one unit, less the exit's 0.1 % fee.
    assert.ok(Math.abs((result.closed[0]?.pnl ?? 0) - (4 - 0.104)) < 1e-9);
    assert.equal(await a.openPositionOf(V, 'SOL/USDT'), null);
    assert.deepEqual(
      events.map((e) => e.type === 'position_closed' && [e.exitReason, e.by, e.why]),
      [['manual', 'operator:cli', 'news in an hour']],
    );
  });

  it('refuses a symbol the variant holds no position in, and `all` when it holds none', async () => {
    const one = await forceExit(deps(a), {
      variantId: V,
      symbol: 'ETH/USDT',
      reason: 'x',
      actor: 'operator:cli',
    });
    assert.equal(one.refusal, 'no_position');
    assert.match(one.refused ?? '', /v has no open position in ETH\/USDT/);
    const all = await forceExit(deps(a), { variantId: V, symbol: 'all', reason: 'x', actor: 'operator:cli' });
    assert.equal(all.refusal, 'no_position');
    assert.deepEqual(all.closed, []);
  });

  it('closes every open position with `all`, and a second call finds nothing left (idempotent)', async () => {
    await open('SOL/USDT');
    await open('ETH/USDT');
    const first = await forceExit(deps(a), {
      variantId: V,
      symbol: 'all',
      reason: 'flat',
      actor: 'operator:api',
    });
    assert.deepEqual(first.closed.map((p) => p.symbol).sort(), ['ETH/USDT', 'SOL/USDT']);
    const second = await forceExit(deps(a), {
      variantId: V,
      symbol: 'all',
      reason: 'flat',
      actor: 'operator:api',
    });
    assert.equal(second.refusal, 'no_position');
    assert.deepEqual(await a.openPositions(V), []);
  });

  it('leaves the position open and says why when the broker cannot be reached or refuses', async () => {
    const position = await open('SOL/USDT');
    const unreachable: Broker = new MatchTraderBroker({
      client: new MatchTraderClient({
        baseUrl: await refusingUrl(),
        brokerId: '0',
        email: 'ops@example.com',
        password: 'pw',
        timeoutMs: 500,
        now: () => T0,
      }),
      store: a,
      account: 'match_trader:test',
      contractSizeOf: () => 1,
    });
    const down = await forceExit(deps(a, { broker: () => unreachable }), {
      variantId: V,
      symbol: 'SOL/USDT',
      reason: 'x',
      actor: 'telegram:42',
    });
    assert.equal(down.refusal, 'broker');
    assert.match(down.refused ?? '', /SOL\/USDT .*the position stays open/);
    assert.equal((await a.openPositionOf(V, 'SOL/USDT'))?.id, position.id);

    // A paper account with no price for the symbol refuses the order: still open, and said so.
    const noPrice = await forceExit(deps(a, { broker: () => paper(a, null), lastPrice: () => null }), {
      variantId: V,
      symbol: 'SOL/USDT',
      reason: 'x',
      actor: 'operator:cli',
    });
    assert.equal(noPrice.refusal, 'broker');
    assert.match(noPrice.refused ?? '', /paper refused the manual close .*no tradable price/);
    assert.equal((await a.openPositionOf(V, 'SOL/USDT'))?.id, position.id);
    // Once a price is known, the same exit goes through (a refused exit order does not settle it).
    const later = await forceExit(deps(a), {
      variantId: V,
      symbol: 'SOL/USDT',
      reason: 'x',
      actor: 'operator:cli',
    });
    assert.equal(later.closed.length, 1);
  });

  /** The bot's bar on connection `b`: a candle through the stop (97) closes the position as a hard stop. */
  async function botStopExit(at: EpochMs, store: Store = b) {
    const market = new MarketState(HOUR);
    const runtimes = variantRuntimes(config, config.variants, { store, market });
    const candle: Candle = {
      symbol: 'SOL/USDT',
      time: at,
      open: 99,
      high: 99,
      low: 95,
      close: 96,
      volume: 1,
    };
    market.openBar(candle);
    market.closeBar(candle);
    return manageOpenPositions(
      {
        store,
        brokers: () => paper(store, 96),
        variants: new Map(runtimes.map((r) => [r.id, r])),
        market,
        instruments: () => SPOT,
        worker: workerId('bot:positions'),
      },
      { time: at, candles: [candle] },
      at + HOUR,
    );
  }

  it('closes a position once when the bot stops it out between the force-exit reading it and closing it', async () => {
    const position = await open('SOL/USDT');
    let bot: Awaited<ReturnType<typeof botStopExit>> | null = null;
    // The force-exit has read the position open; before its order reaches the broker, the bot's bar closes it.
    const racing = (store: Store): Broker => {
      const real = paper(store, 104);
      return Object.assign(Object.create(real) as Broker, {
        submitMarketOrder: async (...args: Parameters<Broker['submitMarketOrder']>) => {
          bot ??= await botStopExit(T0 + HOUR);
          return real.submitMarketOrder(...args);
        },
      });
    };
    const result = await forceExit(deps(a, { broker: () => racing(a) }), {
      variantId: V,
      symbol: 'SOL/USDT',
      reason: 'x',
      actor: 'operator:api',
    });
    assert.equal(bot!.closed.length, 1);
    assert.deepEqual(result.closed, []);
    assert.equal(result.refused, undefined);
    assert.deepEqual(
      result.closedMeanwhile.map((p) => [p.id, p.exitReason]),
      [[position.id, 'hard_stop']],
    );
    const closed = (await a.closedPositions({ variantId: V })).filter((p) => p.id === position.id);
    assert.equal(closed.length, 1);
    // One exit order: the force-exit's asked again under the same client order id, and got the bot's fill.
    const exits = (await a.variantOrders(V)).filter(
      (o) => o.request.clientOrderId === exitOrderId(position.id),
    );
    assert.equal(exits.length, 1);
    assert.equal(closed[0]?.exitPrice, exits[0]?.result.price);
  });

  // Truly at once, on PostgreSQL: two connections (two processes' worth), each transaction waiting on the
  // other's row lock rather than on a file lock held across this one process's event loop.
  it('closes a position once when a force-exit and the bot stop exit run at the same time on two PostgreSQL connections', async () => {
    const { url, cleanup } = await POSTGRES_TARGET.create();
    const { store: pa } = await openStore(url, { now: '2026-01-05T00:00:00Z' });
    const { store: pb } = await openStore(url, { now: '2026-01-05T00:00:00Z', mustExist: true });
    try {
      for (let round = 0; round < 8; round++) {
        const position = await pa.openPosition(
          longAt100(`pg-${round}`, { variant: 'v', symbol: 'SOL/USDT', openedAt: T0 }),
        );
        const [manual, bot] = await Promise.all([
          forceExit(deps(pa), { variantId: V, symbol: 'SOL/USDT', reason: 'x', actor: 'operator:api' }),
          botStopExit(T0 + HOUR, pb),
        ]);
        const byHand = manual.closed.filter((p) => p.id === position.id).length;
        const byBot = bot.closed.filter((p) => p.id === position.id).length;
        assert.equal(byHand + byBot, 1, `round ${round}: closed by hand ${byHand}, by the bot ${byBot}`);
        const stored = await pa.getPosition(position.id);
        assert.equal(stored?.exitReason, byHand === 1 ? 'manual' : 'hard_stop');
        const exits = (await pa.variantOrders(V)).filter(
          (o) => o.request.clientOrderId === exitOrderId(position.id),
        );
        assert.equal(exits.length, 1);
      }
    } finally {
      await pa.close();
      await pb.close();
      await cleanup();
    }
  });
});
