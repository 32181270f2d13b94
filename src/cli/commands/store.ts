// `sigil store copy`: a whole store from one database into another, SQLite or PostgreSQL either way — to
// move a bot from SQLite to PostgreSQL, or to restore a backup (`--from sqlite:backup.db`).
import type { Command } from 'commander';

export interface StoreCopyOptions {
  from: string;
  to: string;
}

export function registerStore(program: Command): void {
  const store = program.command('store').description('operations on a whole store (see "sigil store copy")');
  store
    .command('copy')
    .description(
      'copy a whole store into an empty database, SQLite or PostgreSQL either way, in one transaction: to move a bot to PostgreSQL (stop it first) or to restore a backup',
    )
    .requiredOption(
      '--from <url>',
      "the store to copy: sqlite:PATH or postgres://user@host:5432/db[?schema=name], at this Sigil's schema version",
    )
    .requiredOption(
      '--to <url>',
      'where to copy it: sqlite:PATH or postgres://…; created and migrated if needed, and it must hold no data',
    )
    .action(async (options: StoreCopyOptions, command: Command) =>
      (await import('../actions/store.ts')).copyStoreCommand(options, command),
    );
}
