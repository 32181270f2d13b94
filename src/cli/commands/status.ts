// `sigil status`: declared here; its work (the store) is loaded only when it runs (actions/status.ts).
import type { Command } from 'commander';

export interface StatusOptions {
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the database and the number of intents in each status, per variant')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: StatusOptions, command: Command) =>
      (await import('../actions/status.ts')).showStatus(options, command),
    );
}
