// The alerts and api sections as an operator writes them: sinks with their environment variable names,
// defaults filled in, and the mistakes refused with the file, the key and what to write instead — a
// secret written into the file above all, without the secret appearing in the message (no value of the
// alerts section is quoted back in an error).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

const TOKEN = '123456789:AAHliteralTelegramTokenInTheFile';
const WEBHOOK = 'https://discord.com/api/webhooks/1122/literalDiscordWebhookToken';

function problemsOf(text: string): string {
  try {
    parseConfig(text, 'sigil.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('alerts and api configuration', () => {
  it('reads the sinks and fills in their defaults', () => {
    const config = parseConfig(
      `
alerts:
  dedup_minutes: 30
  sinks:
    - type: telegram
      token_env: SIGIL_TELEGRAM_TOKEN
      chat_id: -1001234567890
      min_severity: info
    - type: discord
      name: trades
      webhook_url_env: SIGIL_DISCORD_WEBHOOK
      kinds: [intent_executed, position_closed]
    - type: webhook
      url_env: SIGIL_ALERT_URL
      api_url: http://127.0.0.1:9000
api:
  port: 0
`,
      'sigil.yaml',
    );
    assert.deepEqual(config.alerts, {
      dedup_minutes: 30,
      rate_limit_per_minute: 20,
      max_retries: 5,
      sinks: [
        {
          type: 'telegram',
          token_env: 'SIGIL_TELEGRAM_TOKEN',
          chat_id: '-1001234567890',
          min_severity: 'info',
        },
        {
          type: 'discord',
          name: 'trades',
          webhook_url_env: 'SIGIL_DISCORD_WEBHOOK',
          kinds: ['intent_executed', 'position_closed'],
          min_severity: 'warning',
        },
        {
          type: 'webhook',
          url_env: 'SIGIL_ALERT_URL',
          api_url: 'http://127.0.0.1:9000',
          min_severity: 'warning',
        },
      ],
    });
    assert.deepEqual(config.api, { enabled: true, host: '127.0.0.1', port: 0, allow_remote: false });
  });

  it('refuses a secret written into the file, names the key to use, and does not repeat the secret', () => {
    const telegram = problemsOf(
      `alerts:\n  sinks:\n    - type: telegram\n      token_env: T\n      chat_id: '1'\n      token: '${TOKEN}'\n`,
    );
    assert.equal(
      telegram,
      'sigil.yaml: alerts.sinks.0.token: a secret never goes in the config file: put it in an environment variable and give its name in token_env',
    );
    const discord = problemsOf(
      `alerts:\n  sinks:\n    - type: discord\n      webhook_url_env: D\n      webhook_url: ${WEBHOOK}\n`,
    );
    assert.match(
      discord,
      /^sigil.yaml: alerts.sinks.0.webhook_url: a secret never goes .* in webhook_url_env$/,
    );
    const webhook = problemsOf(
      `alerts:\n  sinks:\n    - type: webhook\n      url_env: W\n      url: ${WEBHOOK}\n`,
    );
    assert.match(webhook, /alerts.sinks.0.url: .* give its name in url_env$/);
    // A secret under a key nobody foresaw is still refused (as unknown); one pasted where the variable's
    // name goes, or in a sink of a mistyped type, or as a sink, is refused without being quoted.
    const unknown = problemsOf(
      `alerts:\n  sinks:\n    - type: telegram\n      token_env: T\n      chat_id: '1'\n      secret: '${TOKEN}'\n`,
    );
    assert.equal(unknown, 'sigil.yaml: alerts.sinks.0.secret: unknown key');
    const inPlaceOfName = problemsOf(
      `alerts:\n  sinks:\n    - type: telegram\n      token_env: '${TOKEN}'\n      chat_id: '1'\n`,
    );
    assert.match(
      inPlaceOfName,
      /^sigil.yaml: alerts.sinks.0.token_env: expected the name of an environment variable/,
    );
    const mistyped = problemsOf(`alerts:\n  sinks:\n    - type: telegramm\n      token: '${TOKEN}'\n`);
    assert.match(mistyped, /^sigil.yaml: alerts.sinks.0.type: .*'telegram' \| 'discord' \| 'webhook'$/);
    const asSink = problemsOf(`alerts:\n  sinks:\n    - ${WEBHOOK}\n`);
    assert.match(asSink, /^sigil.yaml: alerts.sinks.0: .*object/);
    for (const message of [telegram, discord, webhook, inPlaceOfName, mistyped, asSink]) {
      assert.ok(!message.includes(TOKEN) && !message.includes('literalDiscordWebhookToken'), message);
    }
  });

  it('names the key and the expected value of every other mistake', () => {
    assert.match(
      problemsOf('alerts:\n  sinks:\n    - type: slack\n'),
      /^sigil.yaml: alerts.sinks.0.type: .*'telegram' \| 'discord' \| 'webhook'/,
    );
    assert.match(
      problemsOf('alerts:\n  sinks:\n    - type: telegram\n      chat_id: 1\n'),
      /^sigil.yaml: alerts.sinks.0.token_env: expected string/,
    );
    assert.match(
      problemsOf('alerts:\n  sinks:\n    - type: discord\n      webhook_url_env: https://discord.com/x\n'),
      /alerts.sinks.0.webhook_url_env: expected the name of an environment variable/,
    );
    assert.match(
      problemsOf(
        'alerts:\n  sinks:\n    - { type: webhook, url_env: A }\n    - { type: webhook, url_env: B }\n',
      ),
      /^sigil.yaml: alerts.sinks.1.name: two sinks are named "webhook": give each its own name$/,
    );
    assert.match(
      problemsOf('alerts:\n  sinks:\n    - { type: webhook, url_env: A, min_severity: loud }\n'),
      /alerts.sinks.0.min_severity: .*"info"\|"warning"\|"critical"$/,
    );
    assert.match(
      problemsOf('alerts:\n  sinks:\n    - { type: webhook, url_env: A, kinds: [trade_opened] }\n'),
      /alerts.sinks.0.kinds.0: .*"intent_executed".*"worker_crashed"/,
    );
    assert.match(
      problemsOf('alerts:\n  rate_limit_per_minute: 0\n'),
      /^sigil.yaml: alerts.rate_limit_per_minute: .*>=1$/,
    );
    assert.match(problemsOf('api:\n  port: 70000\n'), /^sigil.yaml: api.port: .*<=65535.*, got 70000$/);
    assert.equal(problemsOf('api:\n  tls: true\n'), 'sigil.yaml: api.tls: unknown key');
  });
});
