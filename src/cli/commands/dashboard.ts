// `sigil dashboard`: the dashboard and the API for any store — a backtest's, or a bot's running in
// another process or on another host — until Ctrl-C.
import type { Command } from 'commander';
import type { ListenFlags } from '../dashboard-listen.ts';

/**
 * API_TOKEN_ENV of app/dashboard-server.ts, written out so that --help does not load the HTTP server and
 * the store to print its name; program.test.ts holds the two equal.
 */
const API_TOKEN_ENV = 'SIGIL_API_TOKEN';

export interface DashboardFlags extends ListenFlags {
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
    .action(async (flags: DashboardFlags, command: Command) =>
      (await import('../actions/dashboard.ts')).dashboard(flags, command),
    );
}
