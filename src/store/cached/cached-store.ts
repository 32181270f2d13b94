// The replay's store: what the engine reads at every bar — open positions, trading states, locks,
// realised P&L, the equity headline — comes from memory (StateCache) inside its transactions, and every
// write still goes to the store underneath, in the same transaction. On SQLite those reads were a third
// of a replay's statements, and reading a row of positions costs 2–3 µs of value marshalling each.
//
// The cache is only used inside a transaction, where this process is the store's only writer (SQLite's
// IMMEDIATE transaction): at its start the store's external version says whether anyone else committed
// since the last look (then the cache is emptied), and if the transaction rolls back, the cache — which
// took its writes as they were made — is emptied too. Outside a transaction every call goes straight to
// the store, and a write there empties the cache. A store without an external version (PostgreSQL) is
// never cached.
import type { EpochMs, PositionId, VariantId } from '../../domain/ids.ts';
import type { EquitySnapshot, RealizedPnl, Store } from '../../domain/ports/store.ts';
import type { NewPosition, Position, PositionBar, PositionClose } from '../../domain/position.ts';
import { ALL_SYMBOLS, type ProtectionKind, type SymbolProtection } from '../../domain/protection.ts';
import type { TradingState, TradingStateRecord } from '../../domain/trading-state.ts';
import { DelegatingStore } from '../delegating-store.ts';
import { StateCache } from './state-cache.ts';

/** Every lock row of a variant: those in force at the beginning of time. */
const EVERY_LOCK: EpochMs = Number.MIN_SAFE_INTEGER;

export class CachedStore extends DelegatingStore {
  constructor(
    inner: Store,
    private readonly cache = new StateCache(),
    private readonly inTransaction = false,
  ) {
    super(inner);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    try {
      return await this.inner.transaction(async (tx) => {
        this.cache.validate((await tx.externalVersion?.()) ?? null);
        return fn(new CachedStore(tx, this.cache, true));
      });
    } catch (error) {
      // Rolled back: what the transaction wrote into the cache never happened.
      this.cache.clear();
      throw error;
    }
  }

  /** Reads come from memory only inside a transaction of a store that can say who else wrote. */
  private get cached(): boolean {
    return this.inTransaction && this.cache.enabled;
  }

  /**
   * A write of something the cache keeps. Inside a cached transaction the store's answer is applied to
   * the cache; outside one (or with the cache off) what was kept may no longer hold. A write that fails
   * may have done part of its work in a transaction its caller goes on with: the cache is dropped.
   */
  private async write<T>(result: () => Promise<T>, keep: (value: T) => void): Promise<T> {
    const cached = this.cached;
    try {
      const value = await result();
      if (cached) keep(value);
      else this.cache.clear();
      return value;
    } catch (error) {
      this.cache.clear();
      throw error;
    }
  }

  // ── Positions ──────────────────────────────────────────────────────────────────────────────────

  private async positions(): Promise<StateCache> {
    if (!this.cache.positionsLoaded()) this.cache.loadPositions(await this.inner.openPositions());
    return this.cache;
  }

  override async openPositions(variantId?: VariantId): Promise<Position[]> {
    if (!this.cached) return this.inner.openPositions(variantId);
    return (await this.positions()).openPositions(variantId);
  }

  override async openPositionOf(variantId: VariantId, symbol: string): Promise<Position | null> {
    if (!this.cached) return this.inner.openPositionOf(variantId, symbol);
    return (await this.positions()).openPositionOf(variantId, symbol);
  }

  override async getPosition(id: PositionId): Promise<Position | null> {
    if (this.cached) {
      const open = (await this.positions()).openPosition(id);
      if (open) return open;
    }
    // Closed positions are not kept: only execution's reconciliation asks for one.
    return this.inner.getPosition(id);
  }

  override openPosition(position: NewPosition): Promise<Position> {
    return this.write(
      () => this.inner.openPosition(position),
      (opened) => this.cache.putPosition(opened),
    );
  }

  override advancePosition(position: Position, bar: PositionBar): Promise<Position> {
    return this.write(
      () => this.inner.advancePosition(position, bar),
      (moved) => this.cache.putPosition(moved),
    );
  }

  override closePosition(id: PositionId, close: PositionClose): Promise<Position> {
    return this.write(
      () => this.inner.closePosition(id, close),
      (closed) => this.cache.positionClosed(closed),
    );
  }

