// The alert dispatcher with real sinks against the fake chat server and time from a SimClock: routing by
// kind and severity, dedup, a storm cut to the rate limit plus one summary, retries that honour
// Retry-After, giving up, a held request that blocks neither notify() nor the other sinks, and flush.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { SimClock } from '../clock/sim-clock.ts';
import { RejectedError, RetryableError } from '../domain/errors.ts';
import type { Alert } from '../domain/ports/alert-sink.ts';
import { FakeChatServer } from '../../test/support/fake-chat.ts';
import { AlertDispatcher, type AlertDispatcherConfig } from './alert-dispatcher.ts';
import { DiscordSink } from './discord-sink.ts';
import { TelegramSink } from './telegram-sink.ts';
import { WebhookSink } from './webhook-sink.ts';

const T0 = Date.UTC(2026, 0, 5, 12);
const MINUTE = 60_000;

let keys = 0;
function alert(overrides: Partial<Alert> = {}): Alert {
  keys += 1;
  return {
    kind: 'intent_created',
    severity: 'info',
    variantId: 'v1',
    title: 'Intent created',
    text: 'EURUSD long',
    at: T0,
    key: `alert-${keys}`,
    ...overrides,
  };
}

/** Polls `condition` on real time: delivery runs on real sockets even when the clock is simulated. */
async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('alert dispatcher', () => {
  let fake: FakeChatServer;
  let clock: SimClock;
  const dispatchers: AlertDispatcher[] = [];

  before(async () => {
    fake = await FakeChatServer.start();
  });
  afterEach(async () => {
    // Whatever a test left queued or held must not spill into the next one's request log.
    await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.flush(0)));
    fake.requests.length = 0;
  });
  after(() => fake.close());

  const telegram = () =>
    new TelegramSink({
      token: '42:test-token',
      chatId: '7',
      baseUrl: fake.telegramBaseUrl,
      timeoutMs: 5_000,
    });
  const discord = () => new DiscordSink({ webhookUrl: fake.discordWebhookUrl(), timeoutMs: 5_000 });
  const webhook = () => new WebhookSink({ url: fake.webhookUrl(), timeoutMs: 5_000 });

  function dispatcher(
    config: AlertDispatcherConfig,
    onDropped?: (sink: string, alert: Alert, error: unknown) => void,
  ): AlertDispatcher {
    clock = new SimClock(T0);
    const created = new AlertDispatcher(config, { clock, ...(onDropped ? { onDropped } : {}) });
    dispatchers.push(created);
    return created;
  }

  it('routes each alert by kind and by each sink’s minimum severity', async () => {
    const alerts = dispatcher({
      sinks: [
        { sink: telegram(), minSeverity: 'warning' },
        { sink: discord(), minSeverity: 'info', kinds: ['kill_switch_tripped', 'kill_switch_reset'] },
        { sink: webhook(), minSeverity: 'info' },
      ],
    });
    alerts.notify(alert({ kind: 'intent_created', severity: 'info', title: 'created' }));
    alerts.notify(alert({ kind: 'intent_rejected', severity: 'warning', title: 'rejected' }));
    alerts.notify(alert({ kind: 'kill_switch_tripped', severity: 'critical', title: 'tripped' }));
    alerts.notify(alert({ kind: 'kill_switch_reset', severity: 'info', title: 'reset' }));
    assert.equal(await alerts.flush(2_000), true);

    const titles = (api: 'telegram' | 'discord' | 'webhook') =>
      fake.requestsFor(api).map((request) => {
        const body = request.body as Record<string, unknown>;
        return api === 'webhook'
          ? body.title
          : String(body.text ?? body.content)
              .split('\n')[0]
              ?.split(' · ')[1];
      });
    assert.deepEqual(titles('telegram'), ['rejected', 'tripped']);
    assert.deepEqual(titles('discord'), ['tripped', 'reset']);
    assert.deepEqual(titles('webhook'), ['created', 'rejected', 'tripped', 'reset']);
    assert.deepEqual(alerts.stats(), { sent: 8, deduplicated: 0, suppressed: 0, failed: 0 });
  });

  it('sends the same key once per dedup window', async () => {
    const alerts = dispatcher({ sinks: [{ sink: webhook(), minSeverity: 'info' }] });
    const stale = { kind: 'heartbeat_stale', severity: 'critical', key: 'heartbeat_stale:v1' } as const;
    alerts.notify(alert(stale));
    clock.advanceBy(5 * MINUTE);
    alerts.notify(alert(stale));
    clock.advanceBy(5 * MINUTE - 1);
    alerts.notify(alert(stale));
    assert.equal(await alerts.flush(2_000), true);
    assert.equal(fake.requestsFor('webhook').length, 1);

    clock.advanceBy(1); // ten minutes after the first: a new window
    alerts.notify(alert(stale));
    assert.equal(await alerts.flush(2_000), true);
    assert.equal(fake.requestsFor('webhook').length, 2);
    assert.deepEqual(alerts.stats(), { sent: 2, deduplicated: 2, suppressed: 0, failed: 0 });
  });

  it('turns a storm of 100 alerts into the rate limit plus one summary when the window ends', async () => {
    const alerts = dispatcher({ sinks: [{ sink: telegram(), minSeverity: 'info' }] });
    for (let i = 0; i < 100; i += 1) {
      alerts.notify(
        i < 70
          ? alert({ kind: 'intent_rejected', severity: 'warning' })
          : alert({ kind: 'intent_failed', severity: i === 99 ? 'critical' : 'warning' }),
      );
    }
    await fake.waitForRequests(20, { api: 'telegram' });
    await pause(100);
    assert.equal(fake.requestsFor('telegram').length, 20, 'nothing beyond the limit inside the window');
    assert.equal(alerts.stats().suppressed, 80);

    clock.advanceBy(MINUTE - 1);
    await pause(50);
    assert.equal(fake.requestsFor('telegram').length, 20, 'no summary before the window ends');
    clock.advanceBy(1);
    await fake.waitForRequests(21, { api: 'telegram' });
    assert.equal(await alerts.flush(2_000), true);
    const summary = String((fake.requestsFor('telegram')[20]?.body as Record<string, unknown>).text);
    assert.match(
      summary,
      /^🚨 CRITICAL · 80 more alerts suppressed\n80 more alerts suppressed: 50 intent_rejected, 30 intent_failed\n/,
    );
    assert.equal(fake.requestsFor('telegram').length, 21);
    assert.deepEqual(alerts.stats(), { sent: 21, deduplicated: 0, suppressed: 80, failed: 0 });

    // The next window starts fresh.
    alerts.notify(alert());
    assert.equal(await alerts.flush(2_000), true);
    assert.equal(fake.requestsFor('telegram').length, 22);
  });

  it('flush sends a pending suppression summary at once', async () => {
    const alerts = dispatcher({
      sinks: [{ sink: webhook(), minSeverity: 'info' }],
      rateLimit: { max: 2, windowMs: MINUTE },
    });
    for (let i = 0; i < 5; i += 1) alerts.notify(alert({ kind: 'worker_crashed', severity: 'critical' }));
    assert.equal(await alerts.flush(2_000), true);
    const bodies = fake.requestsFor('webhook').map((request) => request.body as Alert);
    assert.equal(bodies.length, 3);
    assert.equal(bodies[2]?.kind, 'alerts_suppressed');
    assert.equal(bodies[2]?.text, '3 more alerts suppressed: 3 worker_crashed');
    assert.equal(clock.pendingTimers(), 0, 'the window-end timer is cancelled');
  });

  it('retries after a 429 no sooner than Telegram’s retry_after', async () => {
    const alerts = dispatcher({ sinks: [{ sink: telegram(), minSeverity: 'info' }] });
    fake.fault('telegram', { kind: 'status', status: 429, retryAfterS: 3 });
    alerts.notify(alert());
    await until(() => clock.pendingTimers() === 1, 'the retry sleep');
    assert.equal(fake.requestsFor('telegram')[0]?.status, 429);

    clock.advanceBy(2_999);
    await pause(50);
    assert.equal(fake.requestsFor('telegram').length, 1);
    clock.advanceBy(1);
    await fake.waitForRequests(2, { api: 'telegram' });
    assert.equal(await alerts.flush(2_000), true);
    assert.equal(fake.requestsFor('telegram')[1]?.status, 200);
    assert.deepEqual(alerts.stats(), { sent: 1, deduplicated: 0, suppressed: 0, failed: 0 });
  });

  it('backs off exponentially, gives up after maxRetries and does not retry a rejection', async () => {
    const dropped: unknown[] = [];
    const alerts = dispatcher(
      {
        sinks: [{ sink: webhook(), minSeverity: 'info' }],
        maxRetries: 2,
        backoff: { baseDelayMs: 1_000, maxDelayMs: 60_000 },
      },
      (_sink, _alert, error) => dropped.push(error),
    );
    fake.fault('webhook', ...Array.from({ length: 3 }, () => ({ kind: 'status', status: 502 }) as const));
    alerts.notify(alert());
    for (const [retry, wait] of [1_000, 2_000].entries()) {
      await until(() => clock.pendingTimers() === 1, `retry sleep ${retry}`);
      clock.advanceBy(wait - 1);
      await pause(30);
      assert.equal(
        fake.requestsFor('webhook').length,
        retry + 1,
        `waits ${wait} ms before retry ${retry + 1}`,
      );
      clock.advanceBy(1);
      await fake.waitForRequests(retry + 2, { api: 'webhook' });
    }
    await until(() => alerts.stats().failed === 1, 'the drop');
    assert.equal(fake.requestsFor('webhook').length, 3);
    assert.ok(dropped[0] instanceof RetryableError);

    fake.fault('webhook', { kind: 'status', status: 422 });
    alerts.notify(alert());
    assert.equal(await alerts.flush(2_000), true);
    assert.equal(fake.requestsFor('webhook').length, 4);
    assert.ok(dropped[1] instanceof RejectedError);
    assert.deepEqual(alerts.stats(), { sent: 0, deduplicated: 0, suppressed: 0, failed: 2 });
  });

  it('a held request blocks neither notify() nor the other sinks; flush gives up at its deadline', async () => {
    const alerts = dispatcher({
      sinks: [
        { sink: webhook(), minSeverity: 'info' },
        { sink: discord(), minSeverity: 'info' },
      ],
    });
    fake.fault('webhook', { kind: 'hang' });
    alerts.notify(alert({ title: 'first' }));
    await until(() => fake.held === 1, 'the held request');

    const started = performance.now();
    const returned: unknown = alerts.notify(alert({ title: 'second' }));
    const elapsed = performance.now() - started;
    assert.equal(returned, undefined, 'notify returns nothing to await');
    assert.ok(elapsed < 20, `notify took ${elapsed} ms`);

    await fake.waitForRequests(2, { api: 'discord' });
    assert.equal(fake.requestsFor('webhook').length, 1, 'the second webhook alert waits behind the held one');

    const flushStarted = performance.now();
    assert.equal(await alerts.flush(150), false);
    const flushElapsed = performance.now() - flushStarted;
    assert.ok(flushElapsed >= 140 && flushElapsed < 1_000, `flush took ${flushElapsed} ms`);
    const stats = alerts.stats();
    assert.equal(stats.sent, 2);
    assert.equal(
      stats.failed,
      1,
      'the queued alert is dropped at the deadline; the held one is still in flight',
    );
  });

  it('refuses a config with two sinks of the same name', () => {
    assert.throws(
      () =>
        dispatcher({
          sinks: [
            { sink: webhook(), minSeverity: 'info' },
            { sink: webhook(), minSeverity: 'info' },
          ],
        }),
      /two sinks are named "webhook"/,
    );
  });
});
