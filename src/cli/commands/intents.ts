import { InvalidArgumentError, type Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { intentId, variantId } from '../../domain/ids.ts';
import type { TradeIntent } from '../../domain/intent.ts';
import { INTENT_STATUSES, type IntentStatus } from '../../domain/intent-lifecycle.ts';
import { UsageError } from '../cli-error.ts';
import { isoTime, renderTable } from '../table.ts';
import { isAgentState } from '../../analyst/transcript.ts';
import { transcriptText } from '../transcript-text.ts';

interface ListOptions {
  status?: IntentStatus[];
  variant?: string;
  symbol?: string;
  date?: string;
  limit: number;
  offset: number;
  json?: boolean;
}

export function registerIntents(program: Command): void {
  const intents = program.command('intents').description('list and inspect trade intents');

  intents
    .command('list')
    .description('list intents, oldest first')
    .option('--status <statuses>', `comma-separated statuses (${INTENT_STATUSES.join(', ')})`, parseStatuses)
    .option('--variant <name>', 'only this variant')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--date <trade-date>', 'only this trade date (YYYY-MM-DD)')
    .option('--limit <n>', 'at most this many', parseCount, 50)
    .option('--offset <n>', 'skip this many first', parseCount, 0)
    .option('--json', 'print JSON instead of a table')
    .action(async (options: ListOptions, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      await withStore(context, async (store) => {
        const found = await store.listIntents({
          ...(options.status ? { statuses: options.status } : {}),
          ...(options.variant ? { variantId: variantId(options.variant) } : {}),
          ...(options.symbol ? { symbol: options.symbol } : {}),
          ...(options.date ? { tradeDate: options.date } : {}),
          limit: options.limit,
          offset: options.offset,
        });
        if (options.json) return console.log(JSON.stringify(found, null, 2));
        if (found.length === 0) return console.log('No intents match.');
        console.log(
          renderTable(
            ['id', 'variant', 'symbol', 'trade date', 'status', 'side', 'score', 'created', 'reason'],
            found.map((i) => [
              i.id,
              i.variantId,
              i.symbol,
              i.tradeDate,
              i.status,
              i.suggestedSide,
              i.scanner.score,
              isoTime(i.createdAt),
              i.statusReason,
            ]),
          ),
        );
      });
    });

  intents
    .command('show')
    .description('show one intent with every decision record of its life')
    .argument('<id>', 'the intent id (it_…)')
    .option('--json', 'print JSON')
    .option('--prompts', "with an LLM analysis, print each role's prompt too")
    .action(async (id: string, options: { json?: boolean; prompts?: boolean }, command: Command) => {
      const context = appContext(command.optsWithGlobals<GlobalOptions>());
      await withStore(context, async (store) => {
        const intent = await store.getIntent(intentId(id));
        if (!intent)
          throw new UsageError(`no intent ${id} in ${context.storeUrl}; "sigil intents list" shows the ids`);
        const records = await store.decisionRecords(intent.id);
        if (options.json) return console.log(JSON.stringify({ intent, records }, null, 2));
        console.log(describeIntent(intent));
        console.log('\nDecision records:');
        console.log(
          renderTable(
            ['seq', 'at', 'from', 'to', 'event', 'actor', 'reason'],
            records.map((r) => [r.seq, isoTime(r.at), r.from ?? '—', r.to, r.event, r.actor, r.reason]),
          ),
        );
        if (isAgentState(intent.agentState)) {
          console.log(`\n${transcriptText(intent.agentState, { prompts: options.prompts ?? false })}`);
        }
      });
    });
}

function describeIntent(i: TradeIntent): string {
  const fields: [string, unknown][] = [
    ['id', i.id],
    ['variant', i.variantId],
    ['symbol', i.symbol],
    ['trade date', i.tradeDate],
    ['source', i.source],
    ['status', `${i.status}${i.statusReason ? ` (${i.statusReason})` : ''}`],
    [
      'scanner',
      `score ${i.scanner.score}, confidence ${i.scanner.confidence}, gap ${i.scanner.scoreGap}, drop ${i.scanner.dropDistance}, top-k spread ${i.scanner.topkSpread}`,
    ],
    ['ATR at signal', i.atrAtSignal],
    [
      'suggested',
      i.suggestedSide &&
        `${i.suggestedSide} sl ${i.suggestedSlPrice ?? i.suggestedSlPips ?? '—'} tp ${i.suggestedTpPrice ?? i.suggestedTpPips ?? '—'}`,
    ],
    ['risk report', i.agentRiskReport || null],
    [
      'claim',
      i.claimWorkerId &&
        `${i.claimWorkerId}, lease until ${isoTime(i.claimExpiresAt) || '—'}, attempts ${i.attempts}`,
    ],
    ['expires', isoTime(i.expiresAt)],
    ['position', i.positionId],
    ['executed', isoTime(i.executedAt)],
    ['error', i.executionError],
    ['created', isoTime(i.createdAt)],
    ['updated', isoTime(i.updatedAt)],
  ];
  return fields
    .filter(([, value]) => value !== null && value !== '' && value !== undefined)
    .map(([name, value]) => `${`${name}:`.padEnd(15)}${String(value)}`)
    .join('\n');
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
