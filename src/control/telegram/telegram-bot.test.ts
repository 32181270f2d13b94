// The control bot against a fake Telegram Bot API on 127.0.0.1 and a real SQLite store: who it answers,
// in what order, how it confirms a change, how it rides out a lost connection, and that a restart never
// runs again a command it already answered.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { SystemClock } from '../../clock/system-clock.ts';
import { variantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import type { TradingEvent } from '../../domain/trading-event.ts';
import { createLogger } from '../../logging/logger.ts';
import { resetTradingState } from '../../risk/kill-switch.ts';
import { openStore } from '../../store/open-store.ts';
import { FakeChatServer } from '../../../test/support/fake-chat.ts';
import { fillStore, T0 } from '../../../test/support/filled-store.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { EXIT_UNAVAILABLE, type ExitFunction } from './change-actions.ts';
import { startTelegramBot, type TelegramBot, type TelegramBotDeps } from './telegram-bot.ts';
import { TelegramClient } from './telegram-client.ts';

const TOKEN = '123456:AAFakeTokenForTheControlBotTests00';
const CHAT = 4242;
const STRANGER = 999;
const STORE_NOW = T0 + 5.5 * 3_600_000;
const BASELINE = variantId('baseline');
const LLM = variantId('llm');

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('telegram control bot', () => {
  const dir = tempDir('sigil-telegram-bot-');
  let n = 0;
  let fake: FakeChatServer;
  let store: Store;
  let url: string;
  let lines: string[];
  let events: TradingEvent[];
  const bots: TelegramBot[] = [];

  function start(overrides: Partial<TelegramBotDeps> = {}): TelegramBot {
    const log = createLogger({
      level: 'info',
      format: 'json',
      stream: { write: (text: string) => lines.push(text) },
      env: {},
    });
    const bot = startTelegramBot({
      client: new TelegramClient({ token: TOKEN, baseUrl: fake.telegramBaseUrl, timeoutMs: 2_000 }),
      store,
      variants: [
        { id: BASELINE, startingBalance: 10_000 },
        { id: LLM, startingBalance: 5_000 },
      ],
      allowedChatIds: [String(CHAT)],
      pollTimeoutS: 1,
      clock: new SystemClock(),
      storeNow: async () => STORE_NOW,
      exit: null,
      log,
      onEvents: (told) => events.push(...told),
      backoff: { baseMs: 20, maxMs: 200 },
      ...overrides,
    });
    bots.push(bot);
    return bot;
  }
  const sent = () => fake.sentTexts(CHAT);
  const answered = (count: number) => waitFor(`${count} answer(s)`, () => sent().length >= count);
  const log = () => lines.join('');

  beforeEach(async () => {
    fake = await FakeChatServer.start({ telegramToken: TOKEN });
    url = `sqlite:${join(dir.path, `bot-${++n}.db`)}`;
    ({ store } = await openStore(url, { now: '2026-01-05T12:00:00Z' }));
    await fillStore(store);
    lines = [];
    events = [];
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((bot) => bot.stop()));
    await store.close();
    await fake.close();
  });
  after(() => dir.remove());

  it('answers a read from an allowed chat, from the store', async () => {
    start();
    fake.queueMessage(CHAT, '/positions');
    await answered(1);
    assert.match(sent()[0] ?? '', /^baseline EURUSD long 1 @ 100 · stop 98\.5 \(trailed from 97\)/m);
  });

  it('ignores a chat not on the allow-list — no answer, nothing changed — and logs it', async () => {
    start();
    fake.queueMessage(STRANGER, '/halt baseline');
    fake.queueMessage(STRANGER, '/halt baseline');
    fake.queueButton(STRANGER, 'confirm:000000000000');
    fake.queueMessage(CHAT, '/status');
    await answered(1);
    assert.deepEqual(fake.sentTexts(STRANGER), []);
    assert.equal(fake.requestsFor('telegram').length, 1, 'one answer only, to the allowed chat');
    assert.equal(fake.requestsFor('telegram_callback').length, 0);
    assert.equal((await store.tradingState(BASELINE)).state, 'active');
    const ignored = log()
      .split('\n')
      .filter((line) => line.includes('not on control.telegram.allowed_chat_ids'));
    assert.equal(ignored.length, 3);
    assert.match(ignored[0] ?? '', /"chat":"999"/);
    assert.match(sent()[0] ?? '', /baseline: active/);
  });

  it('answers a flood of 200 updates, all in order, in batches of at most 100', async () => {
    start();
    for (let i = 1; i <= 200; i++) fake.queueMessage(CHAT, `/profit ${i}`);
    await waitFor('200 answers', () => sent().length >= 200, 30_000);
    sent().forEach((text, i) =>
      assert.match(text, new RegExp(`^Realised P&L, the last ${i + 1} day\\(s\\)$`, 'm')),
    );
    // Two batches of 100: the second poll confirms the first hundred, the third the second (it may
    // still be on its way when the last answer is seen).
    await waitFor('the third poll', () => fake.requestsFor('telegram_poll').length >= 3, 10_000);
    const offsets = fake.requestsFor('telegram_poll').map((p) => (p.body as { offset?: number }).offset);
    assert.deepEqual(offsets.slice(0, 3), [undefined, 500_100, 500_200]);
    assert.equal(await store.controlOffset('telegram:123456'), 500_200, 'the offset follows the last update');
  });

  it('asks before a change; the Confirm button carries it out, once, by the chat as actor', async () => {
    start();
    fake.queueMessage(CHAT, '/stopentries baseline');
    await answered(1);
    assert.match(
      sent()[0] ?? '',
      /^Stop entries of baseline\? .*\nPress Confirm, or send the same command again within 60 s\.$/,
    );
    assert.equal(
      (await store.tradingState(BASELINE)).state,
      'active',
      'nothing changed before the confirmation',
    );
    const question = fake.requestsFor('telegram').at(-1)?.body as {
      reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] };
    };
    const [confirm, cancel] = question.reply_markup.inline_keyboard[0] ?? [];
    assert.deepEqual([confirm?.text, cancel?.text], ['Confirm', 'Cancel']);
    fake.queueButton(CHAT, confirm?.callback_data ?? '');
    await answered(2);
    assert.match(sent()[1] ?? '', /^baseline: reducing — open positions are managed, nothing new opens$/);
    const state = await store.tradingState(BASELINE);
    assert.deepEqual(
      [state.state, state.actor, state.changedAt],
      ['reducing', `telegram:${CHAT}`, STORE_NOW],
    );
    assert.equal((fake.requestsFor('telegram_callback')[0]?.body as { text: string }).text, 'Confirmed');
    // The same button again: used up, nothing runs twice.
    fake.queueButton(CHAT, confirm?.callback_data ?? '');
    await answered(3);
    assert.match(sent()[2] ?? '', /expired or was used already/);
    assert.equal((await store.tradingStateChanges(BASELINE)).length, 1);
  });

  it('takes the same command repeated within the window as the confirmation, and tells the alert sinks', async () => {
    start();
    fake.queueMessage(CHAT, '/halt baseline');
    await answered(1);
    fake.queueMessage(CHAT, '/halt baseline');
    await answered(2);
    assert.match(sent()[1] ?? '', /^baseline: halted \(kill switch: from Telegram by telegram:4242\)$/);
    assert.equal((await store.tradingState(BASELINE)).actor, `telegram:${CHAT}`);
    assert.deepEqual(
      events.map((e) => [e.type, e.variantId]),
      [['kill_switch_tripped', BASELINE]],
    );
    fake.queueMessage(CHAT, '/reset llm');
    fake.queueMessage(CHAT, '/reset llm');
    await answered(4);
    assert.equal(sent()[3], 'llm: halted → active');
    assert.equal(events.at(-1)?.type, 'kill_switch_reset');
  });

  it('asks again when the repeat comes after the window, and Cancel drops a change', async () => {
    start({ confirmWindowMs: 150 });
    fake.queueMessage(CHAT, '/halt baseline');
    await answered(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    fake.queueMessage(CHAT, '/halt baseline');
    await answered(2);
    assert.match(sent()[1] ?? '', /^Halt baseline\?/);
    const question = fake.requestsFor('telegram').at(-1)?.body as {
      reply_markup: { inline_keyboard: { callback_data: string }[][] };
    };
    fake.queueButton(CHAT, question.reply_markup.inline_keyboard[0]?.[1]?.callback_data ?? '');
    await answered(3);
    assert.equal(sent()[2], 'Cancelled: /halt baseline');
    assert.equal((await store.tradingState(BASELINE)).state, 'active');
  });

  it('/exit goes through the injected force-exit after confirmation; without one, says it is not available', async () => {
    start();
    fake.queueMessage(CHAT, '/exit baseline EURUSD');
    fake.queueMessage(CHAT, '/exit baseline EURUSD');
    await answered(2);
    assert.equal(sent()[1], EXIT_UNAVAILABLE);
    await bots.splice(0)[0]?.stop();

    const calls: string[][] = [];
    const exit: ExitFunction = async (variant, symbol, actor) => {
      calls.push([variant, symbol, actor]);
      return `${variant} ${symbol}: closed at market`;
    };
    start({ exit });
    fake.queueMessage(CHAT, '/exit baseline all');
    fake.queueMessage(CHAT, '/exit baseline all');
    await answered(4);
    assert.equal(sent()[3], 'baseline all: closed at market');
    assert.deepEqual(calls, [['baseline', 'all', `telegram:${CHAT}`]]);
  });

  it('backs off while Telegram cannot be reached, and answers what came meanwhile once it can', async () => {
    start();
    fake.queueMessage(CHAT, '/status');
    await answered(1);
    await fake.goOffline();
    await waitFor('three failed polls', () => (log().match(/polling again in/g) ?? []).length >= 3);
    fake.queueMessage(CHAT, '/balance');
    await fake.goOnline();
    await answered(2);
    assert.match(sent()[1] ?? '', /^Balances/);
    assert.match(log(), /ECONNREFUSED/);
    assert.match(log(), /reached Telegram again after \d+ failure\(s\)/);
    assert.ok(!log().includes(TOKEN), 'the token is in no log line');
  });

  it('waits out a 429 on an answer and delivers it', async () => {
    start();
    fake.fault('telegram', { kind: 'status', status: 429, retryAfterS: 0.05 });
    fake.queueMessage(CHAT, '/locks');
    await answered(1);
    assert.match(sent()[0] ?? '', /^Locks in force \(1\)/);
    assert.equal(fake.requestsFor('telegram').length, 2);
  });

  it('never runs again, after a restart, a command it answered before', async () => {
    // Both in one batch; the poll after it never reaches Telegram's bookkeeping (held, then cut by the
    // stop), so Telegram still holds both updates as unconfirmed — as after a crash.
    fake.queueMessage(CHAT, '/halt baseline');
    const halt = fake.queueMessage(CHAT, '/halt baseline');
    fake.fault('telegram_poll', { kind: 'ok' }, { kind: 'hang' });
    start();
    await answered(2);
    assert.match(sent()[1] ?? '', /^baseline: halted/);
    await waitFor('the held poll', () => fake.held === 1);
    await bots.splice(0)[0]?.stop();
    assert.equal(fake.unconfirmed, 2, 'Telegram would hand both again');

    await resetTradingState(store, { variantId: BASELINE, actor: 'operator:cli' }, STORE_NOW);
    await store.close();
    ({ store } = await openStore(url, { now: '2026-01-05T12:00:00Z' }));
    const before = fake.requestsFor('telegram_poll').length;
    start();
    fake.queueMessage(CHAT, '/status');
    await answered(3);
    assert.equal((fake.requestsFor('telegram_poll')[before]?.body as { offset: number }).offset, halt + 1);
    assert.match(sent()[2] ?? '', /baseline: active/);
    assert.equal((await store.tradingState(BASELINE)).state, 'active', 'the halt was not run again');
  });

  it('skips updates it does not read, moving its offset past them', async () => {
    start();
    fake.pushUpdate({ update_id: 499_999, edited_message: { text: '/halt baseline' } });
    fake.queueMessage(CHAT, '/help');
    await answered(1);
    assert.match(sent()[0] ?? '', /^Sigil bot\./);
    assert.equal(await store.controlOffset('telegram:123456'), 500_001);
  });
});
