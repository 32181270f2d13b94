// A fake chat server on 127.0.0.1 for the alert sinks: Telegram's Bot API (sendMessage), Discord incoming
// webhooks and a generic webhook, each validating what the real service validates and answering in its
// shape. Scripted faults per API — any status (429 with Telegram's parameters.retry_after or Discord's
// retry_after), a reset, a request held and never answered — drive the sinks' real fetch in tests.
//
// For the Telegram control bot it also plays the other side of a chat: a queue of updates (messages and
// inline-button presses) handed out by getUpdates as Telegram does — long polling, at most `limit` per
// call, every update below the `offset` given confirmed and forgotten — answerCallbackQuery, and an
// outage (goOffline: connections cut and refused until goOnline, on the same port).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback, closeServer, readBody, sendJson } from './local-server.ts';

/** telegram: sendMessage; telegram_poll: getUpdates; telegram_callback: answerCallbackQuery. */
export type ChatApi = 'telegram' | 'telegram_poll' | 'telegram_callback' | 'discord' | 'webhook';

/** A chat's update as getUpdates hands it (Telegram's own shape). */
export interface FakeTelegramUpdate {
  update_id: number;
  message?: Record<string, unknown>;
  callback_query?: Record<string, unknown>;
  /** Any other kind (edited_message, channel_post, …). */
  [kind: string]: unknown;
}

/** Telegram's own cap on getUpdates' `limit`. */
export const FAKE_TELEGRAM_MAX_UPDATES = 100;

export type ChatReply =
  /** The service's normal answer (after its own validation). */
  | { kind: 'ok'; delayMs?: number }
  /**
   * That status in the API's error shape. For 429, `retryAfterS` goes where the service puts it: Telegram's
   * body `parameters.retry_after`, Discord's body `retry_after` plus a Retry-After header, the webhook's header.
   */
  | { kind: 'status'; status: number; retryAfterS?: number; message?: string }
  /** Destroy the socket without answering (a network error at the client). */
  | { kind: 'reset' }
  /** Never answer; the request stays open until the client aborts or the server closes. */
  | { kind: 'hang' };

export interface RecordedChatRequest {
  api: ChatApi;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  /** Telegram: the token in the path; Discord: the webhook token. */
  token: string | undefined;
  /** The status answered, once answered (undefined while held, or after a reset). */
  status: number | undefined;
  /** 0-based order of arrival over all APIs. */
  index: number;
}

export const FAKE_TELEGRAM_MAX_TEXT = 4096;
export const FAKE_DISCORD_MAX_CONTENT = 2000;

interface Waiter {
  done: () => boolean;
  resolve: () => void;
}

interface HeldPoll {
  offset: number | null;
  limit: number;
  answer: (updates: FakeTelegramUpdate[]) => void;
}

export class FakeChatServer {
  /** Every request received, in order, faulted ones included. */
  readonly requests: RecordedChatRequest[] = [];
  readonly origin: string;
  private readonly faults: Record<ChatApi, ChatReply[]> = {
    telegram: [],
    telegram_poll: [],
    telegram_callback: [],
    discord: [],
    webhook: [],
  };
  /** Updates not yet confirmed by an offset above them, oldest first. */
  private readonly updates: FakeTelegramUpdate[] = [];
  private readonly polls = new Set<HeldPoll>();
  private nextUpdateId = 500_000;
  private nextCallbackId = 1;
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private heldCount = 0;
  private port = 0;

  private constructor(
    private readonly server: Server,
    origin: string,
    /** When set, Telegram answers 401 Unauthorized to any other token, as for a revoked bot. */
    private readonly telegramToken: string | undefined,
  ) {
    this.origin = origin;
  }

  static async start(options: { telegramToken?: string } = {}): Promise<FakeChatServer> {
    const { server, url } = await listenOnLoopback();
    const fake = new FakeChatServer(server, url, options.telegramToken);
    server.on('request', (request, response) => {
      fake.handle(request, response).catch(() => response.destroy());
    });
    return fake;
  }

  /** Base URL for TelegramSink (it appends /bot{token}/sendMessage). */
  get telegramBaseUrl(): string {
    return this.origin;
  }

