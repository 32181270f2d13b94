// `sigil run`: the paper-trading bot. On a replay (the default: the configured candle files) it runs on
// a simulated clock as fast as it goes (or at --speed bars a second), shows a live per-variant summary,
// and at the end prints the report and the A/B verdict. Ctrl-C stops it cleanly after the bar in
// progress; running it again resumes where it stopped.
import type { Command } from 'commander';
import { ENGINE_ROLES } from '../../domain/engine-role.ts';

export interface RunFlags {
  live?: boolean;
  variants?: string;
  roles: string;
  workers: string;
  idleExit?: string;
  speed: string;
  until?: string;
  quiet?: boolean;
  dashboard: boolean;
  dashboardPort?: string;
  standby?: boolean;
  once?: boolean;
  monitorOnly?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the paper-trading bot over the configured candles (a replay on an accelerated clock); resumes where the last run stopped',
    )
    .option(
      '--live',
      'paper trading on real candles polled from market.exchange through ccxt (needs market.symbols and internet), until Ctrl-C',
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
    .option('--until <time>', 'stop the replay at this time (ISO), default: the end of the data')
    .option('--quiet', 'no live summary, only the final report')
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
    .option('--dashboard-port <n>', 'serve the dashboard on this port, 0 = any free port (default: api.port)')
    .option('--no-dashboard', 'serve no dashboard or API (also: api.enabled: false)')
    .action(async (flags: RunFlags, command: Command) =>
      (await import('../actions/run.ts')).run(flags, command),
    );
}
