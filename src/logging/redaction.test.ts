// The one redaction of every error message, log line and stored decision: each secret shape it knows,
// the secrets the environment holds (by name, or named by the configuration), and what it leaves alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsIn, redactSecrets, rememberSecretVariables, withoutCredentials } from './redaction.ts';

const NO_ENV: NodeJS.ProcessEnv = {};

describe('redactSecrets', () => {
  it('strips the secret shapes: URL passwords, token users, secret query values, bearer, sk- and bot tokens', () => {
    const cases: [string, string][] = [
      ['postgres://postgres:hunter2secret@db:5432/x failed', 'hunter2secret'],
      ['postgres://sigil:pa/ss@word@db:5432/x failed', 'pa/ss@word'],
      ['GET https://ghp0123456789abcdefghijklmn@github.com/x', 'ghp0123456789abcdefghijklmn'],
      ['GET https://api.example.com/v1/quotes?symbol=BTC&key=k3y0f-the-user', 'k3y0f-the-user'],
      ['GET https://api.example.com/v1?api_key=abcd1234&x=1', 'abcd1234'],
      ['POST /hook?access_token=tok-0123456789 said 401', 'tok-0123456789'],
      ['sent https://x.example/h?password=opensesame1', 'opensesame1'],
      ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOiJIUzI1NiJ9'],
      ['Incorrect API key provided: sk-proj-AbCdEf0123456789xyzXYZ', 'sk-proj-AbCdEf0123456789xyzXYZ'],
      ['anthropic key sk-ant-api03-abcdefghijklmnop0123 refused', 'sk-ant-api03-abcdefghijklmnop0123'],
      ['https://api.telegram.org/bot123456789:AAHsecretTelegramBotTokenValue_xyz/sendMessage', 'AAHsecret'],
    ];
    for (const [text, secret] of cases) {
      const redacted = redactSecrets(text, [], NO_ENV);
      assert.ok(!redacted.includes(secret), `"${secret}" survived in: ${redacted}`);
    }
    assert.equal(
      redactSecrets('cannot reach postgres://sigil:hunter2secret@db:5432/x', [], NO_ENV),
      'cannot reach postgres://sigil:***@db:5432/x',
    );
  });

  it("redacts the environment's secrets: secret-named variables, and those the configuration names", () => {
    const env = {
      SIGIL_EXCHANGE_SECRET: 'exchange-secret-value',
      SIGIL_ALERT_URL: 'https://hooks.example/a1b2c3',
    };
    const text = 'refused exchange-secret-value; posting to https://hooks.example/a1b2c3 failed';
    const before = redactSecrets(text, [], env);
    assert.ok(!before.includes('exchange-secret-value'));
    // SIGIL_ALERT_URL has no secret shape in its name: it is a secret once the configuration names it.
    assert.ok(before.includes('a1b2c3'));
    rememberSecretVariables(['SIGIL_ALERT_URL']);
    assert.ok(!redactSecrets(text, [], env).includes('a1b2c3'));
  });

  it('redacts known secrets as written, URL-encoded and JSON-escaped, before any pattern cuts into them', () => {
    const secret = 'https://hooks.example/services/T1/B2/s3cr3t?token=tok99';
    for (const form of [secret, encodeURIComponent(secret), secret.replaceAll('/', '\\/')]) {
      const redacted = redactSecrets(`echo ${form} end`, [secret], NO_ENV);
      assert.equal(redacted, 'echo [redacted] end');
    }
  });

  it('leaves what is no secret: key paths of configuration errors, plain URLs, short words', () => {
    const messages = [
      'sigil.yaml: alerts.sinks.0.token: a secret never goes in the config file',
      'sigil.yaml: analyst.api_key_env: expected the name of an environment variable',
      'connecting to http://127.0.0.1:11434/v1?api-version=2024-02-01',
      'postgres://sigil@db:5432/sigil',
    ];
    for (const message of messages) assert.equal(redactSecrets(message, ['abc'], NO_ENV), message);
  });
});

describe('URLs and their credentials', () => {
  it('says what credential a URL carries, or null', () => {
    assert.equal(credentialsIn('http://127.0.0.1:11434/v1'), null);
    assert.equal(credentialsIn('https://x.openai.azure.com/openai?api-version=2024-02-01'), null);
    assert.match(credentialsIn('http://u:p@127.0.0.1/v1') ?? '', /user or password/);
    assert.match(credentialsIn('http://token0123@127.0.0.1/v1') ?? '', /user or password/);
    assert.match(credentialsIn('https://x.example/v1?key=abc') ?? '', /query \(key=…\)/);
  });

  it('records a URL without its credentials, and returns any other one unchanged', () => {
    assert.equal(withoutCredentials('http://127.0.0.1:11434/v1'), 'http://127.0.0.1:11434/v1');
    assert.equal(withoutCredentials('http://127.0.0.1:11434'), 'http://127.0.0.1:11434');
    assert.equal(
      withoutCredentials('http://user:llmpass77@127.0.0.1:11434/v1?api_key=k&v=2'),
      'http://127.0.0.1:11434/v1?v=2',
    );
  });
});
