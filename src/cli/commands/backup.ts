// `sigil backup FILE`: the runbook's copy of the store before an upgrade, a migration or a move — taken
// while the bot runs. Restore it with `sigil store copy --from sqlite:FILE --to URL`.
import type { Command } from 'commander';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .argument('<file>', 'the new SQLite file to write (it must not exist: a backup never overwrites)')
    .description(
      'copy the store (--db, SQLite or PostgreSQL) into a new SQLite file: one consistent snapshot, safe while the bot runs',
    )
    .action(async (file: string, _options: unknown, command: Command) =>
      (await import('../actions/backup.ts')).backup(file, command),
    );
}
