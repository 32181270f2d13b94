// A backtest's (or a store's) results as one report: per-variant metrics, the A/B comparison of every
// variant against the first, and the full trade list with its fingerprint.
import type { VariantId } from '../domain/ids.ts';
import type { CandleGap } from '../domain/candle.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Position } from '../domain/position.ts';
import type { TradingStateRecord } from '../domain/trading-state.ts';
import { compareAll, type AbComparison } from './ab-test.ts';
import type { DecisionCounts } from './decision-counts.ts';
import { fingerprint, tradeRows, variantReport, type TradeRow, type VariantReport } from './metrics.ts';
import type { MarketChange } from './market-change.ts';
import type { OpenAtEndRow } from './open-at-end.ts';

export interface Report {
  from: string;
  to: string;
  variants: VariantReport[];
  ab: AbComparison[];
  gaps: number;
  /** A run stopped before the end of its data (Ctrl-C): when it stopped; the report covers up to there. */
  interrupted?: string;
  fingerprint: string;
  trades: TradeRow[];
  /** Where the decisions came from (rules, LLM, cache, fallback…); absent for a report from a store. */
  decisions?: DecisionCounts[];
  /** Variants that stopped entering during the run (a tripped kill switch): when and why. */
  halted?: HaltRow[];
  /** Buy and hold of the backtest's symbols over its span; absent for a report from a store. */
  market?: MarketChange;
  /** Positions open when the data ended, with their P&L at the last close; absent for a store's report. */
  openAtEnd?: OpenAtEndRow[];
}

export interface HaltRow {
  variant: string;
  state: string;
  at: string | null;
  reason: string;
}

export function buildReport(input: {
  from: EpochMs;
  to: EpochMs;
  variants: readonly { id: string; startingBalance: number }[];
  closed: readonly Position[];
  gaps?: readonly CandleGap[];
  decisions?: DecisionCounts[];
  /** The close time of the last bar run, when the run was stopped before the end of its data. */
  interruptedAt?: EpochMs | null;
  /** The A/B comparisons when already known (the API keeps them between refreshes; they are slow). */
  ab?: AbComparison[];
  /** Each variant's trading state at the end: the halted ones are named in the report. */
  tradingStates?: readonly TradingStateRecord[];
  /** A backtest's: the market's change over the run, and the positions it left open. */
  market?: MarketChange | null;
  openAtEnd?: readonly OpenAtEndRow[];
}): Report {
  const halted = (input.tradingStates ?? []).filter((s) => s.state !== 'active');
  const trades = tradeRows(input.closed);
  return {
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    variants: input.variants.map((v) =>
      variantReport(v.id as VariantId, input.closed, {
        startingBalance: v.startingBalance,
        from: input.from,
        to: input.to,
        ...(input.openAtEnd ? { open: input.openAtEnd } : {}),
      }),
    ),
    ab:
      input.ab ??
      compareAll(
        input.variants.map((v) => ({
          id: v.id,
          pnls: input.closed
            .filter((p) => p.variantId === v.id && p.pnl !== null)
            .map((p) => p.pnl as number),
        })),
      ),
    gaps: input.gaps?.length ?? 0,
    ...(input.interruptedAt != null ? { interrupted: new Date(input.interruptedAt).toISOString() } : {}),
    fingerprint: fingerprint(trades),
    trades,
    ...(input.decisions ? { decisions: input.decisions } : {}),
    ...(input.market ? { market: input.market } : {}),
    ...(input.openAtEnd ? { openAtEnd: [...input.openAtEnd] } : {}),
    ...(halted.length > 0
      ? {
          halted: halted.map((s) => ({
            variant: s.variantId,
            state: s.state,
            at: s.changedAt === null ? null : new Date(s.changedAt).toISOString(),
            reason: s.reason,
          })),
        }
      : {}),
  };
}
