// What `sigil halt` and `sigil reset` do; commands/trading.ts declares the options; loaded only to run.
import { storeTime } from '../../app/store-time.ts';
import type { Command } from 'commander';
import { alertEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { appContext, withExistingStore, type AppContext, type GlobalOptions } from '../../app/app-context.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { resetTradingState, tripKillSwitch } from '../../risk/kill-switch.ts';
import type { Logger } from '../../logging/logger.ts';
import { commandLogger } from '../command-logger.ts';
import type { HaltOptions } from '../commands/trading.ts';
import { isoTime } from '../table.ts';
import { knownVariant } from './configured-variant.ts';

const OPERATOR = 'operator:cli';
/** How long a halt or reset waits for its alert before the command exits. */
const ALERT_FLUSH_MS = 5_000;

export async function halt(name: string, options: HaltOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const told = await withExistingStore(context, async (store): Promise<TradingEvent[]> => {
    const variant = await knownVariant(context, store, name);
    // The store's own now: on a replay's store, the replay's simulated time.
    const now = (await storeTime(store, context.clock.now())).now;
    // A halt that changes nothing is said as such and told to nobody: the chat already knows.
    const before = await store.tradingState(variant);
    if (before.state === 'halted' || (options.reduceOnly && before.state === 'reducing')) {
      const since = before.changedAt === null ? '' : ` since ${isoTime(before.changedAt)}`;
      console.log(`${variant}: already ${before.state}${since} (${before.reason}); nothing changed`);
      return [];
    }
    const state = options.reduceOnly
      ? await store.setTradingState(
          { variantId: variant, state: 'reducing', reason: options.reason, actor: OPERATOR },
          now,
        )
      : await tripKillSwitch(store, { variantId: variant, why: options.reason, actor: OPERATOR }, now);
    console.log(`${variant}: ${state.state} (${state.reason})`);
    if (options.reduceOnly) return [];
    return [
      { type: 'kill_switch_tripped', at: now, variantId: variant, actor: OPERATOR, why: options.reason },
    ];
  });
  await tell(context, told, commandLogger(command));
}

export async function reset(name: string, options: { reason: string }, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const told = await withExistingStore(context, async (store): Promise<TradingEvent[]> => {
    const variant = await knownVariant(context, store, name);
    // The store's own now: on a replay's store, the replay's simulated time.
    const now = (await storeTime(store, context.clock.now())).now;
    const before = await store.tradingState(variant);
    const state = await resetTradingState(
      store,
      { variantId: variant, actor: OPERATOR, why: options.reason },
      now,
    );
    if (before.state === 'active') {
      console.log(`${variant}: already active`);
      return [];
    }
    console.log(`${variant}: ${before.state} → ${state.state}`);
    return [
      {
        type: 'kill_switch_reset',
        at: now,
        variantId: variant,
        actor: OPERATOR,
        why: options.reason,
        from: before.state,
      },
    ];
  });
  await tell(context, told, commandLogger(command));
}

/** Sends the alerts of what the command did, after it is done, and waits a little for their delivery. */
async function tell(context: AppContext, events: readonly TradingEvent[], log: Logger): Promise<void> {
  const alerts = commandAlerts(context, log);
  alertEvents(alerts, events);
  await alerts?.flush(ALERT_FLUSH_MS);
}
