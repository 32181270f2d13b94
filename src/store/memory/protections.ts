// Symbol protections: one row per (variant, symbol, kind), kept as history after it ends. Each variant
// holds its rows by symbol (for one symbol's locks) and sorted by `until` (for the locks in force: a
// binary search for the first row still running and the few after it), so the per-bar question costs
// the locks in force, not every lock a year of trading left behind.
import type { EpochMs, VariantId } from '../../domain/ids.ts';
import { ALL_SYMBOLS, type ProtectionKind, type SymbolProtection } from '../../domain/protection.ts';
import { compareText, insertSorted, removeSorted, sortSmall, upperBound } from './sorted.ts';
import type { UndoLog } from './undo-log.ts';

interface VariantLocks {
  bySymbol: Map<string, Map<ProtectionKind, SymbolProtection>>;
  /** (until, symbol, kind) order. */
  byUntil: SymbolProtection[];
}

function untilOrder(a: SymbolProtection, b: SymbolProtection): number {
  return a.until - b.until || compareText(a.symbol, b.symbol) || compareText(a.kind, b.kind);
}

/** ORDER BY variant_id, symbol, kind. */
function lockOrder(a: SymbolProtection, b: SymbolProtection): number {
  return (
    compareText(a.variantId, b.variantId) || compareText(a.symbol, b.symbol) || compareText(a.kind, b.kind)
  );
}

/** ORDER BY until DESC; SQL leaves ties open, these break them by symbol and kind. */
function latestFirst(a: SymbolProtection, b: SymbolProtection): number {
  return b.until - a.until || lockOrder(a, b);
}

export class ProtectionTable {
  private readonly variants = new Map<VariantId, VariantLocks>();

  constructor(private readonly undo: UndoLog) {}

  /** Locks never shorten: an existing row changes only for a strictly later `until`. */
  upsert(p: Omit<SymbolProtection, 'createdAt' | 'updatedAt'>, now: EpochMs): void {
    const prev = this.locks(p.variantId).bySymbol.get(p.symbol)?.get(p.kind);
    if (prev && !(p.until > prev.until)) return;
    this.put(
      lock(p.variantId, p.symbol, p.kind, p.until, p.reason, prev?.createdAt ?? now, now),
      prev ?? null,
    );
  }

  /** In force at `now` for the symbol or the whole variant: latest `until` first (ties by symbol, kind). */
  active(variantId: VariantId, symbol: string, now: EpochMs): SymbolProtection[] {
    const bySymbol = this.variants.get(variantId)?.bySymbol;
    if (!bySymbol) return [];
    const found: SymbolProtection[] = [];
    inForceOf(bySymbol.get(symbol), now, found);
    if (symbol !== ALL_SYMBOLS) inForceOf(bySymbol.get(ALL_SYMBOLS), now, found);
    return sortSmall(found, latestFirst);
  }

  inForce(now: EpochMs, variantId?: VariantId): SymbolProtection[] {
    const found: SymbolProtection[] = [];
    if (variantId !== undefined) {
      const locks = this.variants.get(variantId);
      if (locks) this.collectInForce(locks, now, found);
    } else {
      for (const locks of this.variants.values()) this.collectInForce(locks, now, found);
    }
    return sortSmall(found, lockOrder);
  }

  /** Ends the named kinds in force on exactly (variant, symbol) at `now`, appending `note`; sorted by kind. */
  lift(
    lift: { variantId: VariantId; symbol: string; kinds: readonly ProtectionKind[]; note: string },
    now: EpochMs,
  ): SymbolProtection[] {
    const kinds = this.variants.get(lift.variantId)?.bySymbol.get(lift.symbol);
    const lifted: SymbolProtection[] = [];
    if (!kinds) return lifted;
    for (const kind of new Set(lift.kinds)) {
      const prev = kinds.get(kind);
      if (!prev || !(prev.until > now)) continue;
      const next = lock(prev.variantId, prev.symbol, kind, now, prev.reason + lift.note, prev.createdAt, now);
      this.put(next, prev);
      lifted.push(next);
    }
    return lifted.sort((a, b) => a.kind.localeCompare(b.kind)); // as SqlStore sorts them
  }

  private collectInForce(locks: VariantLocks, now: EpochMs, into: SymbolProtection[]): void {
    const { byUntil } = locks;
    for (let i = upperBound(byUntil, now, untilAfter); i < byUntil.length; i++)
      into.push(byUntil[i] as SymbolProtection);
  }

  private put(next: SymbolProtection, prev: SymbolProtection | null): void {
    this.write(next, prev);
    this.undo.record(() => this.write(prev, next));
  }

  /** Puts `next` where `prev` was; a null `next` deletes `prev` (undoing an insert). */
  private write(next: SymbolProtection | null, prev: SymbolProtection | null): void {
    const row = (next ?? prev) as SymbolProtection;
    const locks = this.locks(row.variantId);
    let kinds = locks.bySymbol.get(row.symbol);
    if (!kinds) locks.bySymbol.set(row.symbol, (kinds = new Map()));
    if (prev) removeSorted(locks.byUntil, prev, untilOrder);
    if (next) {
      kinds.set(next.kind, next);
      insertSorted(locks.byUntil, next, untilOrder);
    } else {
      kinds.delete(row.kind);
    }
  }

  private locks(variantId: VariantId): VariantLocks {
    let locks = this.variants.get(variantId);
    if (!locks) this.variants.set(variantId, (locks = { bySymbol: new Map(), byUntil: [] }));
    return locks;
  }
}

function inForceOf(
  kinds: Map<ProtectionKind, SymbolProtection> | undefined,
  now: EpochMs,
  into: SymbolProtection[],
): void {
  if (kinds) for (const p of kinds.values()) if (p.until > now) into.push(p);
}

function untilAfter(p: SymbolProtection, at: EpochMs): number {
  return p.until - at;
}

function lock(
  variantId: VariantId,
  symbol: string,
  kind: ProtectionKind,
  until: EpochMs,
  reason: string,
  createdAt: EpochMs,
  updatedAt: EpochMs,
): SymbolProtection {
  return Object.freeze({ variantId, symbol, kind, until, reason, createdAt, updatedAt });
}
