// The operator's view of the locks, through the real binary: a lock by hand shows in `sigil locks` and is
// honoured by the entry guard's store query; `sigil unlock` lifts cooldowns and locks by hand but never a
// compliance pause; typos (variant, symbol, kind, hours) are refused with exit 2 and change nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { variantId } from '../domain/ids.ts';
import type { SymbolProtection } from '../domain/protection.ts';
import { openStore } from '../store/open-store.ts';
import { sigil } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const FAR = Date.parse('2100-01-01T00:00:00Z');
const PAST = Date.parse('2021-04-10T00:00:00Z');
const HOUR = 3_600_000;

describe('sigil locks, lock and unlock', () => {
  const dir = tempDir('sigil-locks-');
  const config = join(dir.path, 'sigil.yaml');
  const db = `sqlite:${join(dir.path, 'locks.db')}`;
  const cli = (...args: string[]) => sigil(['--config', config, '--db', db, ...args], dir.path);
  const locksJson = (...args: string[]): { at: number; locks: SymbolProtection[] } => {
    const run = cli('locks', '--json', ...args);
    assert.equal(run.code, 0, run.err);
    return JSON.parse(run.out) as { at: number; locks: SymbolProtection[] };
  };

  before(async () => {
    writeFileSync(
      config,
      'market:\n  symbols: [BTCUSDT, ETHUSDT]\nvariants:\n  baseline:\n  wide:\n    risk:\n      hard_stop_multiplier: 2.5\n',
    );
    const { store } = await openStore(db, { now: '2021-04-01T00:00:00Z' });
    const baseline = variantId('baseline');
    // A replay's cooldown, in its own past, and a compliance pause that outlives the test.
    await store.upsertProtection(
      {
        variantId: baseline,
        symbol: 'BTCUSDT',
        kind: 'cooldown',
        until: PAST + 4 * HOUR,
        reason: 'opened p1',
      },
      PAST,
    );
    await store.upsertProtection(
      { variantId: baseline, symbol: '*', kind: 'compliance', until: FAR, reason: 'daily loss: paused' },
      PAST,
    );
    await store.close();
  });
  after(() => dir.remove());

  it('lists the locks in force, as of --at for a replay', () => {
    const then = locksJson('--at', new Date(PAST + HOUR).toISOString());
    assert.deepEqual(
      then.locks.map((l) => [l.variantId, l.symbol, l.kind]),
      [
        ['baseline', '*', 'compliance'],
        ['baseline', 'BTCUSDT', 'cooldown'],
      ],
    );
    const text = cli('locks', '--at', new Date(PAST + HOUR).toISOString());
    assert.match(text.out, /baseline\s+BTCUSDT\s+cooldown\s+2021-04-10T04:00:00Z\s+3 h\s+opened p1/);
    assert.match(
      text.out,
      /baseline\s+\* \(all\)\s+compliance\s+2100-01-01T00:00:00Z\s+28754 d 23 h\s+daily loss/,
    );
    assert.deepEqual(locksJson('--variants', 'wide').locks, [], 'another variant has none');
    assert.deepEqual(
      locksJson('--at', new Date(PAST - HOUR).toISOString()).locks,
      [],
      'before they were written, the locks were not in force (whatever their until)',
    );
  });

  it('adds a lock by hand that the store reports in force for the symbol, and lifts it', async () => {
    const locked = cli('lock', 'wide', 'ETHUSDT', '--hours', '2', '--reason', 'CPI at 14:30');
    assert.equal(locked.code, 0, locked.err);
    assert.match(locked.out, /^wide ETHUSDT: no entries until \d{4}-/);
    const [lock] = locksJson('--variants', 'wide').locks;
    assert.deepEqual(
      [lock?.symbol, lock?.kind, lock?.reason],
      ['ETHUSDT', 'manual', 'CPI at 14:30 (operator:cli)'],
    );
    const { at } = locksJson();
    assert.ok(lock && lock.until > at && lock.until <= at + 2 * HOUR, 'two hours from when it was set');

    // What the entry path reads: the lock holds ETHUSDT and leaves BTCUSDT alone.
    const { store } = await openStore(db, { now: '2021-04-01T00:00:00Z', migrate: false });
    try {
      assert.equal((await store.activeProtections(variantId('wide'), 'ETHUSDT', at)).length, 1);
      assert.equal((await store.activeProtections(variantId('wide'), 'BTCUSDT', at)).length, 0);
    } finally {
      await store.close();
    }

    const lifted = cli('unlock', 'wide', 'ETHUSDT', '--reason', 'CPI passed');
    assert.equal(lifted.code, 0, lifted.err);
    assert.equal(lifted.out, 'wide ETHUSDT: lifted manual (CPI at 14:30 (operator:cli))\n');
    assert.deepEqual(locksJson('--variants', 'wide').locks, []);
    const again = cli('unlock', 'wide', 'ETHUSDT');
    assert.equal(again.code, 0);
    assert.match(
      again.out,
      /^wide ETHUSDT: no cooldown\/stoploss_guard\/max_drawdown\/low_profit\/manual lock in force/,
    );
  });

  it('never lifts a compliance pause, and says it is still there', () => {
    const refused = cli('unlock', 'baseline', '*', '--kinds', 'compliance');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /a compliance pause is the prop firm's rule/);
    const rest = cli('unlock', 'baseline', '*');
    assert.equal(rest.code, 0, rest.err);
    assert.match(
      rest.out,
      /baseline \*: still locked by compliance until 2100-01-01T00:00:00Z \(daily loss: paused\)/,
    );
    assert.equal(locksJson('--variants', 'baseline').locks.length, 1, 'the pause is untouched');
  });

  it('refuses typos with exit 2 and writes nothing', () => {
    const before = locksJson().locks;
    for (const [args, message] of [
      [['lock', 'nobody', 'BTCUSDT', '--hours', '1'], /nobody/],
      [['lock', 'wide', 'BTCUSD', '--hours', '1'], /BTCUSD is not in market.symbols \(BTCUSDT, ETHUSDT\)/],
      [['lock', 'wide', 'BTCUSDT', '--hours', '0'], /--hours must be a number of hours > 0, got 0/],
      [['lock', 'wide', 'BTCUSDT', '--hours', 'soon'], /--hours must be a number of hours > 0, got soon/],
      [['unlock', 'wide', 'BTCUSDT', '--kinds', 'coldown'], /--kinds: unknown coldown; kinds are cooldown/],
      [['locks', '--at', 'noon'], /--at "noon" is not an ISO time/],
    ] as const) {
      const run = cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.err}`);
      assert.match(run.err, message);
    }
    assert.deepEqual(locksJson().locks, before);
  });
});
