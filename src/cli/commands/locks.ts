// The locks that keep a variant, or one of its symbols, from entering — cooldowns, stop-loss guards,
// drawdown and low-profit locks, compliance pauses, and an operator's own: `sigil locks` shows them (the
// first question when a bot trades nothing), `sigil lock` adds one by hand (news ahead), `sigil unlock`
// lifts one. A compliance pause is the firm's rule and is never lifted by hand: trading through it would
// break the account the pause protects.
import type { Command } from 'commander';
import { PROTECTION_KINDS } from '../../domain/protection.ts';

/** The kinds `sigil unlock` may lift: every kind but the firm's. */
export const LIFTABLE = PROTECTION_KINDS.filter((kind) => kind !== 'compliance');

export interface LocksOptions {
  variants?: string;
  at?: string;
  json?: boolean;
}

export function registerLocks(program: Command): void {
  program
    .command('locks')
    .description('list the locks in force: which variant or symbol may not enter, why, and until when')
    .option('--variants <names>', 'comma-separated variants, default: all')
    .option(
      '--at <time>',
      "as of this ISO 8601 time, UTC without a zone (a replay's store lives in its own time), default now",
    )
    .option('--json', 'print JSON')
    .action(async (options: LocksOptions, command: Command) =>
      (await import('../actions/locks.ts')).listLocks(options, command),
    );

  program
    .command('lock')
    .argument('<variant>', 'the variant')
    .argument('<symbol>', "the symbol, or '*' for every symbol of the variant")
    .description('keep a variant (or one symbol) from entering for a while; open positions keep their stops')
    .requiredOption('--hours <n>', 'how long, in hours')
    .option('--reason <text>', 'why, shown by sigil locks', 'locked by hand')
    .action(
      async (name: string, symbol: string, options: { hours: string; reason: string }, command: Command) =>
        (await import('../actions/locks.ts')).addLock(name, symbol, options, command),
    );

  program
    .command('unlock')
    .argument('<variant>', 'the variant')
    .argument('<symbol>', "the symbol, or '*' for the variant-wide locks")
    .description(
      'lift the locks in force on a symbol (cooldowns, guards, locks by hand); compliance pauses are not lifted',
    )
    .option('--kinds <kinds>', `comma-separated kinds to lift (${LIFTABLE.join(', ')}), default: all of them`)
    .option('--reason <text>', 'why, kept with each lifted lock', 'lifted by hand')
    .action(
      async (name: string, symbol: string, options: { kinds?: string; reason: string }, command: Command) =>
        (await import('../actions/locks.ts')).liftLocks(name, symbol, options, command),
    );
}
