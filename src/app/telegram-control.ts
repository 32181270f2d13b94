// The Telegram control bot of a live process, built from `control.telegram`: its token read from the
// environment variable the section names (unset = a configuration error naming the variable, never a
// value), its answers on the store's own clock, its changes told to the alert sinks.
import { ConfigError } from '../config/config-error.ts';
import type { SigilConfig, Variant } from '../config/load-config.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Store } from '../domain/ports/store.ts';
import type { TradingEvent } from '../domain/trading-event.ts';
import { variantId } from '../domain/ids.ts';
import type { ForceExitPort, ForceExitResult } from '../domain/manual-exit.ts';
import { money, price } from '../control/telegram/answers.ts';
import type { ExitFunction } from '../control/telegram/change-actions.ts';
import { TelegramClient } from '../control/telegram/telegram-client.ts';
import {
  startTelegramBot,
  type TelegramBot,
  type BackoffSettings,
} from '../control/telegram/telegram-bot.ts';
import type { Logger } from '../logging/logger.ts';
import { storeTime } from './store-time.ts';

export interface TelegramControlWiring {
  store: Store;
  variants: readonly Variant[];
  /** Wall clock. */
  clock: Clock;
  log: Logger;
  /** Force-exit for `/exit`; null answers that exit is not available in this process. */
  exit: ExitFunction | null;
  onEvents?: (events: TradingEvent[]) => void;
  /** Where the token is read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  backoff?: BackoffSettings;
}

/** The running bot, or null when `control.telegram.enabled` is false. */
export function startTelegramControl(
  config: Pick<SigilConfig, 'file' | 'control'>,
  wiring: TelegramControlWiring,
): TelegramBot | null {
  const settings = config.control.telegram;
  if (!settings.enabled) return null;
  const token = telegramToken(config, wiring.env ?? process.env);
  const client = new TelegramClient({ token, ...(settings.api_url ? { baseUrl: settings.api_url } : {}) });
  return startTelegramBot({
    client,
    store: wiring.store,
    variants: wiring.variants.map((v) => ({
      id: v.id,
      startingBalance: v.settings.account.starting_balance_usd,
    })),
    allowedChatIds: settings.allowed_chat_ids,
    pollTimeoutS: settings.poll_timeout_s,
    clock: wiring.clock,
    storeNow: async () => (await storeTime(wiring.store, wiring.clock.now())).now,
    exit: wiring.exit,
    log: wiring.log.child({ worker: 'telegram' }),
    ...(wiring.onEvents ? { onEvents: wiring.onEvents } : {}),
    ...(wiring.backoff ? { backoff: wiring.backoff } : {}),
  });
}

/** Why an /exit is asked before the live bot has started (its force-exit is not there yet). */
export const EXIT_NOT_READY =
  'exit is not available yet: the live bot is still starting; send it again in a moment';

/**
 * `/exit` through the live bot's force-exit, which takes its turn in the bot's lane; `port` is read at
 * each exit, since the Telegram bot starts before the live bot does. Closes are told through `onEvents`.
 */
export function telegramExit(
  port: () => ForceExitPort | null,
  onEvents?: (events: TradingEvent[]) => void,
): ExitFunction {
  return async (variant, symbol, actor) => {
    const exits = port();
    if (exits === null) return EXIT_NOT_READY;
    const result = await exits(
      { variantId: variantId(variant), symbol, reason: 'closed from Telegram', actor },
      (event) => onEvents?.([event]),
    );
    return exitText(variant, result);
  };
}

/** A force-exit's outcome as the chat reads it: each close, each close the bot made meanwhile, any refusal. */
export function exitText(variant: string, result: ForceExitResult): string {
  const lines = [
    ...result.closed.map(
      (p) =>
        `${variant} ${p.symbol}: closed at ${price(p.exitPrice ?? Number.NaN)}, P&L ${money(p.pnl ?? 0)}`,
    ),
    ...result.closedMeanwhile.map(
      (p) => `${variant} ${p.symbol}: already closed meanwhile (${p.exitReason ?? 'closed'}), nothing sent`,
    ),
  ];
  if (result.refused) lines.push(`Not closed: ${result.refused}`);
  return lines.length > 0 ? lines.join('\n') : `${variant}: nothing to close`;
}

/** The bot token from the variable `control.telegram.token_env` names; checked before anything starts. */
export function telegramToken(
  config: Pick<SigilConfig, 'file' | 'control'>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const name = config.control.telegram.token_env;
  const value = env[name];
  if (!value) {
    throw new ConfigError(config.file ?? 'built-in defaults', [
      `control.telegram.token_env: the environment variable ${name} is not set (secrets never go in the config file)`,
    ]);
  }
  return value;
}
