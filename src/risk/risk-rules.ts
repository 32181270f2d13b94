// A variant's risk rules as the risk code runs them: built from its settings in one place (the app's
// riskRulesFor, where every key is tested), handed to the engine with the variant.
import type { Instrument } from '../domain/instrument.ts';
import type { CloseRules } from './close-trade.ts';
import type { EntryRules } from './entry-plan.ts';
import type { ExitRules } from './exit-precedence.ts';
import type { SignalExitParams } from './exit-signals.ts';

export interface RiskRules {
  entry: EntryRules;
  /** Hours of the lock written at open. */
  cooldownHours: number;
  /** Exit rules without the instrument's price tick (see exitRulesFor). */
  exits: Omit<ExitRules, 'priceTick'>;
  signalExit: SignalExitParams;
  close: CloseRules;
}

export function exitRulesFor(rules: RiskRules, instrument: Instrument): ExitRules {
  return { ...rules.exits, priceTick: instrument.priceTick };
}