  override async realizedPnl(variantId: VariantId): Promise<RealizedPnl> {
    if (!this.cached) return this.inner.realizedPnl(variantId);
    let pnl = this.cache.realizedPnl(variantId);
    if (!pnl) {
      pnl = await this.inner.realizedPnl(variantId);
      this.cache.putRealizedPnl(variantId, pnl);
    }
    return pnl;
  }

  override async realizedTotal(variantId: VariantId): Promise<number> {
    if (!this.cached) return this.inner.realizedTotal(variantId);
    return (await this.realizedPnl(variantId)).total;
  }

  // ── Trading state ──────────────────────────────────────────────────────────────────────────────

  override async tradingState(variantId: VariantId): Promise<TradingStateRecord> {
    if (!this.cached) return this.inner.tradingState(variantId);
    let record = this.cache.tradingState(variantId);
    if (!record) {
      record = await this.inner.tradingState(variantId);
      this.cache.putTradingState(record);
    }
    return record;
  }

  override async setTradingState(
    change: { variantId: VariantId; state: TradingState; reason: string; actor: string },
    now: EpochMs,
  ): Promise<TradingStateRecord> {
    return this.write(
      () => this.inner.setTradingState(change, now),
      (record) => this.cache.putTradingState(record),
    );
  }

  // ── Locks ──────────────────────────────────────────────────────────────────────────────────────

  private async locksOf(variantId: VariantId): Promise<readonly SymbolProtection[]> {
    let rows = this.cache.locksOf(variantId);
    if (!rows) {
      const loaded = await this.inner.protectionsInForce(EVERY_LOCK, variantId);
      this.cache.loadLocks(variantId, loaded);
      rows = this.cache.locksOf(variantId) ?? loaded;
    }
    return rows;
  }

  override async activeProtections(
    variantId: VariantId,
    symbol: string,
    now: EpochMs,
  ): Promise<SymbolProtection[]> {
    if (!this.cached) return this.inner.activeProtections(variantId, symbol, now);
    return (await this.locksOf(variantId))
      .filter((lock) => (lock.symbol === symbol || lock.symbol === ALL_SYMBOLS) && lock.until > now)
      .sort((a, b) => b.until - a.until || byLockKey(a, b));
  }

  override async protectionsInForce(now: EpochMs, variantId?: VariantId): Promise<SymbolProtection[]> {
    if (!this.cached || variantId === undefined) return this.inner.protectionsInForce(now, variantId);
    return (await this.locksOf(variantId)).filter((lock) => lock.until > now).sort(byLockKey);
  }

  override async upsertProtection(
    protection: Omit<SymbolProtection, 'createdAt' | 'updatedAt'>,
    now: EpochMs,
  ): Promise<void> {
    return this.write(
      () => this.inner.upsertProtection(protection, now),
      () => this.cache.upsertLock(protection, now),
    );
  }

  override async liftProtections(
    lift: { variantId: VariantId; symbol: string; kinds: readonly ProtectionKind[]; note: string },
    now: EpochMs,
  ): Promise<SymbolProtection[]> {
    return this.write(
      () => this.inner.liftProtections(lift, now),
      () => this.cache.forgetLocks(lift.variantId),
    );
  }

  // ── Equity ─────────────────────────────────────────────────────────────────────────────────────

  override async equityHeadline(variantId: VariantId) {
    if (!this.cached) return this.inner.equityHeadline(variantId);
    let headline = this.cache.equityHeadline(variantId);
    if (!headline) {
      headline = await this.inner.equityHeadline(variantId);
      this.cache.putEquityHeadline(variantId, headline);
    }
    return headline;
  }

  override recordEquity(snapshot: EquitySnapshot): Promise<void> {
    return this.write(
      () => this.inner.recordEquity(snapshot),
      () => this.cache.snapshotRecorded(snapshot),
    );
  }
}

/** The store's own order of locks: (variant, symbol, kind), in code-unit order. */
function byLockKey(a: SymbolProtection, b: SymbolProtection): number {
  const x = `${a.variantId}\u0000${a.symbol}\u0000${a.kind}`;
  const y = `${b.variantId}\u0000${b.symbol}\u0000${b.kind}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
