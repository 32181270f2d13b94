// The composition root for commands: configuration, clock and store, chosen once.
import { SystemClock } from '../clock/system-clock.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import { defaultConfig, loadConfigFile, loadDotEnv, type SigilConfig } from '../config/load-config.ts';
import { NoStoreError, openStore, type OpenedStore } from '../store/open-store.ts';
import type { Durability } from '../store/sqlite/sqlite-driver.ts';
import { resolveStoreUrl } from './store-url.ts';

export interface GlobalOptions {
  db?: string;
  config?: string;
  verbose?: boolean;
}

export interface AppContext {
  config: SigilConfig;
  clock: Clock;
  storeUrl: string;
}

export function appContext(options: GlobalOptions, clock: Clock = new SystemClock()): AppContext {
  loadDotEnv();
  const config = options.config ? loadConfigFile(options.config) : defaultConfig();
  return { config, clock, storeUrl: resolveStoreUrl(options.db, config.storeUrl) };
}

/**
 * Opens the store (migrating it if it is behind), runs `fn`, and always closes it. `mustExist`: a
 * command that reads or changes an existing store refuses a database that holds none, creating nothing.
 */
export async function withStore<T>(
  context: AppContext,
  fn: (store: Store, opened: OpenedStore) => Promise<T>,
  options: { durability?: Durability; mustExist?: boolean } = {},
): Promise<T> {
  const opened = await openStore(context.storeUrl, {
    now: new Date(context.clock.now()).toISOString(),
    ...options,
  });
  try {
    return await fn(opened.store, opened);
  } finally {
    await opened.store.close();
  }
}

/** `withStore` for a command that reads or changes an existing store: a missing one is refused. */
export function withExistingStore<T>(
  context: AppContext,
  fn: (store: Store, opened: OpenedStore) => Promise<T>,
): Promise<T> {
  return withStore(context, fn, { mustExist: true });
}

/** `fn` on the store if there is one, else `otherwise()`: nothing is created either way. */
export async function withStoreIfAny<T>(
  context: AppContext,
  fn: (store: Store) => Promise<T>,
  otherwise: () => Promise<T>,
): Promise<T> {
  try {
    return await withExistingStore(context, fn);
  } catch (error) {
    // Raised by the open, before `fn` ran: `fn` itself opens no store.
    if (error instanceof NoStoreError) return otherwise();
    throw error;
  }
}
