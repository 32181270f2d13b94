// The prop-firm guard at the execution step, the single gate before an entry order: the planned size
// gets the account's random offset (never larger than sized), and every rule is checked against the
// account as it is now — not as it was when the analyst decided. The report is stored on the intent
// whether it passes or not.
import type { EpochMs } from '../domain/ids.ts';
import type { Instrument } from '../domain/instrument.ts';
import type { TradeIntent } from '../domain/intent.ts';
import type { Broker } from '../domain/ports/broker.ts';
import type { FirmRules } from '../compliance/firm-rules.ts';
import { checkCompliance, type ComplianceReport } from '../compliance/guard.ts';
import { executionJitter } from '../compliance/jitter.ts';
import { floorToStep } from '../risk/price-rounding.ts';
import { complianceState, liveBalance } from './account-view.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';
import type { Position } from '../domain/position.ts';
import { moveValue } from '../domain/instrument.ts';

export type GateAnswer =
  | { passed: true; qty: number; delayMs: number; report: ComplianceReport }
  | { passed: false; reason: string; report: ComplianceReport | null };

export async function complianceGate(
  deps: TradingWorkerDeps,
  gate: {
    intent: TradeIntent;
    rules: FirmRules;
    startingBalance: number;
    plan: { qty: number; riskUsd: number };
    side: 'buy' | 'sell';
    instrument: Instrument;
    broker: Broker;
  },
  now: EpochMs,
): Promise<GateAnswer> {
  const { intent, rules, plan, instrument } = gate;
  // Keyed by the intent: a retry after a crash sizes and waits exactly as the first attempt did.
  const jitter = executionJitter(rules.jitter, intent.id);
  const qty = floorToStep(plan.qty * jitter.sizeFactor, instrument.qtyStep);
  if (!(qty > 0) || qty < instrument.minQty) {
    return {
      passed: false,
      reason: `compliance: the size offset (×${jitter.sizeFactor.toFixed(4)}) leaves ${qty} of ${intent.symbol}, under the minimum ${instrument.minQty}`,
      report: null,
    };
  }
  const live = await liveBalance(deps, intent.variantId, gate.startingBalance, gate.broker, now);
  const state = await complianceState(deps, intent.variantId, rules, live, now);
  const report = checkCompliance(
    {
      symbol: intent.symbol,
      side: gate.side,
      lots: qty,
      // Stops can be hit together: the open positions' distance to their stops counts as well.
      riskAmount: (plan.qty > 0 ? (plan.riskUsd * qty) / plan.qty : 0) + openRisk(deps, live.open),
      purpose: 'entry',
    },
    state,
    rules,
    now,
  );
  if (!report.passed) {
    const refusals = report.results.filter((r) => r.outcome === 'reject');
    return {
      passed: false,
      reason: `compliance: ${refusals.map((r) => `${r.rule}: ${r.reason}`).join('; ')}`,
      report,
    };
  }
  return { passed: true, qty, delayMs: jitter.delayMs, report };
}

/** What the open positions lose from the last price to their stops (nothing for a stop past the entry). */
function openRisk(
  deps: Pick<TradingWorkerDeps, 'market' | 'instruments'>,
  open: readonly Position[],
): number {
  return open.reduce((sum, p) => {
    const mark = deps.market.lastClose(p.symbol) ?? p.entryPrice;
    const toStop = p.side === 'long' ? mark - p.currentStop : p.currentStop - mark;
    const instrument = deps.instruments(p.variantId, p.symbol);
    // In dollars at the stop's price, where the loss would be taken.
    return sum + moveValue(instrument, Math.max(0, toStop), p.qty, p.currentStop);
  }, 0);
}
