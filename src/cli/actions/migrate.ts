// What `sigil migrate` does; commands/migrate.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, type GlobalOptions } from '../../app/app-context.ts';
import { openStore } from '../../store/open-store.ts';

export async function migrate(command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const { store, driver, migrations } = await openStore(context.storeUrl, {
    now: new Date(context.clock.now()).toISOString(),
  });
  await store.close();
  const applied = migrations?.applied ?? [];
  console.log(
    applied.length === 0
      ? `${driver.target} is up to date (schema version ${migrations?.version ?? 0})`
      : `${driver.target}: applied ${applied.map((m) => `${m.id} ${m.name}`).join(', ')}; now at version ${migrations?.version}`,
  );
}
