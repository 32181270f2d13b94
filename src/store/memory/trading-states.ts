// The kill switch: a record per variant that ever left `active`, and each variant's change log. A
// variant never switched reads as `active` (activeRecord, as SQL's missing row does); that record is
// made once per variant and kept, since every bar asks.
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import {
  TRADING_STATES,
  type TradingState,
  type TradingStateChange,
  type TradingStateRecord,
} from '../../domain/trading-state.ts';
import { activeRecord } from '../trading-state-rows.ts';
import { compareText } from './sorted.ts';
import { check } from './stored-values.ts';
import type { UndoLog } from './undo-log.ts';

export class TradingStateTable {
  private readonly states = new Map<VariantId, TradingStateRecord>();
  private readonly untouched = new Map<VariantId, TradingStateRecord>();
  private readonly changes = new Map<VariantId, TradingStateChange[]>();

  constructor(private readonly undo: UndoLog) {}

  get(variantId: VariantId): TradingStateRecord {
    const state = this.states.get(variantId);
    if (state) return state;
    let active = this.untouched.get(variantId);
    if (!active) this.untouched.set(variantId, (active = Object.freeze(activeRecord(variantId))));
    return active;
  }

  all(): TradingStateRecord[] {
    return [...this.states.values()].sort((a, b) => compareText(a.variantId, b.variantId));
  }

  changesOf(variantId: VariantId): TradingStateChange[] {
    return this.changes.get(variantId)?.slice() ?? [];
  }

  /** Switches the state and logs the change; the current record when the state is already that. */
  set(
    change: { variantId: VariantId; state: TradingState; reason: string; actor: string },
    now: EpochMs,
  ): TradingStateRecord {
    check(TRADING_STATES.includes(change.state), "state IN ('active', 'reducing', 'halted')");
    const current = this.get(change.variantId);
    if (current.state === change.state) return current;
    const { variantId, state, reason, actor } = change;
    const prev = this.states.get(variantId);
    const next: TradingStateRecord = Object.freeze({ variantId, state, reason, actor, changedAt: now });
    let log = this.changes.get(variantId);
    if (!log) this.changes.set(variantId, (log = []));
    const changes = log;
    this.states.set(variantId, next);
    changes.push(Object.freeze({ variantId, from: current.state, to: state, reason, actor, at: now }));
    this.undo.record(() => {
      changes.pop();
      if (prev) this.states.set(variantId, prev);
      else this.states.delete(variantId);
    });
    return next;
  }
}
