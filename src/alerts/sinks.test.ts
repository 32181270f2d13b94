// The three alert sinks against the fake chat server with the real fetch: each wire format, the mapping of
// answers to domain error kinds (with Retry-After), timeouts, and that no secret reaches an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RejectedError, RetryableError } from '../domain/errors.ts';
import type { Alert, AlertSink } from '../domain/ports/alert-sink.ts';
import { FakeChatServer, type ChatApi } from '../../test/support/fake-chat.ts';
import { AlertRetryableError } from './delivery-error.ts';
import { DiscordSink } from './discord-sink.ts';
import { TelegramSink } from './telegram-sink.ts';
import { WebhookSink } from './webhook-sink.ts';

const TOKEN = '123456789:AAHsecretTelegramBotTokenValue_xyz';
const DISCORD_TOKEN = 'discordSecretWebhookTokenValue0123456789';
const HOOK_PATH = '/hooks/sigil-secret-path-0123456789abcdef';
const BEARER = 'Bearer webhook-secret-bearer-value';
const QUERY_TOKEN = 'qtok7c1e9a4b2d8f6e0a';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    kind: 'intent_rejected',
    severity: 'warning',
    variantId: 'v1',
    title: 'Intent rejected: EURUSD long',
    text: 'guard max_open_positions: 3 open, limit 3',
    at: Date.UTC(2026, 0, 5, 12),
    key: 'intent_rejected:i-1',
    ...overrides,
  };
}

