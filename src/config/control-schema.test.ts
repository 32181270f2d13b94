// The control section as an operator writes it: the Telegram bot off by default, its allow-list and
// token variable read, and the mistakes refused with the key — a bot enabled for no chat, a token pasted
// where its variable's name belongs (never quoted back), a URL carrying credentials, an unset variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTelegramControl } from '../app/telegram-control.ts';
import { SystemClock } from '../clock/system-clock.ts';
import { createLogger } from '../logging/logger.ts';
import { MemoryStore } from '../store/memory/memory-store.ts';
import { ConfigError } from './config-error.ts';
import { parseConfig } from './load-config.ts';

const TOKEN = '123456789:AAHliteralTelegramTokenInTheFile';

function problemsOf(text: string): string {
  try {
    parseConfig(text, 'sigil.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('control configuration', () => {
  it('leaves the Telegram bot off by default', () => {
    const config = parseConfig('{}', 'sigil.yaml');
    assert.deepEqual(config.control.telegram, {
      enabled: false,
      token_env: 'SIGIL_TELEGRAM_TOKEN',
      allowed_chat_ids: [],
      poll_timeout_s: 30,
    });
  });

  it('reads an enabled bot: chat ids as numbers or strings, its own token variable and API base', () => {
    const config = parseConfig(
      `control:
  telegram:
    enabled: true
    token_env: SIGIL_CONTROL_TOKEN
    allowed_chat_ids: [4242, "-1001234567890"]
    api_url: http://127.0.0.1:9000
    poll_timeout_s: 10
`,
      'sigil.yaml',
    );
    assert.deepEqual(config.control.telegram, {
      enabled: true,
      token_env: 'SIGIL_CONTROL_TOKEN',
      allowed_chat_ids: ['4242', '-1001234567890'],
      api_url: 'http://127.0.0.1:9000',
      poll_timeout_s: 10,
    });
  });

  it('refuses a bot enabled for no chat, a pasted token, a URL with credentials and a poll over 50 s', () => {
    assert.match(
      problemsOf('control: { telegram: { enabled: true } }'),
      /control\.telegram\.allowed_chat_ids: the bot is enabled but answers no chat/,
    );
    const pasted = problemsOf(`control: { telegram: { token_env: "${TOKEN}" } }`);
    assert.match(pasted, /control\.telegram\.token_env: expected the name of an environment variable/);
    assert.ok(!pasted.includes(TOKEN), 'the token is not quoted back');
    assert.match(
      problemsOf('control: { telegram: { api_url: "https://user:pw@proxy.example" } }'),
      /control\.telegram\.api_url: must not carry credentials/,
    );
    assert.match(
      problemsOf('control: { telegram: { poll_timeout_s: 60 } }'),
      /control\.telegram\.poll_timeout_s/,
    );
    assert.match(
      problemsOf('control: { telegram: { allowed_chat_ids: ["@me"] } }'),
      /expected a numeric chat id/,
    );
    assert.match(problemsOf('control: { slack: {} }'), /control\.slack: unknown key/);
  });

  it('starts no bot when disabled, and refuses to start one whose token variable is unset', async () => {
    const store = new MemoryStore();
    const wiring = {
      store,
      variants: [],
      clock: new SystemClock(),
      log: createLogger({ level: 'silent', format: 'json', stream: { write: () => undefined }, env: {} }),
      exit: null,
      env: {},
    };
    assert.equal(startTelegramControl(parseConfig('{}', 'sigil.yaml'), wiring), null);
    const enabled = parseConfig(
      'control: { telegram: { enabled: true, allowed_chat_ids: [1] } }',
      'sigil.yaml',
    );
    assert.throws(
      () => startTelegramControl(enabled, wiring),
      (error: unknown) =>
        error instanceof ConfigError &&
        /control\.telegram\.token_env: the environment variable SIGIL_TELEGRAM_TOKEN is not set/.test(
          error.message,
        ),
    );
    await store.close();
  });
});
