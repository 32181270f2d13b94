// The Telegram control bot inside the real `sigil run --live`: started with the run, answering the
// allowed chat from the run's store, carrying out a confirmed halt, stopped by Ctrl-C with the run (exit
// 0); a token variable left unset stops the start as a configuration error (exit 2) before anything
// trades. The real binary, a fake Binance and a fake Telegram Bot API on 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { wallNow } from '../clock/system-clock.ts';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { FakeChatServer } from '../../test/support/fake-chat.ts';
import { FakeBinance, type FakeBar } from '../../test/support/fake-exchange.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const HOUR = 3_600_000;
const TOKEN = '777000:AAControlBotTokenOfTheCliTest0000';
const CHAT = 31337;

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function runLive(args: string[], cwd: string, env: Record<string, string>): Run {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.SIGIL_DB;
  delete childEnv.SIGIL_TELEGRAM_TOKEN;
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, [BIN, ...args, 'run', '--live', '--no-dashboard'], {
    cwd,
    env: childEnv,
    timeout: 60_000,
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  return { child, out: () => out, err: () => err, exited };
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sigil run --live with control.telegram', () => {
  const dir = tempDir('sigil-telegram-cli-');
  let exchange: FakeBinance;
  let chat: FakeChatServer;
  let config: string;
  const db = () => `sqlite:${join(dir.path, 'live.db')}`;

  before(async () => {
    exchange = await FakeBinance.start();
    const lastOpen = Math.floor(wallNow() / HOUR) * HOUR - HOUR;
    const bars: FakeBar[] = Array.from({ length: 150 }, (_, i) => ({
      time: lastOpen - (149 - i) * HOUR,
      ...{ open: 100, high: 101, low: 99, close: 100, volume: 1 },
    }));
    exchange.setBars('BTCUSDT', bars);
    chat = await FakeChatServer.start({ telegramToken: TOKEN });
    config = join(dir.path, 'live.yaml');
    writeFileSync(
      config,
      [
        'market:',
        '  symbols: [BTC/USDT]',
        '  timeframe: 1h',
        '  exchange: binance',
        `  exchange_url: ${exchange.baseUrl}`,
        '  warmup_bars: 100',
        'engine:',
        '  owner_lease_s: 3',
        'control:',
        '  telegram:',
        '    enabled: true',
        `    allowed_chat_ids: [${CHAT}]`,
        `    api_url: ${chat.telegramBaseUrl}`,
        '    poll_timeout_s: 1',
        'variants:',
        '  live: {}',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await chat.close();
    await exchange.close();
    dir.remove();
  });

  it('refuses to start with the token variable unset (exit 2), naming it, before anything trades', async () => {
    const run = runLive(['--config', config, '--db', db()], dir.path, {});
    const code = await run.exited;
    assert.equal(code, 2, `${run.out()}${run.err()}`);
    assert.match(
      run.err(),
      /control\.telegram\.token_env: the environment variable SIGIL_TELEGRAM_TOKEN is not set/,
    );
    assert.doesNotMatch(run.out(), /Trading/);
  });

  it('answers the allowed chat, closes by /exit, halts on a confirmed /halt, stops with the run on Ctrl-C', async () => {
    const seeded = await openStore(db(), { now: '2026-01-01T00:00:00Z' });
    await seeded.store.openPosition(
      longAt100('held', { variant: 'live', symbol: 'BTC/USDT', openedAt: wallNow() - 2 * HOUR }),
    );
    await seeded.store.close();
    const run = runLive(['--config', config, '--db', db()], dir.path, { SIGIL_TELEGRAM_TOKEN: TOKEN });
    await waitFor('the live start', () => /Warm-up: \d+ closed bar/.test(run.out()));
    chat.queueMessage(CHAT, '/status');
    await waitFor('the /status answer', () => chat.sentTexts(CHAT).length >= 1);
    assert.match(chat.sentTexts(CHAT)[0] ?? '', /^live: active · 1 open · 0 closed · P&L \+0\.00$/m);
    // Through the live bot's own force-exit, at its last close (100), as a manual exit by the chat.
    chat.queueMessage(CHAT, '/exit live BTC/USDT');
    chat.queueMessage(CHAT, '/exit live BTC/USDT');
    await waitFor('the exit', () => chat.sentTexts(CHAT).length >= 3);
    assert.match(chat.sentTexts(CHAT)[2] ?? '', /^live BTC\/USDT: closed at 100, P&L /);
    chat.queueMessage(CHAT, '/halt live');
    chat.queueMessage(CHAT, '/halt live');
    await waitFor('the halt', () => chat.sentTexts(CHAT).length >= 5);
    assert.match(chat.sentTexts(CHAT)[4] ?? '', /^live: halted/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, `${run.out()}${run.err()}`);
    assert.ok(!`${run.out()}${run.err()}`.includes(TOKEN), 'the token is printed nowhere');

    const { store } = await openStore(db(), { now: '2026-01-01T00:00:00Z' });
    try {
      const state = await store.tradingState(variantId('live'));
      assert.deepEqual([state.state, state.actor], ['halted', `telegram:${CHAT}`]);
      assert.equal(await store.controlOffset('telegram:777000'), 500_005);
      const [closed] = await store.closedPositions({ variantId: variantId('live') });
      assert.deepEqual(
        [closed?.exitReason, closed?.exitTag],
        ['manual', `telegram:${CHAT}: closed from Telegram`],
      );
    } finally {
      await store.close();
    }
  });
});
