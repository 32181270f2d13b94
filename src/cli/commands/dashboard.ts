// `sigil dashboard`: the dashboard and the API for any store — a backtest's, or a bot's running in
// another process or on another host — until Ctrl-C.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { API_TOKEN_ENV } from '../../app/dashboard-server.ts';
import type { SigilConfig, Variant } from '../../config/load-config.ts';
import type { Store } from '../../domain/ports/store.ts';
import { variantId } from '../../domain/ids.ts';
import { listenSettings, serveDashboard, type ListenFlags } from '../dashboard-listen.ts';

interface DashboardFlags extends ListenFlags {
  variants?: string;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description(
      `serve the web dashboard and the HTTP API for a store (--db) until Ctrl-C; halt/reset need ${API_TOKEN_ENV}`,
    )
    .option('--host <address>', 'address to bind (default: api.host, 127.0.0.1)')
    .option('--port <n>', 'TCP port, 0 = any free port (default: api.port, 8700)')
    .option('--variants <names>', "comma-separated variants, default: the config's and any the store holds")
    .action(async (flags: DashboardFlags, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      const listen = listenSettings(context.config, flags);
      const named = flags.variants?.split(',');
      const variants = named
        ? selectVariants(context.config, named)
        : await withStore(context, (store) => withStoreVariants(context.config, store));
      const server = await serveDashboard(
        {
          config: context.config,
          variants,
          storeUrl: context.storeUrl,
          clock: context.clock,
          ...listen,
          env: process.env,
        },
        context.config.file,
      );
      console.log(
        `Dashboard: ${server.url}/  (API under ${server.url}/api, metrics at ${server.url}/metrics)`,
      );
      if (!process.env[API_TOKEN_ENV]) console.log(`Halt and reset are off: ${API_TOKEN_ENV} is not set.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
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