describe('alert sinks', () => {
  let fake: FakeChatServer;
  let telegram: TelegramSink;
  let discord: DiscordSink;
  let webhook: WebhookSink;
  const sinks = (): [ChatApi, AlertSink][] => [
    ['telegram', telegram],
    ['discord', discord],
    ['webhook', webhook],
  ];

  before(async () => {
    fake = await FakeChatServer.start({ telegramToken: TOKEN });
    telegram = new TelegramSink({
      token: TOKEN,
      chatId: '-100200300',
      baseUrl: fake.telegramBaseUrl,
      timeoutMs: 5_000,
    });
    discord = new DiscordSink({
      webhookUrl: fake.discordWebhookUrl(undefined, DISCORD_TOKEN),
      timeoutMs: 5_000,
    });
    webhook = new WebhookSink({
      url: fake.webhookUrl(HOOK_PATH),
      headers: { authorization: BEARER },
      timeoutMs: 5_000,
    });
  });
  after(() => fake.close());

  /** The error a send throws; fails the test if it resolves. */
  async function failure(sink: AlertSink, sent: Alert = alert()): Promise<Error> {
    try {
      await sink.send(sent);
    } catch (error) {
      assert.ok(error instanceof Error);
      return error;
    }
    assert.fail(`${sink.name} accepted the alert`);
  }

  function assertNoSecret(error: Error): void {
    const everything = `${String(error)} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error.cause ?? '')}`;
    for (const secret of [TOKEN, DISCORD_TOKEN, HOOK_PATH, BEARER, 'webhook-secret-bearer-value']) {
      assert.ok(!everything.includes(secret), `"${secret}" leaked into: ${everything}`);
    }
  }

  it('Telegram: POSTs chat_id and plain text to /bot{token}/sendMessage', async () => {
    await telegram.send(alert());
    const request = fake.requestsFor('telegram').at(-1);
    assert.equal(request?.token, TOKEN);
    assert.equal(request?.status, 200);
    assert.match(String(request?.headers['content-type']), /application\/json/);
    const body = request?.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['chat_id', 'text']);
    assert.equal(body.chat_id, '-100200300');
    assert.match(String(body.text), /WARNING · Intent rejected: EURUSD long/);
    assert.match(String(body.text), /guard max_open_positions: 3 open, limit 3/);
    assert.match(String(body.text), /variant v1 · intent_rejected · 2026-01-05T12:00:00.000Z/);
  });

  it('Telegram: a text over 4096 characters is cut so Telegram still takes it', async () => {
    await telegram.send(alert({ text: 'x'.repeat(10_000) }));
    const text = String((fake.requestsFor('telegram').at(-1)?.body as Record<string, unknown>).text);
    assert.equal(text.length, 4096);
    assert.ok(text.endsWith('…'));
  });

  it('Discord: POSTs {content} to the webhook, truncated at 2000 characters, with mentions disabled', async () => {
    await discord.send(alert());
    let request = fake.requestsFor('discord').at(-1);
    assert.equal(request?.status, 204);
    assert.equal(request?.token, DISCORD_TOKEN);
    let body = request?.body as Record<string, unknown>;
    assert.match(String(body.content), /Intent rejected: EURUSD long\nguard max_open_positions/);
    assert.deepEqual(body.allowed_mentions, { parse: [] });

    await discord.send(alert({ text: '@everyone '.repeat(500) }));
    request = fake.requestsFor('discord').at(-1);
    body = request?.body as Record<string, unknown>;
    assert.equal(request?.status, 204, 'the fake refuses content over 2000 like Discord does');
    assert.equal(String(body.content).length, 2000);
    assert.ok(String(body.content).endsWith('…'));
  });

  it('webhook: POSTs the alert as JSON with the configured headers', async () => {
    const sent = alert({ variantId: null, kind: 'heartbeat_stale', severity: 'critical' });
    await webhook.send(sent);
    const request = fake.requestsFor('webhook').at(-1);
    assert.equal(request?.path, HOOK_PATH);
    assert.equal(request?.headers.authorization, BEARER);
    assert.deepEqual(request?.body, sent);
  });

  it('429 is retryable and carries the wait each service asks for', async () => {
    fake.fault('telegram', { kind: 'status', status: 429, retryAfterS: 3 });
    fake.fault('discord', { kind: 'status', status: 429, retryAfterS: 1.5 });
    fake.fault('webhook', { kind: 'status', status: 429, retryAfterS: 2 });
    const waits: Record<string, number> = { telegram: 3000, discord: 1500, webhook: 2000 };
    for (const [api, sink] of sinks()) {
      const error = await failure(sink);
      assert.ok(error instanceof AlertRetryableError, `${api}: ${String(error)}`);
      assert.equal(error.kind, 'retryable');
      assert.equal(error.code, 'alert_rate_limited');
      assert.equal(error.retryAfterMs, waits[api], api);
      assert.match(error.message, new RegExp(`^${api}: HTTP 429`));
      assertNoSecret(error);
    }
  });

  it('5xx, a reset connection and a refused connection are retryable; 4xx is rejected', async () => {
    for (const [api, sink] of sinks()) {
      fake.fault(api, { kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'status', status: 403 });
      const server = await failure(sink);
      assert.ok(server instanceof RetryableError && server.code === 'alert_server_error', String(server));
      const reset = await failure(sink);
      assert.ok(reset instanceof RetryableError && reset.code === 'alert_network', String(reset));
      const refused = await failure(sink);
      assert.ok(refused instanceof RejectedError && refused.code === 'alert_http_403', String(refused));
      for (const error of [server, reset, refused]) assertNoSecret(error);
    }
    const closed = await FakeChatServer.start();
    const url = closed.webhookUrl(HOOK_PATH);
    await closed.close();
    const down = await failure(new WebhookSink({ url, timeoutMs: 1000 }));
    assert.ok(down instanceof RetryableError && down.code === 'alert_network', String(down));
    assert.match(down.message, /ECONNREFUSED/);
    assertNoSecret(down);
  });

  it('a request held unanswered fails retryable at the timeout', async () => {
    // Short timeouts for this case only: a cold first fetch on a loaded CI machine can take longer.
    const impatient: [ChatApi, AlertSink][] = [
      [
        'telegram',
        new TelegramSink({ token: TOKEN, chatId: '1', baseUrl: fake.telegramBaseUrl, timeoutMs: 300 }),
      ],
      [
        'discord',
        new DiscordSink({ webhookUrl: fake.discordWebhookUrl(undefined, DISCORD_TOKEN), timeoutMs: 300 }),
      ],
      ['webhook', new WebhookSink({ url: fake.webhookUrl(HOOK_PATH), timeoutMs: 300 })],
    ];
    for (const [api, sink] of impatient) {
      fake.fault(api, { kind: 'hang' });
      const started = performance.now();
      const error = await failure(sink);
      const elapsed = performance.now() - started;
      assert.ok(error instanceof RetryableError && error.code === 'alert_timeout', String(error));
      assert.ok(elapsed >= 250 && elapsed < 2000, `${api} timed out after ${elapsed} ms`);
      assertNoSecret(error);
    }
  });

  it('a wrong Telegram token is rejected, and neither token nor URL appears even when the answer echoes them', async () => {
    const wrong = new TelegramSink({ token: `${TOKEN}0`, chatId: '1', baseUrl: fake.telegramBaseUrl });
    const unauthorized = await failure(wrong);
    assert.ok(unauthorized instanceof RejectedError && unauthorized.code === 'alert_http_401');
    assert.match(unauthorized.message, /^telegram: HTTP 401: .*Unauthorized/);
    assert.ok(!unauthorized.message.includes(TOKEN));

    fake.fault('telegram', { kind: 'status', status: 400, message: `bad token ${TOKEN}` });
    fake.fault('discord', {
      kind: 'status',
      status: 404,
      message: `no webhook at ${fake.discordWebhookUrl(undefined, DISCORD_TOKEN)}`,
    });
    fake.fault('webhook', { kind: 'status', status: 500, message: `upstream ${HOOK_PATH} said ${BEARER}` });
    for (const [, sink] of sinks()) {
      const error = await failure(sink);
      assert.match(error.message, /\[redacted\]/);
      assertNoSecret(error);
    }
    // The receiver quotes the URL back in a long body (cut at 200 characters, in the middle of the token),
    // with its slashes JSON-escaped, or only the query value it did not like: none of it may survive.
    const signed = new WebhookSink({
      url: fake.webhookUrl(`${HOOK_PATH}?token=${QUERY_TOKEN}`),
      timeoutMs: 5_000,
    });
    const url = fake.webhookUrl(`${HOOK_PATH}?token=${QUERY_TOKEN}`);
    const echoes = [
      // The body is {"error":"…"}: 10 characters before the message; the cut falls in the secret path.
      `${'x'.repeat(200 - 10 - 14 - fake.webhookUrl('/hooks/sigil-secret-pa').length)} unknown hook ${url}`,
      `unknown hook ${url.replaceAll('/', '\\/')}`,
      `bad value ${QUERY_TOKEN} for the query`,
    ];
    for (const message of echoes) {
      fake.fault('webhook', { kind: 'status', status: 400, message });
      const error = await failure(signed);
      assertNoSecret(error);
      const everything = `${String(error)} ${error.stack ?? ''}`;
      for (const part of [
        QUERY_TOKEN,
        QUERY_TOKEN.slice(0, 8),
        'sigil-secret-path',
        HOOK_PATH.slice(0, 12),
      ]) {
        assert.ok(!everything.includes(part), `"${part}" leaked into: ${everything}`);
      }
    }
    const unparsable = await failure(new DiscordSink({ webhookUrl: `not a url/${DISCORD_TOKEN}` }));
    assert.ok(unparsable instanceof RejectedError && unparsable.code === 'alert_bad_url', String(unparsable));
    assertNoSecret(unparsable);
  });
});
