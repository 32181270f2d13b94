// A store is started for one thing and keeps it: a replay of one configuration over one span of candles,
// or a live bot. Another configuration cannot resume a replay in its middle (it would report a span it
// never traded and mix two configurations' trades), and a live bot never runs on a replay's simulated
// days (its wall-clock rules would judge them ancient) nor a replay on a live account's history.
import type { SigilConfig } from '../config/load-config.ts';
import type { EpochMs } from '../domain/ids.ts';
import type { Store } from '../domain/ports/store.ts';
import type { StoreIdentity, StoreKind } from '../domain/store-identity.ts';
import { StoreConfigError } from '../store/store-errors.ts';
import { configVersion } from './config-version.ts';

/** Refused: the store was started for something else. Exit 2, nothing written. */
export class StoreIdentityError extends StoreConfigError {}

const FRESH_HINT =
  'use another database with --db, or add --fresh to start anew (a SQLite database is kept under a new name)';

/**
 * Refuses, writing nothing, a store started for something else than `kind` under this configuration: a
 * replay store takes only its own configuration's replay; a live store takes live runs of any (a live
 * configuration changes between restarts), never a replay.
 */
export async function checkStoreFor(store: Store, config: SigilConfig, kind: StoreKind): Promise<void> {
  const held = await store.storeIdentity();
  if (held) refuseForeign(held, config, kind);
}

/** Marks a new store as this configuration's replay over [from, to], or checks that it is one. */
export function claimReplayStore(
  store: Store,
  config: SigilConfig,
  range: { from: EpochMs; to: EpochMs },
  wallNow: EpochMs,
): Promise<StoreIdentity> {
  return claim(store, config, { kind: 'replay', ...range }, wallNow);
}

/** Marks a new store as a live bot's, or checks that it is one. */
export function claimLiveStore(store: Store, config: SigilConfig, wallNow: EpochMs): Promise<StoreIdentity> {
  return claim(store, config, { kind: 'live', from: null, to: null }, wallNow);
}

async function claim(
  store: Store,
  config: SigilConfig,
  what: Pick<StoreIdentity, 'kind' | 'from' | 'to'>,
  wallNow: EpochMs,
): Promise<StoreIdentity> {
  const held = await store.claimStoreIdentity({
    ...what,
    configVersion: configVersion(config),
    configFile: config.file,
    createdAt: wallNow,
  });
  refuseForeign(held, config, what.kind);
  return held;
}

/** `backtest --keep-store`: a backtest starts at the first bar, so only a store never used takes it. */
export async function claimNewReplayStore(
  store: Store,
  config: SigilConfig,
  range: { first: EpochMs; end: EpochMs },
  wallNow: EpochMs,
): Promise<StoreIdentity> {
  const held = await store.storeIdentity();
  if (!held && (await store.jobs()).length > 0)
    throw new StoreIdentityError(
      '--keep-store needs a new database, and this one already holds a run: name another with --db',
    );
  if (held)
    throw new StoreIdentityError(
      `--keep-store needs a new database, and this one already holds ${held.kind === 'live' ? "a live bot's state" : `a replay (${describe(held)})`}: name another with --db`,
    );
  return claimReplayStore(store, config, { from: range.first, to: range.end }, wallNow);
}

function refuseForeign(held: StoreIdentity, config: SigilConfig, kind: StoreKind): void {
  if (kind === 'replay' && held.kind === 'live')
    throw new StoreIdentityError(
      `this database holds a live bot's state (since ${iso(held.createdAt)}); a replay needs a database of its own: ${FRESH_HINT}`,
    );
  if (kind === 'live' && held.kind === 'replay')
    throw new StoreIdentityError(
      `this database holds a replay (${describe(held)}); live trading needs a database of its own: ${FRESH_HINT}`,
    );
  const version = configVersion(config);
  if (kind === 'replay' && held.configVersion !== version)
    throw new StoreIdentityError(
      `this database holds the replay of another configuration (${describe(held)}), not of ${config.file ?? 'the built-in configuration'} (version ${version}); resuming it would mix two configurations' trades: ${FRESH_HINT}`,
    );
}

export function describe(identity: StoreIdentity): string {
  const file = identity.configFile ?? 'the built-in configuration';
  const span =
    identity.from === null || identity.to === null
      ? ''
      : `, candles ${iso(identity.from)} → ${iso(identity.to)}`;
  return `${file}, version ${identity.configVersion}${span}, started ${iso(identity.createdAt)}`;
}

function iso(time: EpochMs): string {
  return new Date(time).toISOString().replace('.000Z', 'Z');
}
