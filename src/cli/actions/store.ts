// What `sigil store copy` does; commands/store.ts declares the options; loaded only to run.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { appContext, type GlobalOptions } from '../../app/app-context.ts';
import { sqliteFile } from '../../store/open-store.ts';
import { checkSource, copyStore, StoreCopyRefused } from '../../app/store-copy.ts';
import { redactUrl } from '../../logging/redaction.ts';
import { openDriver } from '../../store/open-store.ts';
import type { SqlDriver } from '../../store/sql-driver.ts';
import { UsageError } from '../cli-error.ts';
import type { StoreCopyOptions } from '../commands/store.ts';
import { tableCountsText } from '../table-counts-text.ts';

export async function copyStoreCommand(options: StoreCopyOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const sourceName = redactUrl(options.from);
  // Opening a missing SQLite file would create an empty store, and the copy would then refuse it.
  const fromFile = sqliteFile(options.from);
  if (fromFile !== null && !existsSync(fromFile))
    throw new UsageError(`no SQLite store at ${fromFile}; check --from ${sourceName}`);
  const source = openDriver(options.from);
  let target: SqlDriver | undefined;
  try {
    // The source is checked before the target is opened, which may create it.
    await checkSource(source, sourceName);
    target = openDriver(options.to);
    const report = await copyStore(source, target, {
      now: new Date(context.clock.now()).toISOString(),
      sourceName,
    });
    console.log(`Copied ${source.target} into ${target.target} (schema version ${report.version})`);
    console.log(tableCountsText(report.tables));
  } catch (error) {
    throw error instanceof StoreCopyRefused ? new UsageError(error.message, { cause: error }) : error;
  } finally {
    await target?.close();
    await source.close();
  }
}
