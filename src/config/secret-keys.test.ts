// Secrets written into the configuration, as a hurried operator would: a password in a URL, the key itself
// where its variable's name belongs. Each is refused with the key and the environment variable to use
// instead, and the message never holds the secret — these messages are printed, logged and pasted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

function problemsOf(text: string): string {
  try {
    parseConfig(text, 'sigil.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

/** The message names `key` and `variable` and holds no part of `secret`. */
function assertRefused(message: string, key: string, variable: RegExp, secret: string): void {
  const line = message.split('\n').find((l) => l.startsWith(`sigil.yaml: ${key}: `));
  assert.ok(line, `no problem for ${key} in:\n${message}`);
  assert.match(line, variable);
  assert.ok(!message.includes(secret), `"${secret}" quoted back in:\n${message}`);
}

describe('secrets in the configuration file', () => {
  it('refuses every URL-typed key carrying credentials, naming the variable to use instead', () => {
    const cases: { yaml: string; key: string; variable: RegExp; secret: string }[] = [
      {
        yaml: 'analyst:\n  kind: llm\n  base_url: http://llmuser:llmpass77@127.0.0.1:11434/v1\n',
        key: 'analyst.base_url',
        variable: /analyst\.api_key_env .*OPENAI_API_KEY/,
        secret: 'llmpass77',
      },
      {
        yaml: 'analyst:\n  kind: llm\n  base_url: https://api.example.com/v1?api_key=k3y-in-the-query\n',
        key: 'analyst.base_url',
        variable: /analyst\.api_key_env/,
        secret: 'k3y-in-the-query',
      },
      {
        yaml: 'analyst:\n  kind: http\n  url: http://svc:svcpass66@127.0.0.1:9000/decide\n',
        key: 'analyst.url',
        variable: /analyst\.token_env/,
        secret: 'svcpass66',
      },
      {
        yaml: 'broker:\n  kind: match_trader\n  url: https://me:brokerpass55@mtr.example.com\n',
        key: 'broker.url',
        variable: /broker\.mt_password_env/,
        secret: 'brokerpass55',
      },
      {
        yaml: 'market:\n  exchange_url: https://trader:mktpass99@testnet.example.com\n',
        key: 'market.exchange_url',
        variable: /broker\.api_key_env/,
        secret: 'mktpass99',
      },
      {
        yaml: 'alerts:\n  sinks:\n    - type: webhook\n      url_env: SIGIL_ALERT_URL\n      api_url: https://u:alertpass44@proxy.example.com\n',
        key: 'alerts.sinks.0.api_url',
        variable: /url_env/,
        secret: 'alertpass44',
      },
      {
        yaml: 'variants:\n  fast:\n    analyst: { base_url: "http://u:overlaypass33@127.0.0.1/v1" }\n',
        key: 'variants.fast.analyst.base_url',
        variable: /analyst\.api_key_env/,
        secret: 'overlaypass33',
      },
    ];
    for (const { yaml, key, variable, secret } of cases) {
      assertRefused(problemsOf(yaml), key, variable, secret);
    }
  });

  it('refuses a store URL with a password, a "/" in it included, naming SIGIL_DB and PGPASSWORD', () => {
    for (const [url, secret] of [
      ['postgres://postgres:hunter2secret@127.0.0.1:5432/sigil', 'hunter2secret'],
      ['postgresql://sigil:hunter/2secret@db.internal/sigil?schema=live', 'hunter/2secret'],
    ] as const) {
      const message = problemsOf(`store:\n  url: ${url}\n`);
      assertRefused(message, 'store.url', /SIGIL_DB.*PGPASSWORD/, secret);
      assert.ok(!message.includes('hunter'), message);
    }
    // A user without a password is no secret, and a SQLite path may hold "@" and ":".
    assert.equal(
      parseConfig('store:\n  url: postgres://sigil@db:5432/sigil\n', 'sigil.yaml').storeUrl,
      'postgres://sigil@db:5432/sigil',
    );
    assert.equal(
      parseConfig('store:\n  url: sqlite:/tmp/a:b@c.db\n', 'x.yaml').storeUrl,
      'sqlite:/tmp/a:b@c.db',
    );
  });

  it('refuses a secret written where its variable’s name belongs, without quoting it', () => {
    const cases: { yaml: string; key: string; variable: RegExp; secret: string }[] = [
      {
        yaml: 'analyst:\n  api_key_env: sk-proj-AbCdEf0123456789xyz\n',
        key: 'analyst.api_key_env',
        variable: /name of an environment variable \(e\.g\. OPENAI_API_KEY\), not its value/,
        secret: 'AbCdEf0123456789',
      },
      {
        yaml: 'broker:\n  secret_env: "s3cr3t/value+xyz"\n',
        key: 'broker.secret_env',
        variable: /SIGIL_EXCHANGE_SECRET/,
        secret: 's3cr3t',
      },
      {
        yaml: 'broker:\n  mt_password_env: hunter2-mt\n',
        key: 'broker.mt_password_env',
        variable: /SIGIL_MT_PASSWORD/,
        secret: 'hunter2-mt',
      },
      {
        yaml: 'analyst:\n  kind: http\n  url: http://127.0.0.1:9/\n  token_env: tok-literal-0123\n',
        key: 'analyst.token_env',
        variable: /SIGIL_ANALYST_TOKEN/,
        secret: 'tok-literal-0123',
      },
      {
        yaml: 'variants:\n  live:\n    broker: { api_key_env: "ab12-literal-key" }\n',
        key: 'variants.live.broker.api_key_env',
        variable: /SIGIL_EXCHANGE_API_KEY/,
        secret: 'ab12-literal-key',
      },
    ];
    for (const { yaml, key, variable, secret } of cases) {
      assertRefused(problemsOf(yaml), key, variable, secret);
    }
  });

  it('still quotes a harmless wrong value, redacted if it holds a secret shape', () => {
    assert.match(problemsOf('analyst:\n  base_url: not a url\n'), /analyst\.base_url: .*got "not a url"/);
    const bearer = problemsOf(
      'engine:\n  nonsense: 1\nmarket:\n  timeframe: "Bearer abcdefghijklmnopqrstuvwxyz"\n',
    );
    assert.ok(!bearer.includes('abcdefghijklmnopqrstuvwxyz'), bearer);
  });
});
