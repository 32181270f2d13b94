// The operator's switches: halt a variant (the kill switch, by hand), put it in reduce-only, reset it.
import type { Command } from 'commander';
import { appContext, withStore, type AppContext, type GlobalOptions } from '../../app/app-context.ts';
import type { VariantId } from '../../domain/ids.ts';
import { resetTradingState, tripKillSwitch } from '../../risk/kill-switch.ts';
import { selectVariants } from '../../app/engine-for.ts';

const OPERATOR = 'operator:cli';

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
      await withStore(context, async (store) => {
        const now = context.clock.now();
        const state = options.reduceOnly
          ? await store.setTradingState(
              { variantId: variant, state: 'reducing', reason: options.reason, actor: OPERATOR },
              now,
            )
          : await tripKillSwitch(store, { variantId: variant, why: options.reason, actor: OPERATOR }, now);
        console.log(`${variant}: ${state.state} (${state.reason})`);
      });
    });

  program
    .command('reset')
    .argument('<variant>', 'the variant to resume')
    .description('reset the kill switch of a variant: back to active trading')
    .option('--reason <text>', 'why, for the audit trail', 'reset by hand')
    .action(async (name: string, options: { reason: string }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const variant = configuredVariant(context, name);
      await withStore(context, async (store) => {
        const before = await store.tradingState(variant);
        const state = await resetTradingState(
          store,
          { variantId: variant, actor: OPERATOR, why: options.reason },
          context.clock.now(),
        );
        console.log(
          before.state === 'active'
            ? `${variant}: already active`
            : `${variant}: ${before.state} → ${state.state}`,
        );
      });
    });
}

/** A typo must not halt (or resume) a variant nobody runs. */
export function configuredVariant(context: AppContext, name: string): VariantId {
  const [variant] = selectVariants(context.config, [name]);
  if (!variant) throw new Error(`selectVariants returned nothing for ${name}`);
  return variant.id;
}
