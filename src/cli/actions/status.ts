// What `sigil status` does; commands/status.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { INTENT_STATUSES } from '../../domain/intent-lifecycle.ts';
import { renderTable } from '../table.ts';
import type { StatusOptions } from '../commands/status.ts';
import type { Store } from '../../domain/ports/store.ts';
import { wallNow } from '../../clock/system-clock.ts';
import { leaseLive } from '../../domain/lease.ts';
import { parseInfo } from '../../app/process-leases.ts';

export async function showStatus(options: StatusOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  await withExistingStore(context, async (store, opened) => {
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
    const processes = await runningProcesses(store);
    const database = {
      target: opened.driver.target,
      dialect: store.dialect,
      schemaVersion: opened.migrations?.version ?? null,
    };
    if (options.json) {
      console.log(
        JSON.stringify({ database, variants: byVariant, tradingStates: switched, processes }, null, 2),
      );
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
    console.log('');
    if (processes.length === 0) console.log('No sigil run process holds this store.');
    else {
      console.log(
        "Processes (a lease lapses unless renewed; an owner runs its variants' positions and orders):",
      );
      console.log(
        renderTable(
          ['host', 'pid', 'roles', 'owns', 'config', 'since', 'lease until'],
          processes.map((p) => [
            p.host,
            p.pid,
            p.roles.join(','),
            p.owns.join(',') || '—',
            p.config,
            new Date(p.since).toISOString(),
            new Date(p.leaseUntil).toISOString(),
          ]),
        ),
      );
    }
  });
}

interface RunningProcess {
  host: string;
  pid: number;
  roles: string[];
  /** Variants whose execution role this process owns. */
  owns: string[];
  config: string;
  since: number;
  leaseUntil: number;
}

/** The live `sigil run` processes on the store, from their leases: presence, roles, owned variants. */
async function runningProcesses(store: Store): Promise<RunningProcess[]> {
  const now = wallNow();
  const live = (await store.leases()).filter((lease) => leaseLive(lease, now));
  return live
    .filter((lease) => lease.name.startsWith('process:'))
    .map((lease) => {
      const info = parseInfo(lease.info);
      return {
        host: lease.host,
        pid: lease.pid,
        roles: [...(info.roles ?? [])],
        owns: live
          .filter((l) => l.holder === lease.holder && l.name.startsWith('variant:'))
          .map((l) => l.name.slice('variant:'.length)),
        config: info.config ?? '',
        since: lease.since,
        leaseUntil: lease.leaseUntil,
      };
    });
}
