import type { Command } from 'commander';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'create the database if needed and apply every pending schema migration (safe to run concurrently)',
    )
    .action(async (_options, command: Command) => (await import('../actions/migrate.ts')).migrate(command));
}