  discordWebhookUrl(id = '112233445566778899', token = 'discord-webhook-token-0123456789abcdef'): string {
    return `${this.origin}/api/webhooks/${id}/${token}`;
  }

  webhookUrl(path = '/hooks/sigil'): string {
    return `${this.origin}${path}`;
  }

  /** Queue replies for the next requests to `api`, consumed one per request (FIFO) before the normal answer. */
  fault(api: ChatApi, ...replies: ChatReply[]): void {
    this.faults[api].push(...replies);
  }

  requestsFor(api: ChatApi): RecordedChatRequest[] {
    return this.requests.filter((request) => request.api === api);
  }

  /** A text message from a chat, queued for getUpdates; returns its update_id. */
  queueMessage(chatId: number | string, text: string, fromId = Number(chatId)): number {
    const update_id = this.nextUpdateId++;
    this.pushUpdate({
      update_id,
      message: {
        message_id: update_id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private' },
        from: { id: fromId, is_bot: false, first_name: 'Operator', username: `user${fromId}` },
        text,
      },
    });
    return update_id;
  }

  /** A press of an inline button carrying `data`, under a message in the chat; returns its update_id. */
  queueButton(chatId: number | string, data: string, fromId = Number(chatId)): number {
    const update_id = this.nextUpdateId++;
    this.pushUpdate({
      update_id,
      callback_query: {
        id: String(this.nextCallbackId++),
        from: { id: fromId, is_bot: false, first_name: 'Operator' },
        chat_instance: '42',
        data,
        message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId) } },
      },
    });
    return update_id;
  }

  /** Any update (a kind the bot does not read, say); waiting long polls are answered at once. */
  pushUpdate(update: FakeTelegramUpdate): void {
    this.updates.push(update);
    for (const poll of this.polls) {
      const ready = this.pending(poll.offset, poll.limit);
      if (ready.length === 0) continue;
      this.polls.delete(poll);
      poll.answer(ready);
    }
  }

  /** Updates Telegram would still hand out: not yet confirmed by a getUpdates offset above them. */
  get unconfirmed(): number {
    return this.updates.length;
  }

  /** The texts sendMessage delivered (answered 200), in order, to one chat or all. */
  sentTexts(chatId?: number | string): string[] {
    return this.requestsFor('telegram')
      .filter((request) => request.status === 200 && isRecord(request.body))
      .filter(
        (request) =>
          chatId === undefined ||
          String((request.body as Record<string, unknown>).chat_id) === String(chatId),
      )
      .map((request) => String((request.body as Record<string, unknown>).text));
  }

  /** Cuts every connection and refuses new ones (ECONNREFUSED) until goOnline. */
  async goOffline(): Promise<void> {
    this.port = (this.server.address() as AddressInfo).port;
    this.polls.clear();
    await closeServer(this.server);
  }

  /** Listens again on the same port. */
  async goOnline(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Requests held open right now. */
  get held(): number {
    return this.heldCount;
  }

  /** Resolves once `count` requests (to `api`, if given) have been received; rejects after `timeoutMs`. */
  async waitForRequests(count: number, options: { api?: ChatApi; timeoutMs?: number } = {}): Promise<void> {
    const done = () =>
      (options.api === undefined ? this.requests : this.requestsFor(options.api)).length >= count;
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { done, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = options.api === undefined ? this.requests.length : this.requestsFor(options.api).length;
        reject(new Error(`fake chat: waited for ${count} ${options.api ?? ''} requests, got ${seen}`));
      }, options.timeoutMs ?? 2_000);
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.polls.clear();
    if (this.server.listening) await closeServer(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.origin).pathname;
    const route = routeOf(path);
    if (request.method !== 'POST' || route === undefined) {
      return sendJson(response, 404, { message: `fake chat has no ${request.method} ${path}` });
    }
    let text: string;
    try {
      text = await readBody(request);
    } catch {
      return; // the client went away mid-body
    }
    const recorded: RecordedChatRequest = {
      api: route.api,
      path,
      headers: { ...request.headers },
      body: parseJson(text),
      token: route.token,
      status: undefined,
      index: this.requests.length,
    };
    this.requests.push(recorded);
    for (const waiter of this.waiters) {
      if (!waiter.done()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
    const reply = this.faults[route.api].shift() ?? { kind: 'ok' };
    if (reply.kind === 'hang') {
      this.heldCount += 1;
      response.once('close', () => (this.heldCount -= 1));
      return;
    }
    if (reply.kind === 'reset') return void request.socket.resetAndDestroy();
    if (reply.kind === 'ok' && route.api === 'telegram_poll') return this.poll(recorded, response);
    const answer = reply.kind === 'status' ? statusAnswer(route.api, reply) : this.okAnswer(recorded);
    const delayMs = reply.kind === 'ok' ? (reply.delayMs ?? 0) : 0;
    const write = () => {
      if (response.writableEnded || response.destroyed) return;
      recorded.status = answer.status;
      sendJson(response, answer.status, answer.body, answer.headers);
    };
    if (delayMs <= 0) return write();
    const timer = setTimeout(() => (this.timers.delete(timer), write()), delayMs);
    this.timers.add(timer);
  }

  /**
   * getUpdates as Telegram answers it: the offset confirms (drops) every update below it; pending ones are
   * handed at once, up to `limit`; with none, the request is held up to `timeout` seconds for one.
   */
  private poll(request: RecordedChatRequest, response: ServerResponse): void {
    const body = isRecord(request.body) ? request.body : {};
    const reply = (status: number, answer: unknown) => {
      if (response.writableEnded || response.destroyed) return;
      request.status = status;
      sendJson(response, status, answer);
    };
    if (this.telegramToken !== undefined && request.token !== this.telegramToken) {
      const refused = telegramError(401, 'Unauthorized');
      return reply(refused.status, refused.body);
    }
    const offset = typeof body.offset === 'number' ? body.offset : null;
    const limit = Math.min(FAKE_TELEGRAM_MAX_UPDATES, typeof body.limit === 'number' ? body.limit : 100);
    const timeoutS = typeof body.timeout === 'number' ? body.timeout : 0;
    if (offset !== null) {
      while (this.updates.length > 0 && (this.updates[0]?.update_id ?? 0) < offset) this.updates.shift();
    }
    const ready = this.pending(offset, limit);
    if (ready.length > 0 || timeoutS <= 0) return reply(200, { ok: true, result: ready });
    const poll: HeldPoll = { offset, limit, answer: (updates) => finish(updates) };
    const timer = setTimeout(() => {
      this.polls.delete(poll);
      finish([]);
    }, timeoutS * 1000);
    const finish = (updates: FakeTelegramUpdate[]) => {
      clearTimeout(timer);
      this.timers.delete(timer);
      reply(200, { ok: true, result: updates });
    };
    this.timers.add(timer);
    this.polls.add(poll);
    response.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.polls.delete(poll);
    });
  }

  private pending(offset: number | null, limit: number): FakeTelegramUpdate[] {
    return this.updates.filter((update) => offset === null || update.update_id >= offset).slice(0, limit);
  }

  /** The service's answer to a request with no scripted fault, validating the body as the service does. */
  private okAnswer(request: RecordedChatRequest): Answer {
    const body = isRecord(request.body) ? request.body : {};
    if (request.api === 'telegram_callback') {
      if (this.telegramToken !== undefined && request.token !== this.telegramToken) {
        return telegramError(401, 'Unauthorized');
      }
      if (typeof body.callback_query_id !== 'string' || body.callback_query_id === '') {
        return telegramError(
          400,
          'Bad Request: query is too old and response timeout expired or query ID is invalid',
        );
      }
      return { status: 200, body: { ok: true, result: true } };
    }
    if (request.api === 'telegram') {
      if (this.telegramToken !== undefined && request.token !== this.telegramToken) {
        return telegramError(401, 'Unauthorized');
      }
      const keyboardProblem = inlineKeyboardProblem(body.reply_markup);
      if (keyboardProblem !== null) return telegramError(400, `Bad Request: ${keyboardProblem}`);
      if (body.chat_id === undefined || body.chat_id === '')
        return telegramError(400, 'Bad Request: chat_id is empty');
      if (typeof body.text !== 'string' || body.text.trim() === '') {
        return telegramError(400, 'Bad Request: message text is empty');
      }
      if (body.text.length > FAKE_TELEGRAM_MAX_TEXT)
        return telegramError(400, 'Bad Request: message is too long');
      if (
        body.parse_mode !== undefined &&
        !['HTML', 'Markdown', 'MarkdownV2'].includes(String(body.parse_mode))
      ) {
        return telegramError(400, 'Bad Request: unsupported parse_mode');
      }
      return {
        status: 200,
        body: {
          ok: true,
          result: {
            message_id: request.index + 1,
            chat: { id: body.chat_id },
            date: Math.floor(Date.now() / 1000),
            text: body.text,
          },
        },
      };
    }
    if (request.api === 'discord') {
      if (typeof body.content !== 'string' || body.content === '') {
        return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
      }
      if (body.content.length > FAKE_DISCORD_MAX_CONTENT) {
        return {
          status: 400,
          body: {
            message: 'Invalid Form Body',
            code: 50035,
            errors: {
              content: {
                _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }],
              },
            },
          },
        };
      }
      return { status: 204, body: undefined };
    }
    return { status: 200, body: { ok: true } };
  }
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const TELEGRAM_METHODS: Record<string, ChatApi> = {
  sendMessage: 'telegram',
  getUpdates: 'telegram_poll',
  answerCallbackQuery: 'telegram_callback',
};

