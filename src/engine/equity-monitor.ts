// The equity monitor, one job of the bot: per variant it reads the account — from the broker, which also
// reveals positions the broker closed on its own, or for paper from the store and the last prices —
// stores a snapshot, and, where the variant trades under prop-firm rules, checks the limits and acts on
// a breach before the firm would (breach-actions.ts).
import type { EpochMs, VariantId } from '../domain/ids.ts';
import { assessBreach, type Breach } from '../compliance/breach.ts';
import { complianceState, liveBalance } from './account-view.ts';
import { actOnBreach, type BreachAction } from './breach-actions.ts';
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
}

export type EquityMonitorDeps = Omit<TradingWorkerDeps, 'variants'> & { variants: readonly VariantRuntime[] };

export async function monitorEquity(deps: EquityMonitorDeps, now: EpochMs): Promise<EquityReport[]> {
  const reports: EquityReport[] = [];
  for (const runtime of deps.variants) {
    const broker = deps.brokers(runtime.id);
    const brokerCloses = broker.name === 'paper' ? [] : await syncBrokerCloses(deps, runtime, broker, now);
    const starting = runtime.rules.close.startingBalanceUsd;
    const live = await liveBalance(deps, runtime.id, starting, broker, now);
    await deps.store.recordEquity({
      variantId: runtime.id,
      at: now,
      balance: live.balance,
      equity: live.equity,
      openPositions: live.open.length,
    });
    let breach: Breach | null = null;
    let action: BreachAction = 'none';
    if (runtime.compliance) {
      const state = await complianceState(deps, runtime.id, runtime.compliance, live, now);
      breach = assessBreach(state, runtime.compliance);
      action = await actOnBreach(deps, runtime, broker, breach, state, now);
    }
    reports.push({
      variantId: runtime.id,
      balance: live.balance,
      equity: live.equity,
      brokerCloses: brokerCloses.length,
      breach,
      action,
    });
  }
  return reports;
}
