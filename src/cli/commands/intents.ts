import { InvalidArgumentError, type Command } from 'commander';
import { INTENT_STATUSES, type IntentStatus } from '../../domain/intent-lifecycle.ts';
import { addVariantsOption, type VariantsFlags } from '../variants-option.ts';

export interface ListOptions extends VariantsFlags {
  status?: IntentStatus[];
  symbol?: string;
  date?: string;
  limit: number;
  offset: number;
  json?: boolean;
}

export interface ShowOptions {
  json?: boolean;
  prompts?: boolean;
}

export function registerIntents(program: Command): void {
  const intents = program.command('intents').description('list and inspect trade intents');

  const list = intents
    .command('list')
    .description('list intents, oldest first')
    .option('--status <statuses>', `comma-separated statuses (${INTENT_STATUSES.join(', ')})`, parseStatuses);
  addVariantsOption(list, 'comma-separated variants, default: all')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--date <day>', 'only intents of this UTC day, YYYY-MM-DD (their trade date or bar close)')
    .option('--limit <n>', 'at most this many', parseCount, 50)
    .option('--offset <n>', 'skip this many first', parseCount, 0)
    .option('--json', 'print JSON instead of a table')
    .action(async (options: ListOptions, command: Command) =>
      (await import('../actions/intents.ts')).listIntents(options, command),
    );

  intents
    .command('show')
    .description('show one intent with every decision record of its life')
    .argument('<id>', 'the intent id (it_…)')
    .option('--json', 'print JSON')
    .option('--prompts', "with an LLM analysis, print each role's prompt too")
    .action(async (id: string, options: ShowOptions, command: Command) =>
      (await import('../actions/intents.ts')).showIntent(id, options, command),
    );
}

function parseStatuses(value: string): IntentStatus[] {
  const statuses = value.split(',').map((s) => s.trim());
  const bad = statuses.filter((s) => !(INTENT_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0)
    throw new InvalidArgumentError(
      `unknown status ${bad.join(', ')}; expected ${INTENT_STATUSES.join(', ')}`,
    );
  return statuses as IntentStatus[];
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}
