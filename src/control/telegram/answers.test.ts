// Each read command's answer against a store filled as a bot fills it (a real SQLite file): what an
// operator reads in the chat, on the store's own clock, for this process's variants only.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../../domain/ids.ts';
import type { Store } from '../../domain/ports/store.ts';
import { openStore } from '../../store/open-store.ts';
import { fillStore, T0 } from '../../../test/support/filled-store.ts';
import { longAt100 } from '../../../test/support/position-fixture.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { age, money, price } from './answers.ts';
import { parseChatCommand, type ReadCommand } from './chat-command.ts';
import { answerRead, type ControlVariant } from './read-answers.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = T0 + 5.5 * HOUR; // 2026-01-05 17:30 UTC
const VARIANTS: ControlVariant[] = [
  { id: variantId('baseline'), startingBalance: 10_000 },
  { id: variantId('llm'), startingBalance: 5_000 },
];

describe('telegram control: the answers to reads', () => {
  const dir = tempDir('sigil-telegram-answers-');
  let store: Store;
  const answer = (text: string, variants = VARIANTS) =>
    answerRead(
      parseChatCommand(
        text,
        variants.map((v) => v.id),
      ) as ReadCommand,
      store,
      variants,
      NOW,
    );

  before(async () => {
    ({ store } = await openStore(`sqlite:${join(dir.path, 'filled.db')}`, { now: '2026-01-05T12:00:00Z' }));
    await fillStore(store);
    // Two baseline trades: a win two days back, a strategy's signal exit today; and a trade of a
    // variant this process does not run, which no answer may show.
    for (const [id, symbol, closedAt, pnl, tag] of [
      ['win', 'BTC/USDT', T0 - 2 * DAY, 12.5, undefined],
      ['tagged', 'ETH/USDT', T0 + 4 * HOUR, 7, 'rsi high'],
      ['foreign', 'SOL/USDT', T0 + 4 * HOUR, 99, undefined],
    ] as const) {
      const variant = id === 'foreign' ? 'other' : 'baseline';
      const opened = await store.openPosition(longAt100(id, { variant, symbol, openedAt: closedAt - HOUR }));
      await store.closePosition(opened.id, {
        exitPrice: 100 + pnl,
        exitReason: tag ? 'signal_exit' : 'take_profit',
        closedAt,
        fees: 0.5,
        pnl,
        ...(tag ? { exitTag: tag } : {}),
      });
    }
    await store.openPosition(
      longAt100('foreign-open', { variant: 'other', symbol: 'XRP/USDT', openedAt: T0 }),
    );
  });
  after(async () => {
    await store.close();
    dir.remove();
  });

  it('/status: each variant’s state, who changed it and when, its positions and realised P&L', async () => {
    assert.equal(
      await answer('/status'),
      [
        'Status at 2026-01-05 17:30Z',
        'baseline: active · 1 open · 2 closed · P&L +19.50',
        'llm: halted (by hand, by op since 5h 29m) · 0 open · 1 closed · P&L -3.20',
      ].join('\n'),
    );
  });

  it('/positions: entry, stop (and where the trail took it from), age — this process’s variants only', async () => {
    assert.equal(
      await answer('/positions'),
      ['Open positions (1)', 'baseline EURUSD long 1 @ 100 · stop 98.5 (trailed from 97) · 5h 30m old'].join(
        '\n',
      ),
    );
  });

  it('/trades: the latest closed trades first, with their exit reason and a strategy’s own', async () => {
    assert.equal(
      await answer('/trades'),
      [
        'Latest 3 closed trade(s)',
        '2026-01-05 17:00Z llm USDJPY long 100 → 97 -3.20 hard_stop',
        '2026-01-05 16:00Z baseline ETH/USDT long 100 → 107 +7.00 signal_exit: rsi high',
        '2026-01-03 12:00Z baseline BTC/USDT long 100 → 112.5 +12.50 take_profit',
      ].join('\n'),
    );
    assert.equal((await answer('/trades 1')).split('\n').length, 2);
  });

  it('/profit [days]: realised P&L per variant, all time or over the last days', async () => {
    const all = await answer('/profit');
    assert.match(all, /^Realised P&L, all time$/m);
    assert.match(
      all,
      /^baseline: \+19\.50 over 2 trade\(s\), 2 won \(100 %\), best \+12\.50, worst \+7\.00, fees /m,
    );
    assert.match(all, /^llm: -3\.20 over 1 trade\(s\), 0 won \(0 %\)/m);
    const today = await answer('/profit 1');
    assert.match(today, /^Realised P&L, the last 1 day\(s\)$/m);
    assert.match(today, /^baseline: \+7\.00 over 1 trade\(s\)/m);
  });

  it('/daily: realised P&L per UTC day, today last, empty days included', async () => {
    assert.equal(
      await answer('/daily 3'),
      [
        'Realised P&L per day (UTC)',
        '2026-01-03  +12.50  (1 trade(s))',
        '2026-01-04  +0.00  (0 trade(s))',
        '2026-01-05  +3.80  (2 trade(s))',
      ].join('\n'),
    );
  });

  it('/balance: starting balance plus realised P&L, and the latest equity snapshot', async () => {
    assert.equal(
      await answer('/balance'),
      [
        'Balances (starting balance + realised P&L)',
        'baseline: balance 10019.50 (start 10000.00 +19.50) · equity 10025.00 (0 open, 3h 30m ago)',
        'llm: balance 4996.80 (start 5000.00 -3.20) · equity 10026.00 (0 open, 3h 30m ago)',
      ].join('\n'),
    );
  });

  it('/locks: the locks in force at the store’s now, with their end and reason', async () => {
    assert.equal(
      await answer('/locks'),
      [
        'Locks in force (1)',
        'baseline GBPUSD cooldown until 2026-01-05 18:00Z (30m left): after a loss',
      ].join('\n'),
    );
    assert.equal(await answer('/locks', [VARIANTS[1] as ControlVariant]), 'No locks in force.');
  });

  it('/help: every command and the variants', async () => {
    const help = await answer('/help');
    for (const usage of ['/status', '/profit [days]', '/halt VARIANT', '/exit VARIANT SYMBOL|all']) {
      assert.ok(help.includes(usage), usage);
    }
    assert.match(help, /Variants: baseline, llm$/);
  });

  it('formats money signed, prices to six significant digits and ages at a glance', () => {
    assert.deepEqual([money(3.2), money(-3.2), money(0)], ['+3.20', '-3.20', '+0.00']);
    assert.deepEqual([price(1.098765432), price(97), price(0.00012345678)], ['1.09877', '97', '0.000123457']);
    assert.deepEqual(
      [age(45 * 60_000), age(3 * HOUR + 5 * 60_000), age(2 * DAY + 4 * HOUR), age(-5)],
      ['45m', '3h 5m', '2d 4h', '0m'],
    );
  });
});
