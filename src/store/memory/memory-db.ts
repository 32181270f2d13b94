// Everything one memory store holds: its tables, the undo log they record their inverses in, and the
// gate its transactions hold. Shared by the store and the views its transactions hand to `fn`.
import { ApiCallTable } from './api-calls.ts';
import { EquityTable } from './equity.ts';
import { HeartbeatTable } from './heartbeats.ts';
import { IntentTable } from './intent-table.ts';
import { IntentWrites } from './intent-writes.ts';
import { JobTable } from './jobs.ts';
import { LeaseTable } from './leases.ts';
import { LlmTable } from './llm-records.ts';
import { OrderTable } from './orders.ts';
import { PositionTable } from './positions.ts';
import { ProtectionTable } from './protections.ts';
import { TradingStateTable } from './trading-states.ts';
import { TxGate } from './tx-gate.ts';
import { UndoLog } from './undo-log.ts';
import type { StoreIdentity } from '../../domain/store-identity.ts';

export class MemoryDb {
  readonly undo = new UndoLog();
  readonly gate = new TxGate();
  readonly intents = new IntentTable(this.undo);
  readonly intentWrites = new IntentWrites(this.intents);
  readonly positions = new PositionTable(this.undo);
  readonly protections = new ProtectionTable(this.undo);
  readonly states = new TradingStateTable(this.undo);
  readonly orders = new OrderTable(this.undo);
  readonly apiCalls = new ApiCallTable(this.undo);
  readonly llm = new LlmTable(this.undo);
  readonly jobs = new JobTable(this.undo);
  readonly leases = new LeaseTable(this.undo);
  readonly heartbeats = new HeartbeatTable(this.undo);
  readonly equity = new EquityTable(this.undo);
  /** What the store was started for; one value for its life (see StoreIdentity). */
  identity: StoreIdentity | null = null;
  /** Control channels' next update ids (see Store.controlOffset). */
  readonly controlOffsets = new Map<string, number>();
  closed = false;
}
