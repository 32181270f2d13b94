// A confirmed change carried out: halt (the kill switch), reset, stop entries (reducing) or exit. Each
// says what it did in one line, and a change that changes nothing says so and tells nobody else — the
// same rules as `sigil halt` and `sigil reset`.
import { variantId, type EpochMs } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { resetTradingState, tripKillSwitch } from '../../risk/kill-switch.ts';
import type { ChangeCommand } from './chat-command.ts';

/** Closes a variant's position in `symbol` (or all of them) at market; resolves to what happened. */
export type ExitFunction = (variant: string, symbol: string, actor: string) => Promise<string>;

/** What the process answers to `/exit` when no force-exit is wired into it. */
export const EXIT_UNAVAILABLE = 'exit is not available in this process';

export interface ChangeOutcome {
  text: string;
  /** What the change means for the alert sinks (a kill switch tripped or reset); empty when nothing changed. */
  events: TradingEvent[];
}

export async function applyChange(
  command: ChangeCommand,
  deps: { store: Store; exit: ExitFunction | null },
  actor: string,
  now: EpochMs,
): Promise<ChangeOutcome> {
  const { store } = deps;
  const variant = variantId(command.variant);
  if (command.name === 'exit') {
    const text = deps.exit ? await deps.exit(command.variant, command.symbol, actor) : EXIT_UNAVAILABLE;
    return { text, events: [] };
  }
  const before = await store.tradingState(variant);
  const why = `from Telegram by ${actor}`;
  if (command.name === 'reset') {
    if (before.state === 'active') return { text: `${variant}: already active; nothing changed`, events: [] };
    const after = await resetTradingState(store, { variantId: variant, actor, why }, now);
    return {
      text: `${variant}: ${before.state} → ${after.state}`,
      events: [{ type: 'kill_switch_reset', at: now, variantId: variant, actor, why, from: before.state }],
    };
  }
  // Stopping entries on a halted variant would loosen its halt: both leave it as it is.
  if (before.state === 'halted' || (command.name === 'stopentries' && before.state === 'reducing')) {
    return { text: `${variant}: already ${before.state} (${before.reason}); nothing changed`, events: [] };
  }
  if (command.name === 'stopentries') {
    const after = await store.setTradingState(
      { variantId: variant, state: 'reducing', reason: `no new entries, ${why}`, actor },
      now,
    );
    return { text: `${variant}: ${after.state} — open positions are managed, nothing new opens`, events: [] };
  }
  const after = await tripKillSwitch(store, { variantId: variant, why, actor }, now);
  return {
    text: `${variant}: ${after.state} (${after.reason})`,
    events: [{ type: 'kill_switch_tripped', at: now, variantId: variant, actor, why }],
  };
}

/** The question asked before a change is carried out. */
export function confirmationQuestion(command: ChangeCommand): string {
  const v = command.variant;
  switch (command.name) {
    case 'halt':
      return `Halt ${v}? Its kill switch trips: no new entries, open positions keep only their protective stops, until /reset ${v}.`;
    case 'reset':
      return `Reset ${v} to active? It trades again from its next bar.`;
    case 'stopentries':
      return `Stop entries of ${v}? It keeps managing its open positions and opens none (reducing).`;
    case 'exit':
      return command.symbol === 'all'
        ? `Close every open position of ${v} at market?`
        : `Close ${v}'s ${command.symbol} position at market?`;
  }
}
