import type { Command } from 'commander';
import { registerScanEvaluate } from './scan-evaluate.ts';

export interface ScanOptions {
  at?: string;
  json?: boolean;
}

export function registerScan(program: Command): void {
  const scan = program
    .command('scan')
    .description(
      'run one scan cycle of every variant on the configured candles: signals at the bar closing at --at, written as intents',
    )
    .option(
      '--at <time>',
      'ISO 8601 time of the cycle (a bar close; UTC without a zone); default: the end of the data',
    )
    .option('--json', 'print JSON')
    .action(async (options: ScanOptions, command: Command) =>
      (await import('../actions/scan.ts')).scan(options, command),
    );
  registerScanEvaluate(scan);
}
