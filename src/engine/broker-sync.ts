// Positions the broker closed on its own — a stop-loss or take-profit resting there, a liquidation, a
// manual close in the broker's terminal, or any of these while Sigil was down — are found on the next
// poll: a position Sigil holds open that the broker no longer lists is looked up among the broker's
// closed positions and closed in the store at the broker's price, time and P&L, with its intent.
import type { EpochMs } from '../domain/ids.ts';
import { markClosed } from '../domain/intent-commands.ts';
import type { Broker, BrokerCloseReason } from '../domain/ports/broker.ts';
import type { ExitReason, Position } from '../domain/position.ts';
import { closeTrade } from '../risk/close-trade.ts';
import type { VariantRuntime } from './variant-runtime.ts';
import type { TradingWorkerDeps } from './worker-deps.ts';

/** The broker's word for why a position ended, in Sigil's exit reasons. */
const EXIT_REASON: Record<BrokerCloseReason, ExitReason> = {
  stop_loss: 'hard_stop',
  take_profit: 'take_profit',
  liquidation: 'liquidation',
  manual: 'manual',
  closed: 'broker_close',
};

/** How far before a position's open the closed-positions query starts (clocks differ). */
const SKEW_MS = 60_000;

export async function syncBrokerCloses(
  deps: Pick<TradingWorkerDeps, 'store' | 'instruments' | 'worker'>,
  runtime: VariantRuntime,
  broker: Broker,
  now: EpochMs,
): Promise<Position[]> {
  const held = (await deps.store.openPositions(runtime.id)).filter((p) => p.brokerRef);
  if (held.length === 0) return [];
  const listed = new Set((await broker.openPositions(now)).map((p) => p.brokerRef));
  const gone = held.filter((p) => !listed.has(p.brokerRef ?? ''));
  if (gone.length === 0) return [];
  const since = Math.min(...gone.map((p) => p.openedAt)) - SKEW_MS;
  const closes = await broker.closedPositionsSince(since, now);
  const closed: Position[] = [];
  for (const position of gone) {
    const close = closes.find((c) => c.brokerRef === position.brokerRef);
    // Not listed as closed either (the broker's lists disagree for a moment): the next poll looks again.
    if (!close) continue;
    const reason = EXIT_REASON[close.reason];
    const result = await closeTrade(
      deps.store,
      position,
      {
        exitPrice: close.exitPrice,
        reason,
        exitFees: 0,
        terms: deps.instruments(position.variantId, position.symbol),
        pnl: close.pnl,
      },
      runtime.rules.close,
      deps.worker,
      close.closedAt,
    );
    closed.push(result.position);
    if (position.intentId) {
      await markClosed(
        deps.store,
        position.intentId,
        deps.worker,
        `position ${reason} (closed on ${broker.name})`,
        now,
      );
    }
  }
  return closed;
}
