// The equity monitor, one job of the bot: per variant it reads the account — from the broker, which also
// reveals positions the broker closed on its own, or for paper from the store and the last prices —
// stores a snapshot, trips the kill switch when equity (open positions marked at the last price) has
// fallen `kill_switch_drawdown_pct` below its peak, and, where the variant trades under prop-firm rules,
// checks the limits and acts on a breach before the firm would (breach-actions.ts).
import type { EpochMs, VariantId } from '../domain/ids.ts';
import { assessBreach, type Breach } from '../compliance/breach.ts';
import { complianceState, liveBalance } from './account-view.ts';
import { actOnBreach, type BreachAction } from './breach-actions.ts';
import { describeError, errorKindOf } from '../domain/errors.ts';
import type { BrokerUnreachable, ComplianceBreach, KillSwitchTripped } from '../domain/trading-event.ts';
import { money } from '../compliance/format.ts';
import { drawdownPct, drawdownTrips, tripKillSwitch } from '../risk/kill-switch.ts';
import { syncBrokerCloses } from './broker-sync.ts';
import type { VariantRuntime } from './variant-runtime.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

export interface EquityReport {
  variantId: VariantId;
  balance: number;
  equity: number;
  /** Positions found closed on the broker. */
  brokerCloses: number;
  breach: Breach | null;
  action: BreachAction;
  /** Positions the breach closed, and those whose close failed (tried again at the next look). */
  closedForCompliance: number;
  closeFailures: string[];
  /** The broker could not be read: this variant was not checked at this look (the next one tries again). */
  error: string | null;
  /** The kill switch this look tripped (an equity drawdown): why, and the worker that did. */
  killSwitch: { why: string; actor: string } | null;
}

/**
 * The kill switches, pauses and halts a look put in force, and the accounts it could not read, as events.
 * A breach already acted on (paused until the firm's next day, or halted) reports action `none` at later
 * looks, so each breach is told once.
 */
export function equityEvents(reports: readonly EquityReport[], at: EpochMs): EquityEvent[] {
  const events: EquityEvent[] = [];
  for (const {
    variantId,
    action,
    breach,
    closedForCompliance,
    closeFailures,
    killSwitch,
    error,
  } of reports) {
    if (error !== null) events.push({ type: 'broker_unreachable', at, variantId, error });
    if (killSwitch !== null) events.push({ type: 'kill_switch_tripped', at, variantId, ...killSwitch });
    if (action === 'none' || breach === null || breach.kind === 'none') continue;
    events.push({
      type: 'compliance_breach',
      at,
      variantId,
      level: breach.kind,
      rule: breach.rule,
      reason: breach.reason,
      closedPositions: closedForCompliance,
      closeFailures: closeFailures.length,
    });
  }
  return events;
}

export type EquityEvent = ComplianceBreach | KillSwitchTripped | BrokerUnreachable;

export type EquityMonitorDeps = Omit<TradingWorkerDeps, 'variants'> & { variants: readonly VariantRuntime[] };

export async function monitorEquity(deps: EquityMonitorDeps, now: EpochMs): Promise<EquityReport[]> {
  const reports: EquityReport[] = [];
  for (const runtime of deps.variants) reports.push(await monitorVariant(deps, runtime, now));
  return reports;
}

async function monitorVariant(
  deps: EquityMonitorDeps,
  runtime: VariantRuntime,
  now: EpochMs,
): Promise<EquityReport> {
  const report: EquityReport = {
    variantId: runtime.id,
    balance: Number.NaN,
    equity: Number.NaN,
    brokerCloses: 0,
    breach: null,
    action: 'none',
    closedForCompliance: 0,
    closeFailures: [],
    error: null,
    killSwitch: null,
  };
  const broker = deps.brokers(runtime.id);
  let live;
  try {
    if (broker.name !== 'paper')
      report.brokerCloses = (await syncBrokerCloses(deps, runtime, broker, now)).length;
    live = await liveBalance(deps, runtime.id, runtime.rules.close.startingBalanceUsd, broker, now);
  } catch (error) {
    // One account's broker being away must not stop the other variants' checks; this one is looked at
    // again at the next poll. A fatal error (bad credentials) still stops the bot.
    if (errorKindOf(error) === 'fatal') throw error;
    return { ...report, error: describeError(error) };
  }
  report.balance = live.balance;
  report.equity = live.equity;
  await deps.store.recordEquity({
    variantId: runtime.id,
    at: now,
    balance: live.balance,
    equity: live.equity,
    openPositions: live.open.length,
  });
  report.killSwitch = await equityKillSwitch(deps, runtime, live.equity, now);
  if (!runtime.compliance) return report;
  const state = await complianceState(deps, runtime.id, runtime.compliance, live, now);
  report.breach = assessBreach(state, runtime.compliance);
  const outcome = await actOnBreach(deps, runtime, broker, report.breach, state, now);
  return {
    ...report,
    action: outcome.action,
    closedForCompliance: outcome.closed.length,
    closeFailures: outcome.failed,
  };
}

/**
 * The kill switch on equity with the open positions marked at the last price: a loss that has not been
 * realised yet counts (the close-time check sees only realised equity). The peak is the highest
 * snapshot, or the starting balance.
 */
async function equityKillSwitch(
  deps: Pick<EquityMonitorDeps, 'store' | 'worker'>,
  runtime: VariantRuntime,
  equity: number,
  now: EpochMs,
): Promise<EquityReport['killSwitch']> {
  const { killSwitchDrawdownPct: limit, startingBalanceUsd } = runtime.rules.close;
  if (!(limit > 0)) return null;
  // Halted already — by this switch, by hand, by a compliance rule: nothing to trip, nothing to tell.
  if ((await deps.store.tradingState(runtime.id)).state === 'halted') return null;
  const peak = Math.max(startingBalanceUsd, (await deps.store.equityHeadline(runtime.id)).peak ?? equity);
  const drawdown = drawdownPct(peak, equity);
  if (!drawdownTrips(drawdown, limit)) return null;
  const why = `equity ${money(equity)} is ${drawdown.toFixed(2)} % below its peak ${money(peak)} (limit ${limit} %)`;
  await tripKillSwitch(deps.store, { variantId: runtime.id, why, actor: deps.worker }, now);
  return { why, actor: deps.worker };
}
