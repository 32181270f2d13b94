// A replay of the bundled USDJPY and EURUSD hours books every trade in dollars: USDJPY's stop risk is
// sized in dollars at the stop, its P&L is the yen move converted at the exit price, and the paper
// account's own book (rebuilt from its orders) agrees with the engine's ledger to the cent. A cross the
// bot cannot convert (EURGBP) stops the start with the key to set, before any trade.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, type SigilConfig } from '../config/load-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { PaperBroker } from '../brokers/paper-broker.ts';
import type { Position } from '../domain/position.ts';
import { openStore } from '../store/open-store.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { instrumentFor } from './instrument-for.ts';
import { runReplay } from './replay-bot.ts';

const FX = fileURLToPath(new URL('../../data/fx/1h', import.meta.url));
const LOT = 100_000;
const RISK_USD = 100;

const config = (data: string, symbols: string) => `
market:
  data: ${data}
  symbols: [${symbols}]
  calendar: fx
  instruments:
    '*': { price_tick: 0.00001, qty_step: 0.01, min_qty: 0.01, min_notional: 0, contract_size: ${LOT}, pip_size: 0.0001 }
    USDJPY: { price_tick: 0.001, pip_size: 0.01 }
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  risk_per_trade_usd: ${RISK_USD}
  max_position_usd: 100000000
account:
  starting_balance_usd: 100000
paper:
  fee_pct: 0.002
  slippage_pct: 0
`;

describe('money in dollars across quote currencies', () => {
  const dir = tempDir('sigil-quote-');
  let settings: SigilConfig;
  let closed: Position[];
  let brokerPnl: Map<string, number>;

  before(async () => {
    writeFileSync(join(dir.path, 'sigil.yaml'), config(FX, 'USDJPY, EURUSD'));
    settings = loadConfigFile(join(dir.path, 'sigil.yaml'));
    const { store } = await openStore(`sqlite:${join(dir.path, 'run.db')}`, { now: '2019-03-01T00:00:00Z' });
    try {
      await runReplay({
        store,
        config: settings,
        variants: settings.variants,
        speed: 0,
        until: Date.parse('2019-09-01T00:00:00Z'),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      });
      closed = await store.closedPositions();
      const [variant] = settings.variants;
      assert.ok(variant);
      // The paper account's view, rebuilt from its orders as after a restart.
      const paper = new PaperBroker(store, () => null, {
        variantId: variant.id,
        startingBalance: variant.settings.account.starting_balance_usd,
        feePct: variant.settings.paper.fee_pct,
        slippagePct: 0,
        quoteOf: (symbol) => instrumentFor(settings.market, symbol).quote,
      });
      brokerPnl = new Map((await paper.closedPositionsSince(0)).map((c) => [c.brokerRef, c.pnl]));
    } finally {
      await store.close();
    }
  });
  after(() => dir.remove());

  it('sizes USDJPY by the dollars at its stop, as EURUSD', () => {
    for (const symbol of ['USDJPY', 'EURUSD']) {
      const trades = closed.filter((p) => p.symbol === symbol);
      assert.ok(trades.length >= 3, `${symbol} trades (${trades.length})`);
      for (const p of trades) {
        const perLot =
          (Math.abs(p.entryPrice - p.initialStop) * LOT) / (symbol === 'USDJPY' ? p.initialStop : 1);
        const risk = p.qty * perLot;
        // Floored to 0.01 lots: within one step of the 100 dollars, never above.
        assert.ok(risk <= RISK_USD + 1e-6 && risk > RISK_USD - perLot * 0.01 - 1e-6, `${p.id}: risk ${risk}`);
      }
    }
  });

  it('books USDJPY P&L as the yen move converted at the exit price, fees included', () => {
    for (const p of closed.filter((c) => c.symbol === 'USDJPY')) {
      const exit = p.exitPrice ?? Number.NaN;
      const yen = (p.side === 'long' ? exit - p.entryPrice : p.entryPrice - exit) * p.qty * LOT;
      // A fill of q lots of USDJPY is worth q × 100 000 dollars at any price: 0.002 % of it each side.
      const fees = 2 * p.qty * LOT * 0.00002;
      assert.ok(Math.abs((p.pnl ?? Number.NaN) - (yen / exit - fees)) < 1e-6, `${p.id}: ${p.pnl}`);
      // A losing stop costs about the risk, not 150 times it.
      assert.ok(Math.abs(p.pnl ?? 0) < 20 * RISK_USD, `${p.id}: ${p.pnl}`);
    }
  });

  it("agrees with the paper account's own book on every trade", () => {
    assert.equal(brokerPnl.size, closed.length);
    for (const p of closed) {
      const theirs = brokerPnl.get(p.id);
      assert.ok(theirs !== undefined && Math.abs(theirs - (p.pnl ?? Number.NaN)) < 1e-6, `${p.id}`);
    }
  });

  it('refuses to start on a cross it cannot convert, naming the symbol and the key', async () => {
    const data = join(dir.path, 'cross');
    mkdirSync(data);
    copyFileSync(join(FX, 'GBPUSD.csv.gz'), join(data, 'EURGBP.csv.gz'));
    writeFileSync(join(dir.path, 'cross.yaml'), config(data, 'EURGBP'));
    const cross = loadConfigFile(join(dir.path, 'cross.yaml'));
    const { store } = await openStore(`sqlite:${join(dir.path, 'cross.db')}`, {
      now: '2019-03-01T00:00:00Z',
    });
    try {
      await assert.rejects(
        runReplay({
          store,
          config: cross,
          variants: cross.variants,
          speed: 0,
          signal: new AbortController().signal,
          sleep: async () => undefined,
        }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /cross\.yaml: market\.instruments\.EURGBP\.quote_currency: EURGBP is quoted in GBP/.test(
            error.message,
          ),
      );
      assert.deepEqual(await store.listIntents({ limit: 10 }), [], 'nothing was traded');
    } finally {
      await store.close();
    }
  });
});
