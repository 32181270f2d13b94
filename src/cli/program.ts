// The `sigil` command line: thin commands over the app layer. Building it loads only commander and the
// commands/ modules, which declare names, options and help; each command imports its actions/ module (and
// through it the app layer: ccxt, the LLM SDKs, pg, better-sqlite3, pino…) when it runs. So `sigil --help`
// and a usage error answer in ~0.1 s instead of ~1 s; program.test.ts keeps these imports light.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { LOG_FORMATS, LOG_LEVELS } from '../logging/log-settings.ts';
import { registerBackup } from './commands/backup.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerConfig } from './commands/config.ts';
import { registerData } from './commands/data.ts';
import { registerIntents } from './commands/intents.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerProbe } from './commands/probe.ts';
import { registerRun } from './commands/run.ts';
import { registerScan } from './commands/scan.ts';
import { registerStats } from './commands/stats.ts';
import { registerStatus } from './commands/status.ts';
import { registerStore } from './commands/store.ts';
import { registerCompliance } from './commands/compliance.ts';
import { registerTrading } from './commands/trading.ts';
import { registerLocks } from './commands/locks.ts';
import { registerStrategy } from './commands/strategy.ts';
import { registerTrades } from './commands/trades.ts';
import { registerPositions } from './commands/positions.ts';
import { registerExit } from './commands/exit.ts';

export function buildProgram(): Command {
  const program = new Command('sigil')
    .description(
      'Sigil: automated trading with a durable intent pipeline, guarded execution and variants side by side',
    )
    .option(
      '--db <url>',
      "database: sqlite:PATH or postgres://user@host:5432/db[?schema=name] (default: SIGIL_DB, the config's store.url, or sqlite:.sigil/sigil.db)",
    )
    .option('--config <file>', 'YAML configuration file (see "sigil config schema")')
    .option('--verbose', 'show stack traces and causes of errors')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr (default: SIGIL_LOG_LEVEL, else info)').choices(
        LOG_LEVELS,
      ),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'log lines on stderr: json, or pretty text (default: SIGIL_LOG_FORMAT, else pretty on a terminal, json otherwise)',
      ).choices(LOG_FORMATS),
    )
    .version(packageVersion(), '-V, --version', "print Sigil's version")
    .exitOverride();
  registerMigrate(program);
  registerBackup(program);
  registerStore(program);
  registerStatus(program);
  registerCompliance(program);
  registerIntents(program);
  registerConfig(program);
  registerData(program);
  registerScan(program);
  registerTrading(program);
  registerLocks(program);
  registerStats(program);
  registerTrades(program);
  registerPositions(program);
  registerExit(program);
  registerBacktest(program);
  registerSweep(program);
  registerRun(program);
  registerProbe(program);
  registerDashboard(program);
  registerStrategy(program);
  everyCommand(program, (command) => {
    // After a usage error, the help of the command that was typed, not the whole program's.
    command.showHelpAfterError(`(${usageHint(command)})`).exitOverride();
  });
  return program;
}

/** `run "sigil intents list --help" for usage`: where to read how the command is used. */
export function usageHint(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return `run "${[...names, '--help'].join(' ')}" for usage`;
}

function everyCommand(command: Command, fn: (command: Command) => void): void {
  fn(command);
  for (const sub of command.commands) everyCommand(sub, fn);
}

/** package.json's, from src/cli/ and from dist/cli/ alike (both two folders down). */
function packageVersion(): string {
  const json = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}