function routeOf(path: string): { api: ChatApi; token: string | undefined } | undefined {
  const telegram = /^\/bot([^/]+)\/(\w+)$/.exec(path);
  const method = telegram ? TELEGRAM_METHODS[telegram[2] ?? ''] : undefined;
  if (telegram && method) return { api: method, token: decodeURIComponent(telegram[1] ?? '') };
  const discord = /^\/api\/webhooks\/(\d+)\/([^/]+)$/.exec(path);
  if (discord) return { api: 'discord', token: discord[2] };
  if (path.startsWith('/hooks/')) return { api: 'webhook', token: undefined };
  return undefined;
}

/** What Telegram says of a malformed reply_markup; null when it is absent or well formed. */
function inlineKeyboardProblem(markup: unknown): string | null {
  if (markup === undefined) return null;
  const rows = isRecord(markup) ? markup.inline_keyboard : undefined;
  if (!Array.isArray(rows) || !rows.every(Array.isArray))
    return "can't parse reply keyboard markup JSON object";
  for (const button of rows.flat() as unknown[]) {
    if (!isRecord(button) || typeof button.text !== 'string' || button.text === '')
      return 'text buttons are unallowed in the inline keyboard';
    if (typeof button.callback_data !== 'string' || Buffer.byteLength(button.callback_data) > 64)
      return 'BUTTON_DATA_INVALID';
  }
  return null;
}

