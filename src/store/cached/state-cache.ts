// What a replay's engine reads at every bar and keeps between bars: the open positions, each variant's
// trading state, locks, realised P&L and equity headline. Loaded on first use from the store, kept in
// step with the writes made through the caching store, and dropped whole when it may be wrong — another
// connection committed, or a transaction that wrote to it rolled back.
//
// Records are frozen: the store hands out fresh objects on every read, and code that mutated one would
// now be mutating the cache — a frozen record makes that a TypeError instead of a silent corruption.
import type { EpochMs, PositionId, VariantId } from '../../domain/ids.ts';
import type { EquityHeadline, EquitySnapshot, RealizedPnl } from '../../domain/ports/store.ts';
import type { Position } from '../../domain/position.ts';
import type { SymbolProtection } from '../../domain/protection.ts';
import type { TradingStateRecord } from '../../domain/trading-state.ts';

export class StateCache {
  /** The store's external version when the cache was last validated; null = caching is off. */
  private version: number | null = null;
  /** Null until first read: then every open position of every variant, by id. */
  private open: Map<PositionId, Position> | null = null;
  private readonly states = new Map<VariantId, TradingStateRecord>();
  /** Every lock row of a variant, expired ones included (a lock ends, it never comes back unwritten). */
  private readonly locks = new Map<VariantId, SymbolProtection[]>();
  private readonly realized = new Map<VariantId, RealizedPnl>();
  private readonly equity = new Map<VariantId, EquityHeadline>();

  get enabled(): boolean {
    return this.version !== null;
  }

  /**
   * At the start of each transaction, with the store's external version: a change by anyone else since
   * the last look, or a store that cannot tell (null), empties the cache.
   */
  validate(version: number | null): void {
    if (version === null || version !== this.version) this.clear();
    this.version = version;
  }

  clear(): void {
    this.open = null;
    this.states.clear();
    this.locks.clear();
    this.realized.clear();
    this.equity.clear();
  }

  // ── Open positions ─────────────────────────────────────────────────────────────────────────────

  positionsLoaded(): boolean {
    return this.open !== null;
  }

  loadPositions(positions: readonly Position[]): void {
    this.open = new Map(positions.map((p) => [p.id, Object.freeze({ ...p })]));
  }

  /** In (opened_at, id) order, as the store lists them. */
  openPositions(variantId?: VariantId): Position[] {
    const list: Position[] = [];
    for (const position of this.open?.values() ?? []) {
      if (variantId === undefined || position.variantId === variantId) list.push(position);
    }
    return list.sort(byOpenTime);
  }

  openPosition(id: PositionId): Position | null {
    return this.open?.get(id) ?? null;
  }

  openPositionOf(variantId: VariantId, symbol: string): Position | null {
    for (const position of this.open?.values() ?? []) {
      if (position.variantId === variantId && position.symbol === symbol) return position;
    }
    return null;
  }

  /** Opened, or moved (its trail): the store's answer replaces what was kept. */
  putPosition(position: Position): void {
    this.open?.set(position.id, Object.freeze({ ...position }));
  }

  positionClosed(position: Position): void {
    this.open?.delete(position.id);
    this.realized.delete(position.variantId);
  }

  // ── Trading state, locks ───────────────────────────────────────────────────────────────────────

  tradingState(variantId: VariantId): TradingStateRecord | undefined {
    return this.states.get(variantId);
  }

  putTradingState(record: TradingStateRecord): void {
    this.states.set(record.variantId, Object.freeze({ ...record }));
  }

  locksOf(variantId: VariantId): readonly SymbolProtection[] | undefined {
    return this.locks.get(variantId);
  }

  loadLocks(variantId: VariantId, rows: readonly SymbolProtection[]): void {
    this.locks.set(
      variantId,
      rows.map((row) => Object.freeze({ ...row })),
    );
  }

  /** The store's upsert, applied to the kept rows: a new lock, or a longer one (locks never shorten). */
  upsertLock(lock: Omit<SymbolProtection, 'createdAt' | 'updatedAt'>, now: EpochMs): void {
    const rows = this.locks.get(lock.variantId);
    if (!rows) return;
    const index = rows.findIndex((row) => row.symbol === lock.symbol && row.kind === lock.kind);
    const existing = rows[index];
    if (!existing) {
      rows.push(Object.freeze({ ...lock, createdAt: now, updatedAt: now }));
    } else if (lock.until > existing.until) {
      rows[index] = Object.freeze({ ...existing, until: lock.until, reason: lock.reason, updatedAt: now });
    }
  }

  forgetLocks(variantId: VariantId): void {
    this.locks.delete(variantId);
  }

  // ── Realised P&L, equity ───────────────────────────────────────────────────────────────────────

  realizedPnl(variantId: VariantId): RealizedPnl | undefined {
    return this.realized.get(variantId);
  }

  putRealizedPnl(variantId: VariantId, pnl: RealizedPnl): void {
    this.realized.set(variantId, Object.freeze({ ...pnl }));
  }

  equityHeadline(variantId: VariantId): EquityHeadline | undefined {
    return this.equity.get(variantId);
  }

  putEquityHeadline(variantId: VariantId, headline: EquityHeadline): void {
    this.equity.set(variantId, headline);
  }

  /**
   * A new snapshot after the latest raises the peak or not; one that rewrites an earlier time (a bar run
   * again) may lower a value the peak came from, so the headline is read again.
   */
  snapshotRecorded(snapshot: EquitySnapshot): void {
    const headline = this.equity.get(snapshot.variantId);
    if (!headline) return;
    if (headline.latest !== null && snapshot.at <= headline.latest.at) {
      this.equity.delete(snapshot.variantId);
      return;
    }
    this.equity.set(snapshot.variantId, {
      latest: Object.freeze({ ...snapshot }),
      peak: headline.peak === null ? snapshot.equity : Math.max(headline.peak, snapshot.equity),
    });
  }
}

function byOpenTime(a: Position, b: Position): number {
  return a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
