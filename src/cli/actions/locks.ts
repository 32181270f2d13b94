// What `sigil locks`, `lock` and `unlock` do; commands/locks.ts declares the options; loaded only to run.
import type { Command } from 'commander';
import { appContext, withStore, type GlobalOptions } from '../../app/app-context.ts';
import { selectVariants } from '../../app/engine-for.ts';
import { ALL_SYMBOLS, type ProtectionKind, type SymbolProtection } from '../../domain/protection.ts';
import { atOption } from '../at-option.ts';
import { UsageError } from '../cli-error.ts';
import { isoTime, renderTable } from '../table.ts';
import { LIFTABLE, type LocksOptions } from '../commands/locks.ts';
import { configuredVariant } from './configured-variant.ts';

const OPERATOR = 'operator:cli';
const HOUR = 3_600_000;

export async function listLocks(options: LocksOptions, command: Command): Promise<void> {
  const context = appContext(command.optsWithGlobals<GlobalOptions>());
  const now = atOption(options.at, () => context.clock.now());
  const variants = new Set(
    selectVariants(context.config, options.variants?.split(',')).map((v) => v.id as string),
  );
  // A lock is one row per (variant, symbol, kind), rewritten by each new trigger: one written after
  // --at is not known as it was then, so it is left out rather than shown with a later `until`.
  const locks = await withStore(context, async (store) =>
    (await store.protectionsInForce(now)).filter(
      (lock) => variants.has(lock.variantId) && lock.updatedAt <= now,
    ),
  );
  if (options.json) {
    console.log(JSON.stringify({ at: now, locks }, null, 2));
    return;
  }
  if (locks.length === 0) {
    const hint = options.at === undefined ? " (a replay's locks are in its own time: ask with --at)" : '';
    console.log(`No locks in force at ${isoTime(now)}${hint}.`);
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
  const variant = configuredVariant(context, name);
  knownSymbol(context.config.market.symbols, symbol);
  const hours = Number(options.hours);
  if (!(hours > 0 && Number.isFinite(hours)))
    throw new UsageError(`--hours must be a number of hours > 0, got ${options.hours}`);
  await withStore(context, async (store) => {
    const now = context.clock.now();
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
  const variant = configuredVariant(context, name);
  const kinds = liftableKinds(options.kinds);
  await withStore(context, async (store) => {
    const now = context.clock.now();
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

/** A typo must not lock nothing while the operator thinks a symbol is safe. */
function knownSymbol(symbols: readonly string[], symbol: string): void {
  if (symbol === ALL_SYMBOLS || symbols.length === 0 || symbols.includes(symbol)) return;
  throw new UsageError(`${symbol} is not in market.symbols (${symbols.join(', ')}); '*' locks them all`);
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
