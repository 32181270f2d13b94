// Fills a store the way the bot will: replay real candles through each variant's scanner, enter at the
// next bar's open through the atomic entry path, and manage every open position bar by bar. A test
// fixture, not the backtester (that is the engine's, with its scheduler and broker): it exists so the
// operator commands are exercised on positions made by the real rules from real data.
import type { SigilConfig } from '../../src/config/load-config.ts';
import { timeframeMs } from '../../src/domain/candle.ts';
import { positionId, type EpochMs } from '../../src/domain/ids.ts';
import type { Store } from '../../src/domain/ports/store.ts';
import type { Signal } from '../../src/domain/signal.ts';
import { instrumentFor } from '../../src/app/instrument-for.ts';
import { exitRulesFor, riskRulesFor } from '../../src/app/risk-rules.ts';
import { scannerFor } from '../../src/app/scanner-for.ts';
import { Atr } from '../../src/indicators/atr.ts';
import { loadCandles } from '../../src/marketdata/candle-directory.ts';
import { ReplayFeed } from '../../src/marketdata/replay-feed.ts';
import { enterAtomically } from '../../src/risk/atomic-entry.ts';
import { planEntry } from '../../src/risk/entry-plan.ts';
import { signalExitDetector } from '../../src/risk/exit-signals.ts';
import { realizedEquity } from '../../src/risk/kill-switch.ts';
import { applyBar } from '../../src/risk/manage-position.ts';
import { blockedSymbols } from '../../src/scanners/entry-guard.ts';

export interface ReplayCounts {
  opened: number;
  closed: number;
  refused: Record<string, number>;
}

export async function replayPaperTrades(
  store: Store,
  config: SigilConfig,
  symbols: readonly string[],
  until: EpochMs,
): Promise<ReplayCounts> {
  const counts: ReplayCounts = { opened: 0, closed: 0, refused: {} };
  const barMs = timeframeMs(config.market.timeframe);
  for (const variant of config.variants) {
    const rules = riskRulesFor(variant.settings);
    const scanner = scannerFor(variant, config);
    const feed = new ReplayFeed(loadCandles(config.market.data, symbols), config.market.timeframe);
    const atr = new Map(symbols.map((s) => [s, new Atr(14)]));
    const exits = new Map(symbols.map((s) => [s, signalExitDetector(rules.signalExit)]));
    let pending: Signal[] = [];
    for (const batch of feed.takeUntil(until)) {
      const now = batch.time + barMs;
      for (const signal of pending) {
        const candle = batch.candles.find((c) => c.symbol === signal.symbol);
        if (!candle) continue;
        const instrument = instrumentFor(config.market, signal.symbol);
        const { equity } = realizedEquity(
          rules.close.startingBalanceUsd,
          await store.realizedPnl(variant.id),
        );
        const plan = planEntry(
          { side: 'long', entryPrice: candle.open, atr: signal.atr, equity },
          rules.entry,
          instrument,
        );
        if (!plan.ok) {
          counts.refused[plan.code] = (counts.refused[plan.code] ?? 0) + 1;
          continue;
        }
        const outcome = await enterAtomically(
          store,
          {
            position: {
              id: positionId(`${variant.id}-${signal.symbol}-${candle.time}`),
              intentId: null,
              variantId: variant.id,
              symbol: signal.symbol,
              side: 'long',
              qty: plan.qty,
              entryPrice: candle.open,
              atrAtEntry: signal.atr,
              initialStop: plan.initialStop,
              currentStop: plan.initialStop,
              peakPrice: candle.open,
              takeProfit: plan.takeProfit,
              openedAt: candle.time,
              fees: 0,
            },
            cooldownHours: rules.cooldownHours,
          },
          candle.time,
        );
        if (outcome.kind === 'opened') counts.opened++;
        else counts.refused[outcome.code] = (counts.refused[outcome.code] ?? 0) + 1;
      }
      for (const candle of batch.candles) {
        const value = atr.get(candle.symbol)?.update(candle.high, candle.low, candle.close) ?? null;
        const detector = exits.get(candle.symbol) ?? null;
        detector?.update(candle);
        const position = await store.openPositionOf(variant.id, candle.symbol);
        if (!position) continue;
        const result = await applyBar(
          store,
          position,
          { candle, closeTime: now, atr: value, exitSignal: detector?.fires(position.side) ?? false },
          {
            exits: exitRulesFor(rules, instrumentFor(config.market, candle.symbol)),
            close: rules.close,
            contractSize: instrumentFor(config.market, candle.symbol).contractSize,
            feeRate: 0.001,
            actor: `replay:${variant.id}`,
          },
        );
        if (result.kind === 'closed') counts.closed++;
      }
      const blocked = await blockedSymbols(store, variant.id, symbols, now);
      pending = scanner.scanCycle([batch], blocked);
    }
  }
  return counts;
}
