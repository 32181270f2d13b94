// The Telegram control bot: one loop that long-polls getUpdates (no inbound port), answers the chats on
// the allow-list in the order their updates came, and ignores — and logs — every other chat. The next
// update id is saved in the store BEFORE an update is acted on, so a restart never runs a command again
// (at worst one that was being answered when the process died is lost, and is sent again by hand). A lost
// connection backs off exponentially and resumes; nothing in the loop ends the process.
import { describeError, RejectedError } from '../../domain/errors.ts';
import type { EpochMs } from '../../domain/ids.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import type { Logger } from '../../logging/logger.ts';
import { changeKey, parseChatCommand, type ChangeCommand } from './chat-command.ts';
import { applyChange, confirmationQuestion, type ExitFunction } from './change-actions.ts';
import { CANCEL_PREFIX, CONFIRM_PREFIX, PendingConfirmations } from './confirmations.ts';
import { answerRead, type ControlVariant } from './read-answers.ts';
import {
  TelegramRetryableError,
  type ChatUpdate,
  type InlineButton,
  type TelegramClient,
} from './telegram-client.ts';

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** 1 s, 2 s, 4 s … up to a minute: a long outage is still retried now and then. */
export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1_000, maxMs: 60_000 };
/** A 429 on an answer is waited out this many times before the answer is given up. */
const SEND_ATTEMPTS = 3;
/** Between two empty short polls. */
const SHORT_POLL_PAUSE_MS = 1_000;

export interface TelegramBotDeps {
  client: Pick<TelegramClient, 'botId' | 'getUpdates' | 'sendMessage' | 'answerCallbackQuery'>;
  store: Store;
  /** This process's variants: the only ones the bot reads and changes. */
  variants: readonly ControlVariant[];
  allowedChatIds: readonly string[];
  pollTimeoutS: number;
  /** Wall time: confirmation windows and backoff (never a replay's clock). */
  clock: Clock;
  /** The store's own now, for answers and the times of changes. */
  storeNow: () => Promise<EpochMs>;
  /** Force-exit, wired by the composition root; null answers that exit is not available here. */
  exit: ExitFunction | null;
  log: Logger;
  /** What a change means for the alert sinks (kill switch tripped or reset). */
  onEvents?: (events: TradingEvent[]) => void;
  backoff?: BackoffSettings;
  confirmWindowMs?: number;
}

export interface TelegramBot {
  /** Resolves when the loop has ended (after stop()). */
  readonly done: Promise<void>;
  /** Ends the loop: the long poll in flight is aborted. Idempotent. */
  stop(): Promise<void>;
}

