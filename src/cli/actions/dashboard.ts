// What `sigil dashboard` does; commands/dashboard.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { API_TOKEN_ENV } from '../../app/dashboard-server.ts';
import type { SigilConfig, Variant } from '../../config/load-config.ts';
import type { Store } from '../../domain/ports/store.ts';
import { variantId } from '../../domain/ids.ts';
import { listenSettings, serveDashboard } from '../dashboard-listen.ts';
import type { DashboardFlags } from '../commands/dashboard.ts';
import { alertEvents } from '../../app/alerts-for.ts';
import { commandAlerts } from '../command-alerts.ts';
import { commandLogger } from '../command-logger.ts';

/** How long the command waits for its alerts when it stops. */
const ALERT_FLUSH_MS = 5_000;

export async function dashboard(flags: DashboardFlags, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const listen = listenSettings(context.config, flags);
  const named = flags.variants?.split(',');
  // Read first in any case: a --db that names no store is refused before a port is opened.
  const stored = await withExistingStore(context, (store) => withStoreVariants(context.config, store));
  const variants = named ? selectVariants(context.config, named) : stored;
  // What is changed through the page — halts, resets, exits by hand — is told to the alert sinks.
  const alerts = commandAlerts(context, commandLogger(command));
  const server = await serveDashboard(
    {
      config: context.config,
      variants,
      storeUrl: context.storeUrl,
      clock: context.clock,
      standalone: true,
      ...listen,
      env: process.env,
      onEvent: (event) => alertEvents(alerts, [event]),
    },
    context.config.file,
  );
  console.log(`Dashboard: ${server.url}/  (API under ${server.url}/api, metrics at ${server.url}/metrics)`);
  if (!process.env[API_TOKEN_ENV]) console.log(`Halt and reset are off: ${API_TOKEN_ENV} is not set.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await alerts?.flush(ALERT_FLUSH_MS);
}

/**
 * The config's variants and any other the store holds (with the first variant's settings). Without a
 * config file, only the store's: the built-in "baseline" would be an empty card beside a backtest's.
 */
async function withStoreVariants(config: SigilConfig, store: Store): Promise<Variant[]> {
  const found = new Set<string>();
  for (const count of await store.countByStatus()) found.add(count.variantId);
  for (const heartbeat of await store.heartbeats()) found.add(heartbeat.variantId);
  const base = config.variants[0];
  if (!base) return [];
  const shown = config.file === null && found.size > 0 ? [] : config.variants;
  const known = new Set<string>(shown.map((v) => v.id));
  const extra = [...found].filter((id) => !known.has(id)).sort();
  return [...shown, ...extra.map((id) => ({ id: variantId(id), settings: base.settings }))];
}
