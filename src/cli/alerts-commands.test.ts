// Alerts end to end, as an operator gets them: the real `sigil` binary with an `alerts` section pointing a
// Telegram and a Discord sink at the fake chat server. A short replay through the real engine sends its
// fills, closes with their P&L and a compliance refusal with the guard's reason; the probe sends a stale
// heartbeat and the kill switch it tripped; halt and reset are told too. No secret is ever printed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { money } from '../compliance/format.ts';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { FakeChatServer, type ChatApi } from '../../test/support/fake-chat.ts';
import { sigilAsync, type SigilRun } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const TOKEN = '555000111:AAHendToEndSecretTelegramBotToken';
const DISCORD_TOKEN = 'endToEndSecretDiscordWebhookToken0123456789';
const MIN = 60_000;

describe('alerts from sigil run, probe, halt and reset', () => {
  const dir = tempDir('sigil-alerts-cli-');
  const configFile = join(dir.path, 'sigil.yaml');
  let fake: FakeChatServer;
  let env: Record<string, string>;

  before(async () => {
    fake = await FakeChatServer.start({ telegramToken: TOKEN });
    env = {
      SIGIL_TEST_TELEGRAM_TOKEN: TOKEN,
      SIGIL_TEST_DISCORD_WEBHOOK: fake.discordWebhookUrl(undefined, DISCORD_TOKEN),
    };
    // A compliance limit of one open position makes the guard refuse an entry early in the replay.
    writeFileSync(
      configFile,
      `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  time_stop_hours: 24
compliance:
  max_open_positions: 1
alerts:
  rate_limit_per_minute: 1000
  sinks:
    - type: telegram
      token_env: SIGIL_TEST_TELEGRAM_TOKEN
      chat_id: -100200300
      api_url: ${fake.origin}
      min_severity: info
      kinds: [intent_executed, intent_rejected, position_closed, heartbeat_stale, kill_switch_tripped, kill_switch_reset]
    - type: discord
      webhook_url_env: SIGIL_TEST_DISCORD_WEBHOOK
`,
    );
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  /** Every run is checked for a printed secret: stdout, stderr, errors and all. */
  async function sigil(...args: string[]): Promise<SigilRun> {
    return withoutSecrets(await sigilAsync(['--config', configFile, ...args], dir.path, env));
  }

  function withoutSecrets(run: SigilRun): SigilRun {
    const printed = `${run.out}\n${run.err}`;
    for (const secret of [TOKEN, DISCORD_TOKEN, env.SIGIL_TEST_DISCORD_WEBHOOK ?? '']) {
      assert.ok(!printed.includes(secret), `a secret was printed: ${printed}`);
    }
    return run;
  }

  /** The messages one API received since `from`, as text. */
  function texts(api: ChatApi, from = 0): string[] {
    return fake
      .requestsFor(api)
      .filter((request) => request.index >= from)
      .map((request) => {
        const body = request.body as { text?: string; content?: string };
        return String(api === 'telegram' ? body.text : body.content);
      });
  }

  it('a replay sends its fills, its closes with their P&L and the guard’s reason for a refusal', async () => {
    const db = `sqlite:${join(dir.path, 'run.db')}`;
    const run = await sigil(
      '--db',
      db,
      'run',
      '--quiet',
      '--dashboard-port',
      '0',
      '--until',
      '2021-04-07T00:00:00Z',
    );
    assert.equal(run.code, 0, run.err);

    const { store } = await openStore(db, { now: '2021-04-07T00:00:00Z' });
    const positions = [...(await store.closedPositions()), ...(await store.openPositions())];
    const closed = await store.closedPositions();
    const rejected = await store.listIntents({ statuses: ['rejected'] });
    await store.close();
    assert.ok(closed.length >= 2 && positions.length >= 3, `the replay trades (${positions.length})`);
    assert.ok(rejected.length >= 1, 'the compliance limit refuses an entry');

    const telegram = texts('telegram');
    const opened = telegram.filter((text) => text.startsWith('ℹ️ INFO · Opened '));
    assert.equal(opened.length, positions.length, 'one alert per fill');
    for (const position of positions) {
      const alert = opened.find((text) => text.includes(`intent ${position.intentId}`));
      assert.ok(alert, `the fill of ${position.id}`);
      assert.match(alert, new RegExp(`^ℹ️ INFO · Opened ${position.symbol} ${position.side}\nfilled `));
      assert.match(alert, new RegExp(`at ${position.entryPrice}, stop \\d`));
    }
    const closes = telegram.filter((text) => text.startsWith('ℹ️ INFO · Closed '));
    assert.equal(closes.length, closed.length, 'one alert per close');
    for (const position of closed) {
      const alert = closes.find((text) => text.includes(`position ${position.id}`));
      assert.ok(alert, `the close of ${position.id}`);
      const pnl = position.pnl ?? Number.NaN;
      const shown = `${pnl > 0 ? '+' : ''}${money(pnl)}`;
      assert.ok(
        alert.includes(`P&L ${shown} (${position.exitReason})`) && alert.includes(`, P&L ${shown}\n`),
        alert,
      );
    }

    const [refusal] = rejected;
    assert.match(refusal?.statusReason ?? '', /^compliance: max_open_positions: /);
    for (const api of ['telegram', 'discord'] as const) {
      const alert = texts(api).find((text) => text.includes(`intent ${refusal?.id}`));
      assert.ok(alert, `${api} has the refusal`);
      assert.ok(
        alert.startsWith(`⚠️ WARNING · Entry refused: ${refusal?.symbol}\n${refusal?.statusReason}\n`),
      );
      assert.match(alert, /variant baseline · intent_rejected · 2021-04-/);
    }
    assert.deepEqual(
      texts('discord').filter((text) => !text.startsWith('⚠️ WARNING · Entry refused')),
      [],
      'discord (warnings and above by default) gets no fills or closes',
    );
  });

  it('the probe sends a stale heartbeat and the kill switch it tripped, once, and keeps its exit code', async () => {
    const db = `sqlite:${join(dir.path, 'probe.db')}`;
    const at = Date.UTC(2024, 4, 1, 12);
    const { store } = await openStore(db, { now: new Date(at - 120 * MIN).toISOString() });
    await store.recordScanStart(variantId('baseline'), at - 100 * MIN - 30_000);
    await store.recordScanEnd(variantId('baseline'), at - 100 * MIN, null);
    await store.close();
    const from = fake.requests.length;

    const probe = await sigil('--db', db, 'probe', '--at', new Date(at).toISOString());
    assert.equal(probe.code, 1, probe.err);
    assert.match(probe.out, /baseline: stale, no scan for 100 min .* → kill switch tripped/);
    for (const api of ['telegram', 'discord'] as const) {
      assert.deepEqual(
        texts(api, from).map((text) => text.split('\n').slice(0, 2).join('\n')),
        [
          '🚨 CRITICAL · Scanner heartbeat stale\nstale, no scan for 100 min (stale after 85 min)',
          '🚨 CRITICAL · Kill switch tripped\ndead-man: no scan for 100 min (by probe); no new entries until sigil reset',
        ],
        api,
      );
    }

    const again = fake.requests.length;
    const second = await sigil('--db', db, 'probe', '--at', new Date(at + 5 * MIN).toISOString());
    assert.equal(second.code, 1, 'still stale');
    assert.equal(fake.requests.length, again, 'an already halted variant is not paged again');
  });

  it('halt and reset are told to the chat', async () => {
    const db = `sqlite:${join(dir.path, 'switch.db')}`;
    assert.equal((await sigil('--db', db, 'migrate')).code, 0);
    const from = fake.requests.length;
    const halt = await sigil('--db', db, 'halt', 'baseline', '--reason', 'news at 14:30');
    assert.equal(halt.code, 0, halt.err);
    const reset = await sigil('--db', db, 'reset', 'baseline', '--reason', 'news passed');
    assert.equal(reset.code, 0, reset.err);
    assert.deepEqual(
      texts('telegram', from).map((text) => text.split('\n').slice(0, 2).join('\n')),
      [
        '🚨 CRITICAL · Kill switch tripped\nnews at 14:30 (by operator:cli); no new entries until sigil reset',
        '⚠️ WARNING · Kill switch reset\nhalted → active: news passed (by operator:cli)',
      ],
    );
  });

  it('an analyst-only process that crashes says so before it exits', async () => {
    const db = `sqlite:${join(dir.path, 'analysts.db')}`;
    const opened = await openStore(db, { now: '2021-04-01T00:00:00Z' });
    // A failure no back-off mends: the table the workers read first is gone.
    await opened.driver.execute('DROP TABLE scanner_heartbeat');
    await opened.store.close();
    const from = fake.requests.length;

    const run = await sigil('--db', db, 'run', '--roles', 'analyst', '--workers', '2');
    assert.notEqual(run.code, 0, 'the process ends with the error');
    assert.match(run.err, /no such table: scanner_heartbeat/);
    const crashes = texts('discord', from);
    assert.equal(crashes.length, 1, `one alert for two workers: ${crashes.join(' | ')}`);
    assert.match(
      crashes[0] ?? '',
      /^🚨 CRITICAL · Job [^ ]+:\d+:[0-9a-f]{6}:analyst-[12] failed\n.*no such table/,
    );
  });

  it('a missing secret stops the command with the variable’s name, printing no other secret', async () => {
    const missing = await sigilAsync(
      ['--config', configFile, '--db', `sqlite:${join(dir.path, 'x.db')}`, 'probe'],
      dir.path,
      { SIGIL_TEST_TELEGRAM_TOKEN: TOKEN },
    );
    assert.equal(missing.code, 2);
    assert.match(
      missing.err,
      /alerts.sinks.1.webhook_url_env: the environment variable SIGIL_TEST_DISCORD_WEBHOOK is not set/,
    );
    withoutSecrets(missing);
  });
});
