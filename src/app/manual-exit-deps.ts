// What a process that runs no bot for a variant provides to close its positions by hand (`sigil exit`,
// a standalone dashboard, a Telegram bot process): the variant's own broker — its paper account filling
// at the last known price, or its real account built from its `broker` section — its close rules and
// instruments from the configuration, and the store's clock. Such a process must not act for a variant
// a live `sigil run` owns: that one's exits go through its own API, in its own lane (ownerOf).
import { PaperBroker } from '../brokers/paper-broker.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import { leaseLive, variantLeaseName, type LeaseRecord } from '../domain/lease.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import type { ReportEvent } from '../domain/trading-event.ts';
import { remoteAccounts, remoteVariants } from './broker-for.ts';
import { forceExit, type ForceExitDeps } from './force-exit.ts';
import type { ForceExitPort, ForceExitResult } from '../domain/manual-exit.ts';
import { SystemClock, wallNow } from '../clock/system-clock.ts';
import { describeHolder, holderGone } from './process-leases.ts';
import { storeTime } from './store-time.ts';
import { configuredInstruments, instrumentBook } from './instrument-for.ts';
import { lastPrices, type LastPrices } from './last-prices.ts';
import { riskRulesFor } from './risk-rules.ts';

export interface ManualExitWiring {
  config: SigilConfig;
  variant: Variant;
  store: Store;
  clock: Clock;
  prices: LastPrices;
  /** The store's now (a replay's simulated time), fixed for the command. */
  now: EpochMs;
  onEvent?: ReportEvent;
  env?: Readonly<Record<string, string | undefined>>;
}

export async function manualExitDeps(w: ManualExitWiring): Promise<ForceExitDeps> {
  const { config, variant } = w;
  const broker = await brokerOf(w);
  const rules = riskRulesFor(variant.settings, timeframeMs(config.market.timeframe));
  return {
    store: w.store,
    broker: (id) => {
      if (id !== variant.id) throw new Error(`no broker for variant ${id} in this command`);
      return broker;
    },
    lastPrice: (symbol) => w.prices.of(symbol)?.price ?? null,
    instruments: instrumentBook(config.market),
    closeRules: () => rules.close,
    now: () => w.now,
    ...(w.onEvent ? { onEvent: w.onEvent } : {}),
  };
}

async function brokerOf(w: ManualExitWiring): Promise<Broker> {
  const { config, variant } = w;
  if (remoteVariants([variant]).length > 0) {
    const accounts = await remoteAccounts(config, [variant], {
      store: w.store,
      clock: w.clock,
      ...(w.env ? { env: w.env } : {}),
    });
    const account = accounts.byVariant.get(variant.id);
    if (account) return account.broker;
  }
  const instruments = configuredInstruments(config.market);
  return new PaperBroker(w.store, (symbol) => w.prices.of(symbol)?.price ?? null, {
    variantId: variant.id,
    startingBalance: variant.settings.account.starting_balance_usd,
    feePct: variant.settings.paper.fee_pct,
    slippagePct: variant.settings.paper.slippage_pct,
    quoteOf: (symbol) => instruments(symbol).quote,
  });
}

/** The live `sigil run` that owns the variant's execution, if any (leases are on the wall clock). */
export async function ownerOf(
  store: Store,
  variantId: string,
  wallNow: EpochMs,
): Promise<LeaseRecord | null> {
  const [lease] = await store.leases([variantLeaseName(variantId)]);
  return lease && leaseLive(lease, wallNow) ? lease : null;
}

/**
 * Exits by hand for a process that runs no bot (`sigil dashboard`): refused as `unavailable` while a
 * live `sigil run` owns the variant — that process's own API closes its positions, in its own lane.
 */
export function standaloneForceExit(
  config: SigilConfig,
  variants: readonly Variant[],
  store: Store,
): ForceExitPort {
  return async (request, onEvent) => {
    const unavailable = (why: string): ForceExitResult => ({
      closed: [],
      closedMeanwhile: [],
      failed: [],
      refusal: 'unavailable',
      refused: why,
    });
    const variant = variants.find((v) => v.id === request.variantId);
    if (!variant) return unavailable(`${request.variantId} is not among this dashboard's variants`);
    const owner = await ownerOf(store, variant.id, wallNow());
    if (owner && !holderGone(owner)) {
      return unavailable(
        `${variant.id} is run by ${describeHolder(owner)}: close its positions through that process's dashboard or API`,
      );
    }
    const time = await storeTime(store, wallNow());
    const held = await store.openPositions(variant.id);
    const prices = await lastPrices(
      config,
      time,
      held.map((p) => p.symbol),
    );
    const deps = await manualExitDeps({
      config,
      variant,
      store,
      clock: new SystemClock(),
      prices,
      now: time.now,
      ...(onEvent ? { onEvent } : {}),
    });
    return forceExit(deps, request);
  };
}