function statusAnswer(api: ChatApi, reply: Extract<ChatReply, { kind: 'status' }>): Answer {
  const retry = reply.retryAfterS;
  const header = retry === undefined ? undefined : { 'retry-after': String(Math.ceil(retry)) };
  if (api === 'telegram' || api === 'telegram_poll' || api === 'telegram_callback') {
    const description =
      reply.message ??
      (reply.status === 429 ? `Too Many Requests: retry after ${retry ?? 1}` : `scripted ${reply.status}`);
    return telegramError(
      reply.status,
      description,
      reply.status === 429 ? { retry_after: retry ?? 1 } : undefined,
    );
  }
  if (api === 'discord') {
    if (reply.status === 429) {
      return {
        status: 429,
        body: {
          message: reply.message ?? 'You are being rate limited.',
          retry_after: retry ?? 1,
          global: false,
        },
        headers: { 'retry-after': String(Math.ceil(retry ?? 1)) },
      };
    }
    return { status: reply.status, body: { message: reply.message ?? `scripted ${reply.status}`, code: 0 } };
  }
  return {
    status: reply.status,
    body: { error: reply.message ?? `scripted ${reply.status}` },
    ...(header ? { headers: header } : {}),
  };
}

function telegramError(status: number, description: string, parameters?: Record<string, unknown>): Answer {
  return {
    status,
    body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
