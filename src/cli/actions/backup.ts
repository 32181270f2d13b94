// What `sigil backup` does; commands/backup.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, type GlobalOptions } from '../../app/app-context.ts';
import { sqliteFile } from '../../store/open-store.ts';
import { backupStore } from '../../app/store-backup.ts';
import { StoreCopyRefused } from '../../app/store-copy.ts';
import { UsageError } from '../cli-error.ts';
import { tableCountsText } from '../table-counts-text.ts';

export async function backup(file: string, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  // FILE as the restore names it (`sqlite:backup.db`) is taken too; a PostgreSQL URL is not a file.
  if (/^postgres(ql)?:/.test(file)) {
    throw new UsageError(
      'a backup is a new SQLite file; to copy a store into PostgreSQL use "sigil store copy --from … --to postgres://…"',
    );
  }
  const path = sqliteFile(file) ?? file;
  const report = await backupStore(context.storeUrl, path).catch((error: unknown) => {
    throw error instanceof StoreCopyRefused ? new UsageError(error.message, { cause: error }) : error;
  });
  console.log(
    `Backed up ${report.source} (schema version ${report.version}, ${report.method}) to ${report.file}`,
  );
  console.log(tableCountsText(report.tables));
}
