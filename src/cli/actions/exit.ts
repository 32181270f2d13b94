// What `sigil exit` does; commands/exit.ts declares the options; loaded only to run. The close itself is
// app/force-exit.ts, the same the API and the Telegram bot run. A variant a live `sigil run` owns is
// refused: that process trades it, and its exits go through its dashboard or API (POST
// /api/variants/:v/positions/:symbol/exit), in its own lane — two processes never act for one variant.
import type { Command } from 'commander';
import { wallNow } from '../../clock/system-clock.ts';
import { alertEvents } from '../../app/alerts-for.ts';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { forceExit, FORCE_EXIT_SYMBOL_ALL, type ForceExitResult } from '../../app/force-exit.ts';
import { lastPrices } from '../../app/last-prices.ts';
import { manualExitDeps, ownerOf } from '../../app/manual-exit-deps.ts';
import { describeHolder, holderGone } from '../../app/process-leases.ts';
import { storeTime } from '../../app/store-time.ts';
import { FatalError } from '../../domain/errors.ts';
import type { Position } from '../../domain/position.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { UsageError } from '../cli-error.ts';
import { commandAlerts } from '../command-alerts.ts';
import { commandLogger } from '../command-logger.ts';
import type { ExitOptions } from '../commands/exit.ts';
import { moneyText, priceOrDash, qtyText } from '../position-text.ts';
import { knownVariant } from './configured-variant.ts';

export const CLI_ACTOR = 'operator:cli';
/** How long the command waits for its alerts before it exits. */
const ALERT_FLUSH_MS = 5_000;

export async function exitPosition(
  name: string,
  symbol: string,
  options: ExitOptions,
  command: Command,
): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const events: TradingEvent[] = [];
  const result = await withExistingStore(context, async (store): Promise<ForceExitResult> => {
    const id = await knownVariant(context, store, name);
    const variant = context.config.variants.find((v) => v.id === id);
    if (!variant) {
      throw new UsageError(
        `variant ${id} is in the store but not in the configuration: pass --config with the file that defines it (its broker and rules)`,
      );
    }
    const owner = await ownerOf(store, id, wallNow());
    if (owner && !holderGone(owner)) {
      throw new UsageError(
        `variant ${id} is run by ${describeHolder(owner)}: close its positions through that process's dashboard or API ` +
          `(POST /api/variants/${id}/positions/${encodeURIComponent(symbol)}/exit), or stop it first`,
      );
    }
    // The store's now: a replay's positions close at its simulated time, at its last close.
    const time = await storeTime(store, context.clock.now());
    const held = await store.openPositions(id);
    const symbols = symbol === FORCE_EXIT_SYMBOL_ALL ? held.map((p) => p.symbol) : [symbol];
    const prices = await lastPrices(context.config, time, symbols);
    const deps = await manualExitDeps({
      config: context.config,
      variant,
      store,
      clock: context.clock,
      prices,
      now: time.now,
      onEvent: (event) => events.push(event),
    });
    const result = await forceExit(deps, { variantId: id, symbol, reason: options.reason, actor: CLI_ACTOR });
    for (const p of result.closed) console.log(closedLine(p));
    for (const p of result.closedMeanwhile) {
      console.log(
        `${p.variantId} ${p.symbol}: already closed meanwhile (${p.exitReason ?? 'closed'}), nothing sent`,
      );
    }
    if (result.closed.length > 0 && variant.settings.broker.kind === 'paper') {
      console.log(`Paper fills at ${prices.source}`);
    }
    return result;
  });
  const alerts = commandAlerts(context, commandLogger(command));
  alertEvents(alerts, events);
  await alerts?.flush(ALERT_FLUSH_MS);
  if (result.refusal === 'no_position') throw new UsageError(result.refused ?? 'no such open position');
  if (result.refusal === 'broker') throw new FatalError('exit_failed', `not closed: ${result.refused ?? ''}`);
}

function closedLine(p: Position): string {
  return (
    `${p.variantId} ${p.symbol}: closed ${p.side} ${qtyText(p.qty)} at ${priceOrDash(p.exitPrice)} ` +
    `(entry ${priceOrDash(p.entryPrice)}), P&L ${moneyText(p.pnl)}, exit reason manual (${p.exitTag ?? ''})`
  );
}
