// The operator's switches: halt a variant (the kill switch, by hand), put it in reduce-only, reset it. A
// halt and a reset are sent to the configured alert sinks, so whoever watches the chat knows who did what.
import type { Command } from 'commander';

export interface HaltOptions {
  reason: string;
  reduceOnly?: boolean;
}

export function registerTrading(program: Command): void {
  program
    .command('halt')
    .argument('<variant>', 'the variant to stop')
    .description(
      'trip the kill switch of a variant: no new entries (open positions keep their stops) until "sigil reset"',
    )
    .option('--reason <text>', 'why, for the audit trail', 'halted by hand')
    .option('--reduce-only', 'only close positions (trading state "reducing") instead of halting')
    .action(async (name: string, options: HaltOptions, command: Command) =>
      (await import('../actions/trading.ts')).halt(name, options, command),
    );

  program
    .command('reset')
    .argument('<variant>', 'the variant to resume')
    .description('reset the kill switch of a variant: back to active trading')
    .option('--reason <text>', 'why, for the audit trail', 'reset by hand')
    .action(async (name: string, options: { reason: string }, command: Command) =>
      (await import('../actions/trading.ts')).reset(name, options, command),
    );
}
