// The three Bot API methods the control bot calls — getUpdates (long polling), sendMessage and
// answerCallbackQuery — with Telegram's payloads parsed at the boundary into the bot's own types. The
// token is part of every URL, so no error quotes a URL, a path or an undici cause.
import { z } from 'zod';
import { RejectedError, RetryableError } from '../../domain/errors.ts';
import { secretRedactor } from '../../logging/redaction.ts';
import { networkReason, parseJson } from '../../alerts/http-post.ts';

/** sendMessage refuses longer texts ("message is too long"). */
export const TELEGRAM_MAX_TEXT = 4096;
/** getUpdates hands at most 100 updates per call. */
export const UPDATES_PER_CALL = 100;

/** A command or a button press from a chat; anything else Telegram sends is kept as `other`. */
export type ChatUpdate =
  | { updateId: number; kind: 'message'; chatId: string; text: string; from: string }
  | { updateId: number; kind: 'button'; chatId: string; callbackId: string; data: string; from: string }
  | { updateId: number; kind: 'other' };

export interface InlineButton {
  text: string;
  data: string;
}

/** Telegram said: wait this long (429), or the call failed in a way worth trying again. */
export class TelegramRetryableError extends RetryableError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(code, message);
  }
}

export interface TelegramClientOptions {
  token: string;
  /** Default https://api.telegram.org; tests point it at a fake server. */
  baseUrl?: string;
  /** For calls other than getUpdates (whose own wait is added to its timeout). */
  timeoutMs?: number;
}

// Loose objects: Telegram adds fields over time, and the bot reads only these.
const TelegramChat = z.looseObject({ id: z.union([z.number(), z.string()]) });
const TelegramUser = z.looseObject({ id: z.number(), username: z.string().optional() });
const TelegramUpdate = z.looseObject({
  update_id: z.number().int(),
  message: z
    .looseObject({ chat: TelegramChat, text: z.string().optional(), from: TelegramUser.optional() })
    .optional(),
  callback_query: z
    .looseObject({
      id: z.string(),
      from: TelegramUser,
      data: z.string().optional(),
      message: z.looseObject({ chat: TelegramChat }).optional(),
    })
    .optional(),
});
const TelegramAnswer = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().optional() }).optional(),
});

export class TelegramClient {
  private readonly base: string;
  private readonly scrub: (text: string) => string;

  constructor(private readonly options: TelegramClientOptions) {
    this.base = `${(options.baseUrl ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.token}`;
    this.scrub = secretRedactor([this.base, options.token]).text;
  }

  /** The bot's id: the part of its token before the colon (public; it names the bot's offset row). */
  get botId(): string {
    return this.options.token.split(':')[0] ?? 'bot';
  }

  /** Updates from `offset` on (confirming every earlier one to Telegram), waiting up to `timeoutS` for one. */
  async getUpdates(offset: number | null, timeoutS: number, signal?: AbortSignal): Promise<ChatUpdate[]> {
    const body: Record<string, unknown> = {
      timeout: timeoutS,
      limit: UPDATES_PER_CALL,
      allowed_updates: ['message', 'callback_query'],
    };
    if (offset !== null) body.offset = offset;
    const result = await this.call('getUpdates', body, timeoutS * 1000 + this.timeoutMs, signal);
    const updates = z.array(z.unknown()).safeParse(result);
    if (!updates.success) throw new RejectedError('telegram_bad_answer', 'getUpdates: not a list of updates');
    return updates.data.flatMap((raw) => {
      const parsed = TelegramUpdate.safeParse(raw);
      return parsed.success ? [chatUpdate(parsed.data)] : [];
    });
  }

  async sendMessage(chatId: string, text: string, buttons: readonly InlineButton[] = []): Promise<void> {
    const body: Record<string, unknown> = { chat_id: chatId, text: clip(text) };
    if (buttons.length > 0) {
      body.reply_markup = {
        inline_keyboard: [buttons.map((button) => ({ text: button.text, callback_data: button.data }))],
      };
    }
    await this.call('sendMessage', body, this.timeoutMs);
  }

  /** Stops the button's spinner in the chat; `text` shows briefly over the chat. */
  async answerCallbackQuery(callbackId: string, text?: string): Promise<void> {
    await this.call(
      'answerCallbackQuery',
      { callback_query_id: callbackId, ...(text ? { text } : {}) },
      this.timeoutMs,
    );
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  private async call(
    method: string,
    body: unknown,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal?.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(stop, timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw new RetryableError('telegram_stopped', `${method}: stopped`);
      const why = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : networkReason(error);
      // No `cause`: undici's errors can carry the URL, and with it the token, into a logged stack.
      throw new TelegramRetryableError('telegram_network', `${method}: ${this.scrub(why)}`, undefined);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
    }
    const answer = TelegramAnswer.safeParse(parseJson(text));
    if (response.ok && answer.success && answer.data.ok) return answer.data.result;
    const description = answer.success ? (answer.data.description ?? '') : text.slice(0, 200);
    const message = `${method}: HTTP ${response.status}${description ? `: ${this.scrub(description)}` : ''}`;
    if (response.status === 429 || response.status >= 500) {
      const retryAfterS = answer.success ? answer.data.parameters?.retry_after : undefined;
      const retryAfterMs = retryAfterS === undefined ? undefined : Math.ceil(retryAfterS * 1000);
      throw new TelegramRetryableError(`telegram_http_${response.status}`, message, retryAfterMs);
    }
    throw new RejectedError(`telegram_http_${response.status}`, message);
  }
}

function chatUpdate(update: z.infer<typeof TelegramUpdate>): ChatUpdate {
  const updateId = update.update_id;
  const message = update.message;
  if (message?.text !== undefined) {
    return {
      updateId,
      kind: 'message',
      chatId: String(message.chat.id),
      text: message.text,
      from: who(message.from),
    };
  }
  const query = update.callback_query;
  if (query?.message !== undefined) {
    return {
      updateId,
      kind: 'button',
      chatId: String(query.message.chat.id),
      callbackId: query.id,
      data: query.data ?? '',
      from: who(query.from),
    };
  }
  return { updateId, kind: 'other' };
}

function who(user: z.infer<typeof TelegramUser> | undefined): string {
  if (!user) return 'unknown';
  return user.username ? `@${user.username}` : String(user.id);
}

function clip(text: string): string {
  return text.length <= TELEGRAM_MAX_TEXT ? text : `${text.slice(0, TELEGRAM_MAX_TEXT - 1)}…`;
}
