// The positions a backtest left open when its data ended. They have no exit, so they are in neither the
// trade list nor the totals (nor the fingerprint); a trader still has to see them, with what they would
// have made closed at the last close — the account view's unrealised P&L, entry fees taken off.
import type { VariantId } from '../domain/ids.ts';
import type { MoneyTerms } from '../domain/instrument.ts';
import type { Position } from '../domain/position.ts';
import { positionPnl } from '../risk/close-trade.ts';

export interface OpenAtEndRow {
  variant: string;
  symbol: string;
  side: string;
  entryTime: string;
  entryPrice: number;
  qty: number;
  /** The symbol's last close in the run; the entry price when the run has none for it. */
  lastClose: number;
  /** P&L had the position closed at lastClose, after the fees paid so far (no exit fee). */
  unrealisedPnl: number;
}

/** One row per open position, by (variant, symbol, entry time). */
export function openAtEndRows(
  open: readonly Position[],
  lastCloses: ReadonlyMap<string, number>,
  termsOf: (variantId: VariantId, symbol: string) => MoneyTerms,
): OpenAtEndRow[] {
  return open
    .filter((p) => p.closedAt === null)
    .map((p) => {
      const lastClose = lastCloses.get(p.symbol) ?? p.entryPrice;
      return {
        variant: p.variantId as string,
        symbol: p.symbol,
        side: p.side,
        entryTime: new Date(p.openedAt).toISOString(),
        entryPrice: p.entryPrice,
        qty: p.qty,
        lastClose,
        unrealisedPnl: positionPnl(p, lastClose, termsOf(p.variantId, p.symbol), p.fees),
      };
    })
    .sort(
      (a, b) =>
        compareText(a.variant, b.variant) ||
        compareText(a.symbol, b.symbol) ||
        compareText(a.entryTime, b.entryTime),
    );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
