// What `sigil intents list` and `show` do; commands/intents.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type GlobalOptions } from '../../app/app-context.ts';
import { intentId, variantId } from '../../domain/ids.ts';
import type { TradeIntent } from '../../domain/intent.ts';
import { UsageError } from '../cli-error.ts';
import { dayOption } from '../time-option.ts';
import { isoTime, renderTable } from '../table.ts';
import { priceText, scoreText } from '../../domain/number-text.ts';
import { isAgentState } from '../../analyst/transcript.ts';
import { transcriptText } from '../transcript-text.ts';
import type { ListOptions, ShowOptions } from '../commands/intents.ts';
import type { IntentQuery, Store } from '../../domain/ports/store.ts';
import { variantNames } from '../variants-option.ts';
import type { Position } from '../../domain/position.ts';
import { moneyText, priceOrDash, qtyText } from '../position-text.ts';

export async function listIntents(options: ListOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const tradeDay = options.date === undefined ? undefined : dayOption(options.date, '--date');
  await withExistingStore(context, async (store) => {
    const found = await intentsOf(store, variantNames(options), {
      ...(options.status ? { statuses: options.status } : {}),
      ...(options.symbol ? { symbol: options.symbol } : {}),
      ...(tradeDay !== undefined ? { tradeDay } : {}),
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
          scoreText(i.scanner.score),
          isoTime(i.createdAt),
          i.statusReason,
        ]),
      ),
    );
  });
}

/**
 * The store filters by one variant; for several, each one's first offset + limit intents are merged in
 * the store's order (created, then id) and the page is cut from that.
 */
async function intentsOf(
  store: Store,
  names: readonly string[] | undefined,
  query: IntentQuery & { limit: number; offset: number },
): Promise<TradeIntent[]> {
  if (names === undefined) return store.listIntents(query);
  if (names.length === 1) return store.listIntents({ ...query, variantId: variantId(names[0] as string) });
  const end = query.offset + query.limit;
  const each = await Promise.all(
    names.map((name) => store.listIntents({ ...query, variantId: variantId(name), offset: 0, limit: end })),
  );
  return each
    .flat()
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(query.offset, end);
}

export async function showIntent(id: string, options: ShowOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  await withExistingStore(context, async (store) => {
    const intent = await store.getIntent(intentId(id));
    if (!intent)
      throw new UsageError(`no intent ${id} in ${context.storeUrl}; "sigil intents list" shows the ids`);
    const records = await store.decisionRecords(intent.id);
    const position = intent.positionId === null ? null : await store.getPosition(intent.positionId);
    if (options.json) return console.log(JSON.stringify({ intent, position, records }, null, 2));
    console.log(describeIntent(intent));
    if (position) console.log(describePosition(position));
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

/** The intent's trade: entry and exit (or open), quantity and P&L. */
function describePosition(p: Position): string {
  const exit =
    p.closedAt === null
      ? 'open'
      : `${priceOrDash(p.exitPrice)} at ${isoTime(p.closedAt)} (${p.exitReason ?? ''}${p.exitTag ? `: ${p.exitTag}` : ''})`;
  return [
    ['trade', `${p.side} ${qtyText(p.qty)} ${p.symbol}`],
    ['entry', `${priceOrDash(p.entryPrice)} at ${isoTime(p.openedAt)}, stop ${priceOrDash(p.currentStop)}`],
    ['exit', exit],
    ['P&L', p.pnl === null ? 'open' : `${moneyText(p.pnl)} (fees ${moneyText(p.fees)})`],
  ]
    .map(([name, value]) => `${`${name}:`.padEnd(15)}${value}`)
    .join('\n');
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
      `proposes ${i.scanner.side}, score ${scoreText(i.scanner.score)}, confidence ${i.scanner.confidence}, gap ${scoreText(i.scanner.scoreGap)}, drop ${scoreText(i.scanner.dropDistance)}, top-k spread ${scoreText(i.scanner.topkSpread)}`,
    ],
    ['ATR at signal', i.atrAtSignal === null ? null : priceText(i.atrAtSignal)],
    [
      'suggested',
      i.suggestedSide &&
        `${i.suggestedSide} sl ${priceOrPips(i.suggestedSlPrice, i.suggestedSlPips)} tp ${priceOrPips(i.suggestedTpPrice, i.suggestedTpPips)}`,
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

/** An analyst's stop or target: a price to its significant digits, else pips as given. */
function priceOrPips(price: number | null, pips: number | null): string {
  return price !== null ? priceText(price) : pips !== null ? String(pips) : '—';
}
