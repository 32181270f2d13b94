// `sigil exit`: closes a variant's position (or all of them) now, at the market, through its broker —
// an operator's force-exit, recorded as a `manual` exit with who and why, and alerted.
import type { Command } from 'commander';

export interface ExitOptions {
  reason: string;
}

export function registerExit(program: Command): void {
  program
    .command('exit')
    .argument('<variant>', 'the variant holding the position')
    .argument('<symbol>', 'the symbol to close, or "all" for every open position of the variant')
    .description(
      'close a position by hand now, at the market, through the variant\'s broker (exit reason manual); refused while a live "sigil run" owns the variant — use its dashboard or API',
    )
    .option('--reason <text>', 'why, for the audit trail and the alert', 'closed by hand')
    .action(async (variant: string, symbol: string, options: ExitOptions, command: Command) =>
      (await import('../actions/exit.ts')).exitPosition(variant, symbol, options, command),
    );
}
