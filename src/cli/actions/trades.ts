// What `sigil trades` does; commands/trades.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import type { Position } from '../../domain/position.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradesOptions } from '../commands/trades.ts';
import { moneyText, priceOrDash, qtyText } from '../position-text.ts';
import { isoTime, renderTable } from '../table.ts';
import { timeRangeOptions } from '../time-option.ts';
import { variantNames } from '../variants-option.ts';
import { knownVariant } from './configured-variant.ts';

/** One trade as printed and exported: a closed position, or an open one with no exit yet. */
export interface TradeLine {
  id: string;
  variant: string;
  symbol: string;
  side: string;
  status: 'open' | 'closed';
  entryTime: string;
  entryPrice: number;
  qty: number;
  exitTime: string | null;
  exitPrice: number | null;
  exitReason: string | null;
  /** Who closed it by hand and why, or a strategy's own exit reason. */
  exitTag: string | null;
  fees: number;
  pnl: number | null;
  barsHeld: number;
}

export async function listTrades(options: TradesOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const range = timeRangeOptions(options);
  const names = variantNames(options);
  await withExistingStore(context, async (store) => {
    const variants = names && (await Promise.all(names.map((n) => knownVariant(context, store, n))));
    const positions = (await tradesOf(store, variants, options))
      .filter((p) => options.symbol === undefined || p.symbol === options.symbol)
      .filter(
        (p) =>
          (range.from === undefined || p.openedAt >= range.from) &&
          (range.to === undefined || p.openedAt < range.to),
      )
      .sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const lines = positions.map(tradeLine);
    if (options.json) return console.log(JSON.stringify(lines, null, 2));
    if (options.csv) return process.stdout.write(csv(lines));
    if (lines.length === 0) return console.log(`No trades match in ${context.storeUrl}.`);
    console.log(
      renderTable(
        [
          'variant',
          'symbol',
          'side',
          'entry time',
          'entry',
          'qty',
          'exit time',
          'exit',
          'reason',
          'fees',
          'P&L',
          'bars',
        ],
        lines.map((t) => [
          t.variant,
          t.symbol,
          t.side,
          t.entryTime,
          priceOrDash(t.entryPrice),
          qtyText(t.qty),
          t.exitTime ?? 'open',
          priceOrDash(t.exitPrice),
          t.exitReason === null ? '—' : t.exitTag ? `${t.exitReason} (${t.exitTag})` : t.exitReason,
          moneyText(t.fees),
          moneyText(t.pnl),
          t.barsHeld,
        ]),
      ),
    );
    const closed = lines.filter((t) => t.pnl !== null);
    const total = closed.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
    console.log(`\n${closed.length} closed (P&L ${moneyText(total)}), ${lines.length - closed.length} open`);
  });
}

async function tradesOf(
  store: Store,
  variants: readonly Position['variantId'][] | undefined,
  options: Pick<TradesOptions, 'open' | 'closed' | 'symbol'>,
): Promise<Position[]> {
  const each = variants ?? [undefined];
  const found: Position[] = [];
  for (const variantId of each) {
    if (!options.open) {
      found.push(
        ...(await store.closedPositions({
          ...(variantId ? { variantId } : {}),
          ...(options.symbol ? { symbol: options.symbol } : {}),
        })),
      );
    }
    if (!options.closed) found.push(...(await store.openPositions(variantId)));
  }
  return found;
}

export function tradeLine(p: Position): TradeLine {
  return {
    id: p.id,
    variant: p.variantId,
    symbol: p.symbol,
    side: p.side,
    status: p.closedAt === null ? 'open' : 'closed',
    entryTime: isoTime(p.openedAt),
    entryPrice: p.entryPrice,
    qty: p.qty,
    exitTime: p.closedAt === null ? null : isoTime(p.closedAt),
    exitPrice: p.exitPrice,
    exitReason: p.exitReason,
    exitTag: p.exitTag ?? null,
    fees: p.fees,
    pnl: p.pnl,
    barsHeld: p.barsHeld,
  };
}

const CSV_COLUMNS: readonly (keyof TradeLine)[] = [
  'id',
  'variant',
  'symbol',
  'side',
  'status',
  'entryTime',
  'entryPrice',
  'qty',
  'exitTime',
  'exitPrice',
  'exitReason',
  'exitTag',
  'fees',
  'pnl',
  'barsHeld',
];

function csv(lines: readonly TradeLine[]): string {
  const cell = (value: unknown): string => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.join(','), ...lines.map((t) => CSV_COLUMNS.map((c) => cell(t[c])).join(','))]
    .map((line) => `${line}\n`)
    .join('');
}
