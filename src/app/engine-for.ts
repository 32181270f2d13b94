// The engine's parts for a configuration: one runtime per variant (risk rules, scanner, analyst) and
// each variant's paper account. The backtester and `sigil run` both build the engine here.
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { Store } from '../domain/ports/store.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { BrokerFor } from '../domain/ports/broker.ts';
import { PaperBroker } from '../brokers/paper-broker.ts';
import type { MarketState } from '../engine/market-state.ts';
import { VariantRuntime } from '../engine/variant-runtime.ts';
import { FatalError } from '../domain/errors.ts';
import { analystFor, type AnalystWiring } from './analyst-for.ts';
import { riskRulesFor } from './risk-rules.ts';
import { complianceFor } from './compliance-for.ts';
import { scannerFor, type Preload } from './scanner-for.ts';
import { configuredInstruments } from './instrument-for.ts';

/** The named variants of the config (all of them without names); a typo is refused, never a new variant. */
export function selectVariants(config: SigilConfig, names?: readonly string[]): Variant[] {
  if (!names || names.length === 0) return config.variants;
  const known = new Map(config.variants.map((v) => [v.id as string, v]));
  return names.map((name) => {
    const variant = known.get(name);
    if (!variant) {
      // Code 'config': a command given an unknown variant was not run (exit 2), like a bad config key.
      throw new FatalError(
        'config',
        `no variant "${name}" in ${config.file ?? 'the built-in configuration'} (variants: ${[...known.keys()].join(', ')})`,
      );
    }
    return variant;
  });
}

export function variantRuntimes(
  config: SigilConfig,
  variants: readonly Variant[],
  wiring: AnalystWiring & { preload?: Preload },
): VariantRuntime[] {
  return variants.map(
    (variant) =>
      new VariantRuntime(
        variant.id,
        variant.settings,
        riskRulesFor(variant.settings, timeframeMs(config.market.timeframe)),
        scannerFor(variant, config, wiring.preload),
        analystFor(config, variant, wiring),
        complianceFor(variant.settings, config.file, variant.id, timeframeMs(config.market.timeframe)),
      ),
  );
}

/**
 * Each variant's paper account. Replays fill market entries at the open of the bar being processed (the
 * bar after the signal); live paper trading at the last price seen.
 */
export function paperBrokers(
  store: Store,
  market: MarketState,
  config: Pick<SigilConfig, 'market'>,
  variants: readonly Variant[],
  fillAt: 'bar_open' | 'last_price',
): BrokerFor {
  const price = (symbol: string) =>
    fillAt === 'bar_open' ? market.barOpen(symbol) : market.lastClose(symbol);
  const instruments = configuredInstruments(config.market);
  const accounts = new Map(
    variants.map((v) => [
      v.id as string,
      new PaperBroker(store, price, {
        variantId: v.id,
        startingBalance: v.settings.account.starting_balance_usd,
        feePct: v.settings.paper.fee_pct,
        slippagePct: v.settings.paper.slippage_pct,
        quoteOf: (symbol) => instruments(symbol).quote,
      }),
    ]),
  );
  return (variantId) => {
    const broker = accounts.get(variantId);
    if (!broker) throw new Error(`no paper account for variant ${variantId} in this process`);
    return broker;
  };
}
