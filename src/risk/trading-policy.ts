// What each trading state allows. Pure, so the execution path and the position manager ask the same
// question the same way, in live trading and in the backtest.
import type { ExitReason } from '../domain/position.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import { deny, type Denial } from './denial.ts';

/**
 * Exits that protect capital still run while a variant is halted: a halt stops the bot from trading,
 * it must not strip open positions of their stops. Discretionary exits (target, time, signal) wait.
 */
const PROTECTIVE_EXITS: ReadonlySet<ExitReason> = new Set<ExitReason>([
  'hard_stop',
  'atr_trail',
  'liquidation',
  'broker_close',
  'manual',
  'compliance',
]);

export function entryDenial(state: TradingStateRecord): Denial | null {
  if (state.state === 'active') return null;
  const why = state.reason ? `: ${state.reason}` : '';
  return deny(`trading_${state.state}`, `variant ${state.variantId} is ${state.state}${why}`);
}

export function exitAllowed(state: TradingStateRecord, reason: ExitReason): boolean {
  return state.state !== 'halted' || PROTECTIVE_EXITS.has(reason);
}
