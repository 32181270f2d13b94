// What `sigil intents list` and `show` do; commands/intents.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { intentId, variantId } from '../../domain/ids.ts';
import type { TradeIntent } from '../../domain/intent.ts';
import { UsageError } from '../cli-error.ts';
import { isoTime, renderTable } from '../table.ts';
import { isAgentState } from '../../analyst/transcript.ts';
import { transcriptText } from '../transcript-text.ts';
import type { ListOptions, ShowOptions } from '../commands/intents.ts';

export async function listIntents(options: ListOptions, command: Command): Promise<void> {
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
}

export async function showIntent(id: string, options: ShowOptions, command: Command): Promise<void> {
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
      `proposes ${i.scanner.side}, score ${i.scanner.score}, confidence ${i.scanner.confidence}, gap ${i.scanner.scoreGap}, drop ${i.scanner.dropDistance}, top-k spread ${i.scanner.topkSpread}`,
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
