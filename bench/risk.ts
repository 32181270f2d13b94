// Risk throughput: the exit precedence and the entry plan per call (pure, the backtester's hot path),
// and atomic entries per second on each store (one transaction each: lock, re-checks, insert, cooldown).
import { join } from 'node:path';
import { loadCandles } from '../src/marketdata/candle-directory.ts';
import type { Candle } from '../src/domain/candle.ts';
import { openStore } from '../src/store/open-store.ts';
import { enterAtomically } from '../src/risk/atomic-entry.ts';
import { planEntry, type EntryRules } from '../src/risk/entry-plan.ts';
import type { Instrument } from '../src/domain/instrument.ts';
import { evaluateBar, type OpenTrade } from '../src/risk/exit-precedence.ts';
import { freshSchema } from '../test/support/postgres.ts';
import { tempDir } from '../test/support/temp-dir.ts';
import type { BenchFigure } from './indicators.ts';
import { longAt100 } from '../test/support/position-fixture.ts';

const HOUR = 3_600_000;
const RULES: EntryRules = {
  stop: { floorPct: 3, multiplier: 1.5, capPct: 6 },
  sizing: { riskPerTradeUsd: 5, maxPositionUsd: 50, positionPct: 10 },
  takeProfitPct: 0,
};
const INSTRUMENT: Instrument = {
  symbol: 'BTCUSDT',
  priceTick: 0.01,
  qtyStep: 0.00001,
  minQty: 0.00001,
  minNotional: 5,
  contractSize: 1,
  quote: 'dollars',
};

export function riskPureBench(): BenchFigure[] {
  const [btc] = loadCandles(new URL('../data/crypto/1h', import.meta.url).pathname, ['BTCUSDT']) as [
    Candle[],
  ];
  const rules = { trailAtrMultiplier: 2, trailActivationPct: 0, timeStopBars: 0, priceTick: 0.01 };
  const fresh = (c: Candle): OpenTrade => ({
    side: 'long',
    entryPrice: c.open,
    initialStop: c.open * 0.97,
    currentStop: c.open * 0.97,
    takeProfit: c.open * 1.06,
    openedAt: c.time,
    peakPrice: c.open,
    barsHeld: 0,
  });
  let bars = 0;
  let exits = 0;
  const started = performance.now();
  for (let pass = 0; pass < 20; pass++) {
    let trade = fresh(btc[0] as Candle);
    for (const candle of btc) {
      const outcome = evaluateBar(
        trade,
        { candle, closeTime: candle.time + HOUR, atr: candle.close * 0.01, exitSignal: false },
        rules,
      );
      bars++;
      if (outcome.kind === 'exit') {
        exits++;
        trade = fresh(candle);
      } else {
        trade = { ...trade, currentStop: outcome.currentStop, peakPrice: outcome.peakPrice };
      }
    }
  }
  const barSeconds = (performance.now() - started) / 1000;

  let plans = 0;
  const planStarted = performance.now();
  for (let pass = 0; pass < 5; pass++) {
    for (const candle of btc) {
      if (
        planEntry(
          { side: 'long', entryPrice: candle.close, atr: candle.close * 0.02, equity: 1000 },
          RULES,
          INSTRUMENT,
        ).ok
      )
        plans++;
    }
  }
  const planSeconds = (performance.now() - planStarted) / 1000;
  return [
    {
      bench: `exit precedence (evaluateBar, ${exits} exits)`,
      value: Math.round(bars / barSeconds),
      unit: 'bars/s',
      target: 'none set',
    },
    {
      bench: 'entry plan (stop + target + decimal sizing)',
      value: Math.round(plans / planSeconds),
      unit: 'plans/s',
      target: 'none set',
    },
  ];
}

/** Sequential entries, each its own transaction (and fsync), into distinct symbols. */
export async function atomicEntryBench(seconds: number): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const dir = tempDir('sigil-bench-entry-');
    const schema = dialect === 'postgres' ? await freshSchema('bench_entry') : null;
    const url = schema ? schema.url : `sqlite:${join(dir.path, 'entry.db')}`;
    const { store } = await openStore(url, { now: '2026-01-01T00:00:00Z' });
    try {
      let n = 0;
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        const at = Date.UTC(2026, 0, 1) + n;
        await enterAtomically(
          store,
          {
            position: longAt100(`bench-${n}`, { variant: 'bench', symbol: `SYM${n}`, openedAt: at }),
            cooldownHours: 6,
          },
          at,
        );
        n++;
      }
      figures.push({
        bench: `atomic entries, ${dialect}, one process`,
        value: Math.round(n / ((performance.now() - started) / 1000)),
        unit: 'entries/s',
        target: 'none set',
      });
    } finally {
      await store.close();
      await schema?.drop();
      dir.remove();
    }
  }
  return figures;
}
