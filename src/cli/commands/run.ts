// `sigil run`: the bot. On a replay (the default: the configured candle files) it runs on
// a simulated clock as fast as it goes (or at --speed bars a second), shows a live per-variant summary,
// and at the end prints the report and the A/B verdict. Ctrl-C stops it cleanly after the bar in
// progress; running it again resumes where it stopped.
import { Option, type Command } from 'commander';
import { ENGINE_ROLES } from '../../domain/engine-role.ts';
import { addProgressOptions, type ProgressFlags } from '../progress-option.ts';

export interface RunFlags extends ProgressFlags {
  live?: boolean;
  variants?: string;
  roles: string;
  workers: string;
  idleExit?: string;
  speed: string;
  until?: string;
  dashboard: boolean;
  port?: string;
  /** The older name of --port, still accepted. */
  dashboardPort?: string;
  standby?: boolean;
  once?: boolean;
  monitorOnly?: boolean;
  fresh?: boolean;
}

export function registerRun(program: Command): void {
  const run = program
    .command('run')
    .description(
      'run the bot: by default a replay of the configured candles on paper accounts and an accelerated clock, resuming where the last run stopped; with --live, on real candles, each variant trading its configured broker account',
    )
    .option(
      '--live',
      'trade on real candles (market.feed: from market.exchange through ccxt, or a Match-Trader account) until Ctrl-C; needs market.symbols. Each variant trades its configured broker: paper by default, a REAL account where its broker.kind says so',
    )
    .option(
      '--once',
      'live: one complete cycle on the latest closed bar (scan, decide, execute, exits, equity), then exit with a status code — for cron',
    )
    .option(
      '--monitor-only',
      'live: manage the open positions (exits, stops, equity look, broker sync, alerts) and open nothing new',
    )
    .option(
      '--standby',
      'wait while another process owns these variants, and take over within engine.owner_lease_s of it stopping',
    )
    .option('--variants <names>', 'comma-separated variants, default: all')
    .option('--speed <bars>', 'bars per second; 0 = as fast as possible', '0')
    .option(
      '--until <time>',
      'stop the replay at this time (ISO 8601, UTC without a zone), default: the end of the data',
    )
    .option(
      '--fresh',
      "start anew when the database holds another configuration's replay (or a live store): a SQLite file is kept under a dated name and a new one is created",
    )
    .option(
      '--roles <roles>',
      'comma-separated roles of this process: scanner, execution, analyst (analyst processes may run apart, on other hosts with PostgreSQL)',
      ENGINE_ROLES.join(','),
    )
    .option(
      '--workers <n>',
      'analyst workers of an analyst-only process (--roles analyst); the bot process uses engine.analyst_workers',
      '1',
    )
    .option('--idle-exit <seconds>', 'an analyst-only process exits after this long without work')
    .option('--port <n>', 'serve the dashboard on this TCP port, 0 = any free port (default: api.port, 8700)')
    .addOption(new Option('--dashboard-port <n>', 'the same as --port').hideHelp())
    .option('--no-dashboard', 'serve no dashboard or API (also: api.enabled: false)');
  addProgressOptions(run, 'no live summary on stderr, only the final report').action(
    async (flags: RunFlags, command: Command) => (await import('../actions/run.ts')).run(flags, command),
  );
}
