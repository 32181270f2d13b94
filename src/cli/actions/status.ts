// What `sigil status` does; commands/status.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { INTENT_STATUSES } from '../../domain/intent-lifecycle.ts';
import { renderTable } from '../table.ts';
import type { StatusOptions } from '../commands/status.ts';

export async function showStatus(options: StatusOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  await withStore(context, async (store, opened) => {
    const counts = await store.countByStatus();
    const switched = (await store.tradingStates()).filter((t) => t.state !== 'active');
    const variants = [
      ...new Set([...context.config.variants.map((v) => v.id), ...counts.map((c) => c.variantId)]),
    ].sort();
    const byVariant = variants.map((variant) => {
      const row = Object.fromEntries(INTENT_STATUSES.map((status) => [status, 0])) as Record<string, number>;
      for (const c of counts.filter((c) => c.variantId === variant)) row[c.status] = c.count;
      return { variant, counts: row, total: Object.values(row).reduce((a, b) => a + b, 0) };
    });
    const database = {
      target: opened.driver.target,
      dialect: store.dialect,
      schemaVersion: opened.migrations?.version ?? null,
    };
    if (options.json) {
      console.log(JSON.stringify({ database, variants: byVariant, tradingStates: switched }, null, 2));
      return;
    }
    console.log(
      `Database: ${database.target} (${database.dialect}, schema version ${database.schemaVersion})`,
    );
    console.log(
      renderTable(
        ['variant', ...INTENT_STATUSES, 'total'],
        byVariant.map((v) => [v.variant, ...INTENT_STATUSES.map((s) => v.counts[s] ?? 0), v.total]),
      ),
    );
    for (const t of switched) {
      console.log(
        `${t.variantId} is ${t.state} since ${new Date(t.changedAt ?? 0).toISOString()}: ${t.reason}`,
      );
    }
  });
}
