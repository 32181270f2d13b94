// The dispatcher built from the alerts section and an environment: sinks reach the fake chat server with
// the secrets from the environment, routing follows min_severity and kinds, and a missing or malformed
// variable stops the start naming the variable, never quoting its value.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SystemClock } from '../clock/system-clock.ts';
import { ConfigError } from '../config/config-error.ts';
import { parseConfig } from '../config/load-config.ts';
import { intentId, positionId, variantId } from '../domain/ids.ts';
import { FakeChatServer } from '../../test/support/fake-chat.ts';
import { alertEvents, alertsFor, crashEvents } from './alerts-for.ts';

const AT = Date.UTC(2024, 4, 1, 12);
const TOKEN = '987654321:AAHalertsForSecretTelegramToken';
const DISCORD_TOKEN = 'alertsForSecretDiscordWebhookToken0123';

describe('alerts from the configuration', () => {
  let fake: FakeChatServer;
  before(async () => {
    fake = await FakeChatServer.start({ telegramToken: TOKEN });
  });
  after(() => fake.close());

  const config = (sinks: string) => parseConfig(`alerts:\n  sinks:\n${sinks}`, 'sigil.yaml');
  const clock = new SystemClock();

  it('has no dispatcher when no sink is configured', () => {
    assert.equal(alertsFor(parseConfig('', 'sigil.yaml'), { clock, env: {} }), null);
    alertEvents(null, [
      { type: 'kill_switch_tripped', at: AT, variantId: variantId('a'), actor: 'x', why: 'y' },
    ]);
  });

  it('sends through each sink the alerts its severity and kinds let through', async () => {
    const alerts = alertsFor(
      config(
        `    - { type: telegram, token_env: TG, chat_id: -100200, api_url: '${fake.origin}' }\n` +
          `    - { type: discord, webhook_url_env: DC, min_severity: info, kinds: [intent_executed] }\n`,
      ),
      // Telegram is pointed at the fake by api_url; Discord's variable holds the fake's webhook URL itself.
      { clock, env: { TG: TOKEN, DC: fake.discordWebhookUrl(undefined, DISCORD_TOKEN) } },
    );
    assert.ok(alerts);
    alertEvents(alerts, [
      {
        type: 'intent_executed',
        at: AT,
        variantId: variantId('baseline'),
        intentId: intentId('it_1'),
        positionId: positionId('it_1:position'),
        symbol: 'BTCUSDT',
        side: 'long',
        price: 100,
        qty: 1,
        stop: 97,
      },
      ...crashEvents({ type: 'job_failed', job: 'janitor', at: AT, error: new Error('database is locked') }),
      ...crashEvents({ type: 'job_finished', job: 'janitor', at: AT, durationMs: 3 }),
    ]);
    assert.equal(await alerts.flush(5_000), true);
    const telegram = fake.requestsFor('telegram');
    const discord = fake.requestsFor('discord');
    assert.deepEqual(
      telegram.map((r) => String((r.body as { text: string }).text).split('\n')[0]),
      ['🚨 CRITICAL · Job janitor failed'],
      'telegram takes warnings and above (its default)',
    );
    assert.equal((telegram[0]?.body as { chat_id: string }).chat_id, '-100200');
    assert.deepEqual(
      discord.map((r) => String((r.body as { content: string }).content).split('\n')[0]),
      ['ℹ️ INFO · Opened BTCUSDT long'],
      'discord takes only executed intents, info included',
    );
    assert.deepEqual(alerts.stats(), { sent: 2, deduplicated: 0, suppressed: 0, failed: 0 });
  });

  it("moves a webhook URL's path and token to api_url's origin", async () => {
    const earlier = fake.requestsFor('webhook').length;
    const alerts = alertsFor(
      config(`    - { type: webhook, url_env: HOOK, api_url: '${fake.origin}', min_severity: info }\n`),
      { clock, env: { HOOK: 'https://alerts.example.com/hooks/sigil-team?key=abc' } },
    );
    alertEvents(alerts, [
      { type: 'kill_switch_tripped', at: AT, variantId: variantId('baseline'), actor: 'api', why: 'test' },
    ]);
    assert.equal(await alerts?.flush(5_000), true);
    const [request] = fake.requestsFor('webhook').slice(earlier);
    assert.equal(request?.path, '/hooks/sigil-team');
    assert.equal((request?.body as { kind: string }).kind, 'kill_switch_tripped');
  });

  it('refuses to start without a secret, naming the variable and never quoting a value', () => {
    const problem = (sinks: string, env: Record<string, string>) => {
      try {
        alertsFor(config(sinks), { clock, env });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      assert.fail('expected a ConfigError');
    };
    assert.equal(
      problem(`    - { type: telegram, token_env: SIGIL_TG_TOKEN, chat_id: '1' }\n`, {}),
      'sigil.yaml: alerts.sinks.0.token_env: the environment variable SIGIL_TG_TOKEN is not set (secrets never go in the config file)',
    );
    assert.match(
      problem(`    - { type: webhook, url_env: A }\n    - { type: discord, webhook_url_env: D }\n`, {
        A: 'https://example.com/hook',
      }),
      /^sigil.yaml: alerts.sinks.1.webhook_url_env: the environment variable D is not set/,
    );
    const notUrl = problem(`    - { type: discord, webhook_url_env: D }\n`, { D: DISCORD_TOKEN });
    assert.match(notUrl, /alerts.sinks.0.webhook_url_env: the environment variable D does not hold a URL/);
    assert.ok(!notUrl.includes(DISCORD_TOKEN));
  });
});
