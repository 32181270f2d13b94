// Reads of intents for operators, sweeps and the executor. A query naming only live statuses reads
// their buckets (the adoption sweep's 'executing' at every bar reads the few executing intents, never
// history); one naming a terminal status, or none, reads every intent, as its SQL does.
import type { TradeIntent } from '../../domain/intent.ts';
import type { IntentQuery, StatusCount } from '../../domain/ports/store.ts';
import { isTerminal, type IntentTable, type Slot } from './intent-table.ts';
import { queueOrder } from './intent-writes.ts';
import { compareText, sortSmall } from './sorted.ts';

export function listIntents(table: IntentTable, query: IntentQuery): TradeIntent[] {
  const { statuses = [], variantId, symbol, tradeDate, tradeDay } = query;
  const found: TradeIntent[] = [];
  if (statuses.length > 0 && !statuses.some(isTerminal)) {
    const slots: Slot[] = [];
    // `status IN (…)` names each status once, however often the list repeats it.
    for (let i = 0; i < statuses.length; i++) {
      const status = statuses[i] as (typeof statuses)[number];
      if (statuses.indexOf(status) === i) table.collect(status, variantId, slots);
    }
    for (const slot of slots) if (matches(slot.intent)) found.push(slot.intent);
  } else {
    for (const intent of table.all()) {
      if (statuses.length > 0 && !statuses.includes(intent.status)) continue;
      if (variantId === undefined || intent.variantId === variantId) {
        if (matches(intent)) found.push(intent);
      }
    }
  }
  sortSmall(found, query.newestFirst ? newestFirst : queueOrder);
  // SQLite's LIMIT / OFFSET: a negative limit means none, a negative offset counts as 0.
  const offset = Math.max(0, query.offset ?? 0);
  const limit = query.limit === undefined || query.limit < 0 ? Infinity : query.limit;
  if (offset === 0 && limit >= found.length) return found;
  return found.slice(offset, offset + limit);

  function matches(intent: TradeIntent): boolean {
    return (
      (symbol === undefined || intent.symbol === symbol) &&
      (tradeDate === undefined || intent.tradeDate === tradeDate) &&
      (tradeDay === undefined || intent.tradeDate === tradeDay || intent.tradeDate.startsWith(`${tradeDay}T`))
    );
  }
}

function newestFirst(a: TradeIntent, b: TradeIntent): number {
  return queueOrder(b, a);
}

export function countByStatus(table: IntentTable): StatusCount[] {
  return table
    .groups()
    .sort((a, b) => compareText(a.variantId, b.variantId) || compareText(a.status, b.status));
}
