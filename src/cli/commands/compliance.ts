// `sigil compliance`: where each variant stands against its prop-firm rules (src/app/compliance-status.ts),
// as text or JSON.
import type { Command } from 'commander';

export interface ComplianceOptions {
  json?: boolean;
  at?: string;
}

export function registerCompliance(program: Command): void {
  program
    .command('compliance')
    .argument('[variants...]', 'variants to show (default: every variant with compliance rules)')
    .description("show each variant's prop-firm limits, how close it is to them, and today's broker requests")
    .option('--json', 'print JSON instead of text')
    .option(
      '--at <time>',
      'as of this ISO 8601 time, UTC without a zone (a replay is in the past), default now',
    )
    .action(async (names: string[], options: ComplianceOptions, command: Command) =>
      (await import('../actions/compliance.ts')).showCompliance(names, options, command),
    );
}