export function startTelegramBot(deps: TelegramBotDeps): TelegramBot {
  const abort = new AbortController();
  const loop = new BotLoop(deps, abort.signal);
  const done = loop.run();
  return {
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

class BotLoop {
  private readonly channel: string;
  private readonly confirmations: PendingConfirmations;
  private readonly allowed: ReadonlySet<string>;
  private readonly backoff: BackoffSettings;
  private offset: number | null = null;
  private failures = 0;

  constructor(
    private readonly deps: TelegramBotDeps,
    private readonly signal: AbortSignal,
  ) {
    this.channel = `telegram:${deps.client.botId}`;
    this.confirmations = new PendingConfirmations(deps.confirmWindowMs);
    this.allowed = new Set(deps.allowedChatIds);
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
  }

  async run(): Promise<void> {
    const { log } = this.deps;
    log.info({ chats: this.deps.allowedChatIds.length }, 'telegram control: polling for commands');
    let offsetRead = false;
    while (!this.signal.aborted) {
      try {
        if (!offsetRead) {
          this.offset = await this.deps.store.controlOffset(this.channel);
          offsetRead = true;
        }
        const updates = await this.deps.client.getUpdates(this.offset, this.deps.pollTimeoutS, this.signal);
        if (this.failures > 0)
          log.info(`telegram control: reached Telegram again after ${this.failures} failure(s)`);
        this.failures = 0;
        for (const update of updates) {
          if (this.signal.aborted) break;
          await this.take(update);
        }
        // Short polling (poll_timeout_s 0) answers at once: without a pause it would ask non-stop.
        if (updates.length === 0 && this.deps.pollTimeoutS === 0) {
          await this.deps.clock.sleep(SHORT_POLL_PAUSE_MS, this.signal).catch(() => undefined);
        }
      } catch (error) {
        if (this.signal.aborted) break;
        await this.pause(error);
      }
    }
    log.info('telegram control: stopped');
  }

  /** One update: its offset saved first, then acted on; an answer that fails is logged, not retried. */
  private async take(update: ChatUpdate): Promise<void> {
    // Telegram hands nothing below the offset it was given; a stray one was answered before a restart.
    if (this.offset !== null && update.updateId < this.offset) return;
    this.offset = await this.deps.store.saveControlOffset(
      this.channel,
      update.updateId + 1,
      this.deps.clock.now(),
    );
    if (update.kind === 'other') return;
    if (!this.allowed.has(update.chatId)) {
      this.deps.log.warn(
        { chat: update.chatId, from: update.from },
        'telegram control: ignored an update from a chat not on control.telegram.allowed_chat_ids',
      );
      return;
    }
    try {
      if (update.kind === 'message') await this.onMessage(update.chatId, update.text);
      else await this.onButton(update.chatId, update.callbackId, update.data);
    } catch (error) {
      this.deps.log.error(
        { chat: update.chatId, err: error },
        `telegram control: update ${update.updateId} failed: ${describeError(error)}`,
      );
      await this.send(update.chatId, `Failed: ${describeError(error)}`).catch(() => undefined);
    }
  }

  private async onMessage(chatId: string, text: string): Promise<void> {
    const command = parseChatCommand(
      text,
      this.deps.variants.map((v) => v.id),
    );
    this.deps.log.info(
      { chat: chatId, command: command.kind === 'unknown' ? '?' : command.kind },
      `telegram control: ${text.slice(0, 80)}`,
    );
    switch (command.kind) {
      case 'unknown':
        return this.send(chatId, 'Not a command I know. /help lists them.');
      case 'invalid':
        return this.send(chatId, command.message);
      case 'read':
        return this.send(
          chatId,
          await answerRead(command, this.deps.store, this.deps.variants, await this.deps.storeNow()),
        );
      case 'change': {
        const outcome = this.confirmations.typed(chatId, command, this.deps.clock.now());
        if (outcome.confirmed) return this.change(chatId, command);
        const seconds = Math.round((this.deps.confirmWindowMs ?? 60_000) / 1000);
        const buttons: InlineButton[] = [
          { text: 'Confirm', data: `${CONFIRM_PREFIX}${outcome.token}` },
          { text: 'Cancel', data: `${CANCEL_PREFIX}${outcome.token}` },
        ];
        return this.send(
          chatId,
          `${confirmationQuestion(command)}\nPress Confirm, or send the same command again within ${seconds} s.`,
          buttons,
        );
      }
    }
  }

  private async onButton(chatId: string, callbackId: string, data: string): Promise<void> {
    const cancel = data.startsWith(CANCEL_PREFIX);
    const token = data.slice(cancel ? CANCEL_PREFIX.length : CONFIRM_PREFIX.length);
    const known = cancel || data.startsWith(CONFIRM_PREFIX);
    const command = known ? this.confirmations.pressed(chatId, token, this.deps.clock.now()) : null;
    const note = command === null ? 'Expired' : cancel ? 'Cancelled' : 'Confirmed';
    await this.deps.client.answerCallbackQuery(callbackId, note).catch((error: unknown) => {
      this.deps.log.warn(`telegram control: answerCallbackQuery failed: ${describeError(error)}`);
    });
    if (command === null) {
      return this.send(chatId, 'That confirmation expired or was used already: send the command again.');
    }
    if (cancel) return this.send(chatId, `Cancelled: /${changeKey(command)}`);
    return this.change(chatId, command);
  }

  private async change(chatId: string, command: ChangeCommand): Promise<void> {
    const actor = `telegram:${chatId}`;
    const outcome = await applyChange(command, this.deps, actor, await this.deps.storeNow());
    this.deps.log.warn({ chat: chatId, actor }, `telegram control: /${changeKey(command)} → ${outcome.text}`);
    if (outcome.events.length > 0) this.deps.onEvents?.(outcome.events);
    await this.send(chatId, outcome.text);
  }

  /** An answer, with a 429's wait honoured a few times; any other failure is logged and the answer dropped. */
  private async send(chatId: string, text: string, buttons: readonly InlineButton[] = []): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.client.sendMessage(chatId, text, buttons);
      } catch (error) {
        const waitMs = error instanceof TelegramRetryableError ? error.retryAfterMs : undefined;
        if (waitMs === undefined || attempt >= SEND_ATTEMPTS || this.signal.aborted) {
          this.deps.log.error({ chat: chatId }, `telegram control: answer not sent: ${describeError(error)}`);
          return;
        }
        await this.deps.clock.sleep(Math.min(waitMs, this.backoff.maxMs), this.signal).catch(() => undefined);
      }
    }
  }

  /** After a failed poll: wait (longer each time in a row; the longest for a refusal), then poll again. */
  private async pause(error: unknown): Promise<void> {
    this.failures += 1;
    const refused = error instanceof RejectedError;
    const asked = error instanceof TelegramRetryableError ? error.retryAfterMs : undefined;
    const waitMs = refused
      ? this.backoff.maxMs
      : (asked ?? Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failures - 1)));
    // A refusal (401: the token revoked; 409: another process polls this bot) will not mend by itself.
    this.deps.log[refused ? 'error' : 'warn'](
      { failures: this.failures, retryInMs: waitMs },
      `telegram control: ${describeError(error)}; polling again in ${Math.round(waitMs / 100) / 10} s`,
    );
    await this.deps.clock.sleep(waitMs, this.signal).catch(() => undefined);
  }
}
