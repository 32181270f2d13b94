// A variant's risk rules as the risk code runs them: built from its settings in one place (the app's
// riskRulesFor, where every key is tested), handed to the engine with the variant.
import type { Instrument } from '../domain/instrument.ts';
import type { CloseRules } from './close-trade.ts';
import type { EntryRules } from './entry-plan.ts';
import type { ExitRules } from './exit-precedence.ts';
import type { SignalExitParams } from './exit-signals.ts';

/**
 * What the stop band is measured from: the entry's fill — sized from the price expected at the fill,
 * the stop set from the price paid — or the signal bar's close (the reference strategy's spec).
 */
export type StopAnchor = 'fill' | 'signal';

export interface RiskRules {
  entry: EntryRules;
  stopAnchor: StopAnchor;
  /** Hours of the lock written at open. */
  cooldownHours: number;
  /** Positions held at once (risk.max_open_trades); null = no cap. */
  maxOpenTrades: number | null;
  /** Exit rules without the instrument's price tick (see exitRulesFor). */
  exits: Omit<ExitRules, 'priceTick'>;
  signalExit: SignalExitParams;
  close: CloseRules;
}

/**
 * The price an entry is planned from: the fill it is expected to get (a replay's next bar open, live the
 * last price) when the stop is anchored to the fill, else — or with no such price yet — the signal's close.
 */
export function planningPrice(
  anchor: StopAnchor,
  prices: { expectedFill: number | null; signalClose: number | null },
): number | null {
  return (anchor === 'fill' ? prices.expectedFill : null) ?? prices.signalClose;
}

/** Entries the variant may still take while `held` positions are open or under way (Infinity without a cap). */
export function freeSlots(rules: Pick<RiskRules, 'maxOpenTrades'>, held: number): number {
  return rules.maxOpenTrades === null ? Number.POSITIVE_INFINITY : Math.max(0, rules.maxOpenTrades - held);
}

export function exitRulesFor(rules: RiskRules, instrument: Instrument): ExitRules {
  return { ...rules.exits, priceTick: instrument.priceTick };
}
