// `sigil probe`: the outside dead-man check (seed layer I). Run by cron or a systemd timer, not by the bot,
// so it still speaks when the bot's process is wedged or gone: it reads each store's scanner heartbeats,
// halts every stale variant through its kill switch, and exits 1 so any monitor can page on it. Each halt
// it makes is also sent to the configured alert sinks (a stale heartbeat and the kill switch it tripped).
import type { Command } from 'commander';

export interface ProbeOptions {
  json?: boolean;
  at?: string;
  requireAll?: boolean;
}

export function registerProbe(program: Command): void {
  // The global `--db` keeps only its last value; the probe wants every one given, so it listens to each
  // occurrence (before or after "probe") as commander parses them.
  const dbs: string[] = [];
  program.on('option:db', (url: string) => dbs.push(url));

  program
    .command('probe')
    .description(
      'dead-man check: halt every variant whose scanner is more than pipeline.heartbeat_stale_minutes late (one bar after its last cycle); exit 1 if any is stale',
    )
    .option('--json', 'print JSON instead of one line per variant')
    .option('--at <time>', 'check as of this ISO 8601 time (UTC without a zone) instead of now')
    .option('--require-all', 'a variant that never scanned is stale even if the store holds no intents of it')
    .addHelpText('after', '\nRepeat the global --db to check several stores: sigil probe --db URL --db URL')
    .action(async (options: ProbeOptions, command: Command) =>
      (await import('../actions/probe.ts')).probe(options, command, dbs),
    );
}
