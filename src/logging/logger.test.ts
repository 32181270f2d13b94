// The process logger into memory: JSON records carry their context fields, pretty text is for people,
// and no secret — a bot token in an error, an API key field, a database password — reaches a line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forIntent, forJob, forVariant, forWorker } from './log-context.ts';
import { createLogger, type LoggerOptions } from './logger.ts';

const TIME = Date.UTC(2026, 0, 5, 12);
const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const API_KEY = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const DB_PASSWORD = 'hunter2-correct-horse';

function memoryLogger(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({
    level: 'info',
    format: 'json',
    stream: { write: (text: string) => lines.push(text) },
    env: {},
    // A fixed time: tests never read the wall clock.
    timestamp: () => `,"time":${TIME}`,
    ...options,
  });
  return {
    log,
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logger: JSON lines', () => {
  it('writes one record per line with level, time, message and the context fields', () => {
    const { log, text, records } = memoryLogger();
    forVariant(log, 'baseline').warn('paused by the daily_loss rule');
    forIntent(forWorker(log, 'analysts-7:analyst-1'), {
      intentId: 'int-42',
      variantId: 'moderate',
      symbol: 'BTCUSDT',
    }).info('decided');
    forJob(log, 'janitor').error({ attempt: 2 }, 'job failed');
    log.debug('below the level: not written');

    assert.equal(text().split('\n').length, 4, 'three lines, each ending in a newline');
    const [paused, decided, failed] = records();
    assert.deepEqual(
      { level: paused?.level, time: paused?.time, msg: paused?.msg, variant: paused?.variant },
      { level: 40, time: TIME, msg: 'paused by the daily_loss rule', variant: 'baseline' },
    );
    assert.deepEqual(
      [decided?.worker, decided?.variant, decided?.intent, decided?.symbol, decided?.level],
      ['analysts-7:analyst-1', 'moderate', 'int-42', 'BTCUSDT', 30],
    );
    assert.deepEqual([failed?.job, failed?.attempt, failed?.level], ['janitor', 2, 50]);
  });

  it('serializes an error with its stack under err, and takes the message from it', () => {
    const { log, records } = memoryLogger();
    log.error(new Error('store unavailable'));
    const [record] = records();
    const err = record?.err as { type: string; message: string; stack: string };
    assert.equal(record?.msg, 'store unavailable');
    assert.equal(err.type, 'Error');
    assert.match(err.stack, /^Error: store unavailable\n\s+at /);
  });
});

describe('logger: secrets', () => {
  it('never writes a bot token from an error, an API key field or a database password', () => {
    const { log, text, records } = memoryLogger();
    const failure = new Error(`POST https://api.telegram.org/bot${BOT_TOKEN}/sendMessage: fetch failed`, {
      cause: new Error(`connect ECONNREFUSED for bot${BOT_TOKEN}`),
    });
    log.error({ err: failure }, `alert not delivered: ${failure.message}`);
    log.info(
      {
        apiKey: API_KEY,
        broker: { api_key: API_KEY, headers: { authorization: `Bearer ${API_KEY}` } },
        store: `postgres://sigil:${DB_PASSWORD}@db.internal:5432/sigil?schema=live`,
      },
      `connecting to postgres://sigil:${DB_PASSWORD}@db.internal:5432/sigil`,
    );

    for (const secret of [BOT_TOKEN, API_KEY, DB_PASSWORD]) {
      assert.ok(!text().includes(secret), `${secret} leaked:\n${text()}`);
    }
    const [alert, connecting] = records();
    assert.match(String(alert?.msg), /api\.telegram\.org\/bot\[redacted\]\/sendMessage/);
    assert.equal(connecting?.apiKey, '[redacted]');
    assert.deepEqual(connecting?.broker, { api_key: '[redacted]', headers: { authorization: '[redacted]' } });
    assert.equal(connecting?.store, 'postgres://sigil:***@db.internal:5432/sigil?schema=live');
    assert.equal(connecting?.msg, 'connecting to postgres://sigil:***@db.internal:5432/sigil');
  });

  it('scrubs the values of secret-named environment variables wherever they appear', () => {
    const secret = 'x9-exchange-secret-value';
    const { log, text } = memoryLogger({ env: { SIGIL_EXCHANGE_SECRET: secret, HOME: '/home/sigil' } });
    log.warn({ detail: { quoted: `the exchange said: bad key ${secret}` } }, `refused ${secret}`);
    assert.ok(!text().includes(secret), text());
    assert.match(text(), /"msg":"refused \[redacted\]"/);
  });

  it('knows a secret set after it was made (commands read .env later)', () => {
    const env: NodeJS.ProcessEnv = {};
    const { log, text } = memoryLogger({ env });
    env.OPENAI_API_KEY = 'sk-late-0123456789abcdef';
    log.info('calling with sk-late-0123456789abcdef');
    assert.ok(!text().includes('sk-late'), text());
  });

  it('leaves the caller’s objects untouched', () => {
    const { log } = memoryLogger();
    const fields = { apiKey: API_KEY, nested: { note: `bot${BOT_TOKEN}` } };
    const error = new Error(`bot${BOT_TOKEN}`);
    log.error({ ...fields, err: error }, 'x');
    assert.equal(fields.apiKey, API_KEY);
    assert.equal(fields.nested.note, `bot${BOT_TOKEN}`);
    assert.equal(error.message, `bot${BOT_TOKEN}`);
  });
});

describe('logger: pretty', () => {
  it('writes human text, context first, without JSON braces', () => {
    const { log, text } = memoryLogger({ format: 'pretty', colorize: false });
    forIntent(log, { intentId: 'int-42', variantId: 'baseline', symbol: 'ETHUSDT' }).warn(
      { apiKey: API_KEY, attempt: 2 },
      'failed: analyst timed out',
    );
    const out = text();
    assert.match(out, /WARN.*: \[variant=baseline intent=int-42 symbol=ETHUSDT\] failed: analyst timed out/);
    assert.ok(!out.includes('{') && !out.includes('}'), out);
    assert.match(out, /attempt: 2/);
    assert.ok(!out.includes(API_KEY), out);
    assert.ok(out.endsWith('\n'));
  });

  it('shows an error’s stack only when asked (--verbose)', () => {
    const quiet = memoryLogger({ format: 'pretty', colorize: false });
    quiet.log.error({ err: new Error('boom') }, 'job failed: boom');
    assert.doesNotMatch(quiet.text(), /\n\s+at /);
    const verbose = memoryLogger({ format: 'pretty', colorize: false, errorStacks: true });
    verbose.log.error({ err: new Error('boom') }, 'job failed: boom');
    assert.match(verbose.text(), /\n\s+at /);
  });
});
