// The operator's switches: halt a variant (the kill switch, by hand), put it in reduce-only, reset it. A
// halt and a reset are sent to the configured alert sinks, so whoever watches the chat knows who did what.
import type { Command } from 'commander';
import { alertEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { appContext, withStore, type AppContext, type GlobalOptions } from '../../app/app-context.ts';
import type { VariantId } from '../../domain/ids.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { resetTradingState, tripKillSwitch } from '../../risk/kill-switch.ts';
import { selectVariants } from '../../app/engine-for.ts';
import type { Logger } from '../../logging/logger.ts';
import { commandLogger } from '../command-logger.ts';

const OPERATOR = 'operator:cli';
/** How long a halt or reset waits for its alert before the command exits. */
const ALERT_FLUSH_MS = 5_000;

export function registerTrading(program: Command): void {
  program
    .command('halt')
    .argument('<variant>', 'the variant to stop')
    .description(
      'trip the kill switch of a variant: no new entries (open positions keep their stops) until "sigil reset"',
    )
    .option('--reason <text>', 'why, for the audit trail', 'halted by hand')
    .option('--reduce-only', 'only close positions (trading state "reducing") instead of halting')
    .action(async (name: string, options: { reason: string; reduceOnly?: boolean }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const variant = configuredVariant(context, name);
      const told = await withStore(context, async (store): Promise<TradingEvent[]> => {
        const now = context.clock.now();
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
    });

  program
    .command('reset')
    .argument('<variant>', 'the variant to resume')
    .description('reset the kill switch of a variant: back to active trading')
    .option('--reason <text>', 'why, for the audit trail', 'reset by hand')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const variant = configuredVariant(context, name);
      const told = await withStore(context, async (store): Promise<TradingEvent[]> => {
        const now = context.clock.now();
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
    });
}

/** A typo must not halt (or resume) a variant nobody runs. */
export function configuredVariant(context: AppContext, name: string): VariantId {
  const [variant] = selectVariants(context.config, [name]);
  if (!variant) throw new Error(`selectVariants returned nothing for ${name}`);
  return variant.id;
}

/** Sends the alerts of what the command did, after it is done, and waits a little for their delivery. */
async function tell(context: AppContext, events: readonly TradingEvent[], log: Logger): Promise<void> {
  const alerts = commandAlerts(context, log);
  alertEvents(alerts, events);
  await alerts?.flush(ALERT_FLUSH_MS);
}
