// What `sigil positions` does; commands/positions.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { configuredInstruments } from '../../app/instrument-for.ts';
import { lastPrices } from '../../app/last-prices.ts';
import { storeTime } from '../../app/store-time.ts';
import type { Position } from '../../domain/position.ts';
import { markPosition } from '../../risk/position-mark.ts';
import type { PositionsOptions } from '../commands/positions.ts';
import { ageText, moneyText, priceOrDash, qtyText } from '../position-text.ts';
import { isoTime, renderTable } from '../table.ts';
import { variantNames } from '../variants-option.ts';
import { knownVariant } from './configured-variant.ts';

export async function listPositions(options: PositionsOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const names = variantNames(options);
  await withExistingStore(context, async (store) => {
    const variants = names && (await Promise.all(names.map((n) => knownVariant(context, store, n))));
    const open: Position[] = [];
    for (const variantId of variants ?? [undefined]) open.push(...(await store.openPositions(variantId)));
    open.sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1));
    // Ages on the store's clock: a replay's positions are as old as its simulated time says.
    const time = await storeTime(store, context.clock.now());
    const prices = await lastPrices(
      context.config,
      time,
      open.map((p) => p.symbol),
    );
    const terms = configuredInstruments(context.config.market);
    const marked = open.map((p) => markPosition(p, prices.of(p.symbol), terms(p.symbol), time.now));
    if (options.json) {
      return console.log(
        JSON.stringify({ now: time.now, priceSource: prices.source, positions: marked }, null, 2),
      );
    }
    if (marked.length === 0) return console.log(`No open positions in ${context.storeUrl}.`);
    console.log(
      renderTable(
        [
          'variant',
          'symbol',
          'side',
          'opened',
          'age',
          'qty',
          'entry',
          'last',
          'unrealised P&L',
          'stop',
          'initial stop',
          'trail',
          'peak',
        ],
        marked.map((p) => [
          p.variantId,
          p.symbol,
          p.side,
          isoTime(p.openedAt),
          ageText(p.ageMs),
          qtyText(p.qty),
          priceOrDash(p.entryPrice),
          priceOrDash(p.lastPrice),
          moneyText(p.unrealisedPnl),
          priceOrDash(p.currentStop),
          priceOrDash(p.initialStop),
          p.trailing ? 'moved' : 'not yet',
          priceOrDash(p.peakPrice),
        ]),
      ),
    );
    const total = marked.reduce((sum, p) => sum + (p.unrealisedPnl ?? 0), 0);
    console.log(`\n${marked.length} open, unrealised P&L ${moneyText(total)} (after entry fees)`);
    console.log(`Prices: ${prices.source}`);
  });
}
