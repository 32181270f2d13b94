// What `sigil locks`, `lock` and `unlock` do; commands/locks.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withExistingStore, type AppContext, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { ALL_SYMBOLS, type ProtectionKind, type SymbolProtection } from '../../domain/protection.ts';
import { atOption } from '../at-option.ts';
import { storeTime } from '../../app/store-time.ts';
import { UsageError } from '../cli-error.ts';
import { isoTime, renderTable } from '../table.ts';
import { LIFTABLE, type LocksOptions } from '../commands/locks.ts';
import { knownVariant } from './configured-variant.ts';
import { configuredSymbols } from '../../app/config-symbols.ts';
import type { VariantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';

const OPERATOR = 'operator:cli';
const HOUR = 3_600_000;
/** Ten years: a lock for longer is a typo, and 1e308 hours is no time at all (an invalid date). */
const MAX_LOCK_HOURS = 87_600;

export async function listLocks(options: LocksOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const variants = new Set(
    selectVariants(context.config, options.variants?.split(',')).map((v) => v.id as string),
  );
  // A lock is one row per (variant, symbol, kind), rewritten by each new trigger: one written after
  // --at is not known as it was then, so it is left out rather than shown with a later `until`.
  // Without --at, the store's own now: a replay's locks are in its simulated time.
  const { locks, now } = await withExistingStore(context, async (store) => {
    const now =
      options.at === undefined
        ? (await storeTime(store, context.clock.now())).now
        : atOption(options.at, () => context.clock.now());
    const locks = (await store.protectionsInForce(now)).filter(
      (lock) => variants.has(lock.variantId) && lock.updatedAt <= now,
    );
    return { locks, now };
  });
  if (options.json) {
    console.log(JSON.stringify({ at: now, locks }, null, 2));
    return;
  }
  if (locks.length === 0) {
    console.log(`No locks in force at ${isoTime(now)}.`);
    return;
  }
  console.log(
    renderTable(
      ['variant', 'symbol', 'kind', 'until', 'left', 'reason'],
      locks.map((lock) => [
        lock.variantId,
        lock.symbol === ALL_SYMBOLS ? '* (all)' : lock.symbol,
        lock.kind,
        isoTime(lock.until),
        duration(lock.until - now),
        lock.reason,
      ]),
    ),
  );
}

export async function addLock(
  name: string,
  symbol: string,
  options: { hours: string; reason: string },
  command: Command,
): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const hours = Number(options.hours);
  if (!(hours > 0 && Number.isFinite(hours)))
    throw new UsageError(`--hours must be a number of hours > 0, got ${options.hours}`);
  if (hours > MAX_LOCK_HOURS)
    throw new UsageError(`--hours must be at most ${MAX_LOCK_HOURS} (ten years), got ${options.hours}`);
  await withExistingStore(context, async (store) => {
    const variant = await knownVariant(context, store, name);
    await knownSymbol(context, store, variant, symbol);
    // The store's own now: on a replay's store, the replay's simulated time.
    const now = (await storeTime(store, context.clock.now())).now;
    const until = now + hours * HOUR;
    await store.upsertProtection(
      { variantId: variant, symbol, kind: 'manual', until, reason: `${options.reason} (${OPERATOR})` },
      now,
    );
    // Locks never shorten: an operator's lock that already lasts longer is kept as it is.
    const [kept] = (await store.activeProtections(variant, symbol, now)).filter(
      (lock) => lock.kind === 'manual' && lock.symbol === symbol,
    );
    console.log(
      kept && kept.until > until
        ? `${variant} ${symbol}: already locked by hand until ${isoTime(kept.until)} (${kept.reason}); kept`
        : `${variant} ${symbol}: no entries until ${isoTime(until)}`,
    );
  });
}

export async function liftLocks(
  name: string,
  symbol: string,
  options: { kinds?: string; reason: string },
  command: Command,
): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const kinds = liftableKinds(options.kinds);
  await withExistingStore(context, async (store) => {
    const variant = await knownVariant(context, store, name);
    // The store's own now: on a replay's store, the replay's simulated time.
    const now = (await storeTime(store, context.clock.now())).now;
    const lifted = await store.liftProtections(
      {
        variantId: variant,
        symbol,
        kinds,
        note: ` — lifted by ${OPERATOR} at ${isoTime(now)}: ${options.reason}`,
      },
      now,
    );
    const left = (await store.activeProtections(variant, symbol, now)).filter(
      (lock) => lock.symbol === symbol,
    );
    if (lifted.length === 0) console.log(`${variant} ${symbol}: no ${kinds.join('/')} lock in force`);
    for (const lock of lifted)
      console.log(`${variant} ${symbol}: lifted ${lock.kind} (${originalReason(lock)})`);
    for (const lock of left) {
      console.log(
        `${variant} ${symbol}: still locked by ${lock.kind} until ${isoTime(lock.until)} (${lock.reason})`,
      );
    }
  });
}

/**
 * A typo must not lock nothing while the operator thinks a symbol is safe: the symbol is one the config
 * trades, or — without --config — one the variant has had intents for.
 */
async function knownSymbol(
  context: AppContext,
  store: Store,
  variant: VariantId,
  symbol: string,
): Promise<void> {
  const { symbols, source } = configuredSymbols(context.config);
  if (symbol === ALL_SYMBOLS || symbols.includes(symbol)) return;
  if (
    context.config.file === null &&
    (await store.listIntents({ variantId: variant, symbol, limit: 1 })).length
  )
    return;
  const listed = symbols.length > 0 ? ` (${symbols.join(', ')})` : '';
  const hint = context.config.file === null ? '; --config FILE checks against a config' : '';
  throw new UsageError(`${symbol} is not in ${source}${listed}; '*' locks them all${hint}`);
}

function liftableKinds(text: string | undefined): ProtectionKind[] {
  if (text === undefined) return [...LIFTABLE];
  const kinds = text.split(',').map((kind) => kind.trim());
  if (kinds.includes('compliance')) {
    throw new UsageError(
      "--kinds: a compliance pause is the prop firm's rule and ends on its own (sigil locks shows when); trading through it would break the account",
    );
  }
  const unknown = kinds.filter((kind) => !(LIFTABLE as readonly string[]).includes(kind));
  if (unknown.length > 0)
    throw new UsageError(`--kinds: unknown ${unknown.join(', ')}; kinds are ${LIFTABLE.join(', ')}`);
  return kinds as ProtectionKind[];
}

/** The reason as it was before the lift's note. */
function originalReason(lock: SymbolProtection): string {
  return lock.reason.replace(/ — lifted by .*$/, '');
}

/** Time left, rounded up to the minute: `45 min`, `3 h 5 min`, `2 d 4 h` (past two days). */
function duration(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
