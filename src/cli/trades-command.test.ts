// `sigil trades`, `positions`, `exit` and `intents show` through the real binary, on a replay's store:
// trades filtered and exported, open positions marked at the candle files' last close by the replay's own
// time, an exit by hand recorded as `manual` with who and why, and the refusals — no such position
// (exit 2), a variant a live `sigil run` owns (exit 2), a broker nobody answers for (exit 1, still open).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { variantId, workerId, type EpochMs } from '../domain/ids.ts';
import { markOpened, markReadyForExec } from '../domain/intent-commands.ts';
import type { Position } from '../domain/position.ts';
import { wallNow } from '../clock/system-clock.ts';
import { openStore } from '../store/open-store.ts';
import { refusingUrl } from '../../test/support/closed-port.ts';
import { longAt100 } from '../../test/support/position-fixture.ts';
import { PLAIN_BUY } from '../../test/support/decision-fixture.ts';
import { sigil, sigilAsync, sigilServing } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const HOUR = 3_600_000;
const T0: EpochMs = Date.parse('2021-04-05T00:00:00Z');
/** The replay's clock: its market job last ran at the close of the 02:00 bar. */
const NOW: EpochMs = T0 + 3 * HOUR;
/** BTCUSDT's 02:00 bar closed at 57595.45; ETHUSDT's at 2043.85. */
const BTC_LAST = 57595.45;

describe('sigil trades, positions and exit', () => {
  const dir = tempDir('sigil-trades-');
  const config = join(dir.path, 'sigil.yaml');
  const db = `sqlite:${join(dir.path, 'trades.db')}`;
  const cli = (...args: string[]) => sigil(['--config', config, '--db', db, ...args], dir.path);
  const json = <T>(...args: string[]): T => {
    const run = cli(...args);
    assert.equal(run.code, 0, run.err);
    return JSON.parse(run.out) as T;
  };
  let intentOfBtc = '';

  before(async () => {
    writeFileSync(
      config,
      `market:
  data: ${DATA}
  symbols: [BTCUSDT, ETHUSDT]
variants:
  baseline:
  wide:
  remote:
    broker:
      kind: match_trader
      url: ${await refusingUrl()}
      timeout_s: 1
`,
    );
    const { store } = await openStore(db, { now: '2021-04-05T00:00:00Z' });
    try {
      await store.claimStoreIdentity({
        kind: 'replay',
        configVersion: 'test',
        configFile: config,
        from: T0,
        to: T0 + 48 * HOUR,
        createdAt: T0,
      });
      await store.ensureJob('market', NOW, NOW);
      await store.claimDueJobs(['market'], 'test', NOW, 60_000);
      await store.finishJob('market', 'test', NOW, NOW + HOUR, NOW);
      // baseline: an open BTCUSDT long from an intent, and a closed ETHUSDT trade; wide: an open ETHUSDT.
      const { intent } = await store.insertIntent(
        {
          variantId: variantId('baseline'),
          symbol: 'BTCUSDT',
          tradeDate: '2021-04-05T01:00:00Z',
          scanner: { score: 0.8, confidence: 'high', scoreGap: 0.1 },
          atrAtSignal: 300,
        },
        'scanner:baseline',
        T0 + HOUR,
      );
      intentOfBtc = intent.id;
      const worker = workerId('test');
      await store.claimNextPending(worker, T0 + HOUR);
      await markReadyForExec(store, intent.id, worker, PLAIN_BUY, T0 + HOUR);
      await store.pickReady(worker, T0 + HOUR);
      const btc = longAt100(
        'p-btc',
        { variant: 'baseline', symbol: 'BTCUSDT', openedAt: T0 + HOUR },
        {
          intentId: intent.id,
          qty: 0.01,
          entryPrice: 57900,
          initialStop: 57000,
          currentStop: 57200,
          peakPrice: 58000,
          fees: 0.58,
        },
      );
      await store.openPosition(btc);
      await markOpened(store, intent.id, worker, btc.id, null, T0 + HOUR);
      const eth = await store.openPosition(
        longAt100(
          'p-eth',
          { variant: 'baseline', symbol: 'ETHUSDT', openedAt: T0 },
          { entryPrice: 2070, initialStop: 2000, currentStop: 2000 },
        ),
      );
      await store.closePosition(eth.id, {
        exitPrice: 2050,
        exitReason: 'time_stop',
        closedAt: T0 + 2 * HOUR,
        fees: 4.1,
        pnl: -24.1,
      });
      await store.openPosition(
        longAt100(
          'p-wide',
          { variant: 'wide', symbol: 'ETHUSDT', openedAt: T0 + 2 * HOUR },
          { entryPrice: 2040 },
        ),
      );
      await store.openPosition(
        longAt100(
          'p-remote',
          { variant: 'remote', symbol: 'ETHUSDT', openedAt: T0 + 2 * HOUR },
          { entryPrice: 2040 },
        ),
      );
    } finally {
      await store.close();
    }
  });
  after(() => dir.remove());

  it('lists trades, open and closed, filtered, as JSON and as CSV', () => {
    type Line = { id: string; variant: string; symbol: string; status: string; pnl: number | null };
    const all = json<Line[]>('trades', '--json');
    assert.deepEqual(
      all.map((t) => [t.id, t.status]),
      [
        ['p-eth', 'closed'],
        ['p-btc', 'open'],
        ['p-remote', 'open'],
        ['p-wide', 'open'],
      ],
    );
    assert.deepEqual(
      json<Line[]>('trades', '--json', '--closed').map((t) => [t.id, t.pnl]),
      [['p-eth', -24.1]],
    );
    assert.deepEqual(
      json<Line[]>('trades', '--json', '--open', '--variants', 'wide').map((t) => t.id),
      ['p-wide'],
    );
    assert.deepEqual(
      json<Line[]>('trades', '--json', '--symbol', 'BTCUSDT').map((t) => t.id),
      ['p-btc'],
    );
    assert.deepEqual(
      json<Line[]>('trades', '--json', '--from', '2021-04-05T01:00', '--to', '2021-04-05T02:00').map(
        (t) => t.id,
      ),
      ['p-btc'],
    );
    const csv = cli('trades', '--csv', '--closed');
    assert.equal(csv.code, 0, csv.err);
    assert.deepEqual(csv.out.trimEnd().split('\n'), [
      'id,variant,symbol,side,status,entryTime,entryPrice,qty,exitTime,exitPrice,exitReason,exitTag,fees,pnl,barsHeld',
      'p-eth,baseline,ETHUSDT,long,closed,2021-04-05T00:00:00Z,2070,1,2021-04-05T02:00:00Z,2050,time_stop,,4.1,-24.1,0',
    ]);
    const table = cli('trades');
    assert.equal(table.code, 0, table.err);
    // Numbers right-aligned under their headers; the open trade's exit is empty.
    assert.match(
      table.out,
      /baseline\s+ETHUSDT\s+long\s+2021-04-05T00:00:00Z\s+2070\.00\s+1\s+2021-04-05T02:00:00Z\s+2050\.00\s+time_stop\s+4\.10\s+-24\.10/,
    );
    assert.match(table.out, /1 closed \(P&L -24\.10\), 3 open/);
    assert.equal(cli('trades', '--open', '--closed').code, 2);
    assert.equal(cli('trades', '--variants', 'nosuch').code, 2);
  });

  it("marks open positions at the candle files' last close by the replay's time, with stop, trail and age", () => {
    const body = json<{
      now: number;
      priceSource: string;
      positions: (Position & Record<string, unknown>)[];
    }>('positions', '--json', '--variants', 'baseline');
    assert.equal(body.now, NOW);
    assert.match(body.priceSource, /last close in .* by the replay's time 2021-04-05T03:00:00\.000Z/);
    const [btc] = body.positions;
    assert.ok(btc);
    assert.equal(btc.lastPrice, BTC_LAST);
    assert.equal(btc.lastPriceAt, NOW);
    assert.ok(Math.abs((btc.unrealisedPnl as number) - ((BTC_LAST - 57900) * 0.01 - 0.58)) < 1e-9);
    assert.equal(btc.ageMs, 2 * HOUR);
    assert.equal(btc.trailing, true);
    const table = cli('positions');
    assert.equal(table.code, 0, table.err);
    assert.match(
      table.out,
      /baseline\s+BTCUSDT\s+long\s+2021-04-05T01:00:00Z\s+2h\s+0\.01\s+57900\.00\s+57595\.45\s+-3\.63\s+57200\.00\s+57000\.00\s+moved/,
    );
    assert.match(table.out, /Prices: the last close in/);
  });

  it('closes a position by hand as `manual`, with who and why, and the intent shows the trade', () => {
    const done = cli('exit', 'baseline', 'BTCUSDT', '--reason', 'CPI at 14:30');
    assert.equal(done.code, 0, done.err);
    assert.match(
      done.out,
      /baseline BTCUSDT: closed long 0\.01 at 57595\.45 \(entry 57900\.00\), P&L -4\.20, exit reason manual \(operator:cli: CPI at 14:30\)/,
    );
    const [closed] = json<{ id: string; exitReason: string; exitTag: string; exitTime: string }[]>(
      'trades',
      '--json',
      '--closed',
      '--symbol',
      'BTCUSDT',
    );
    assert.deepEqual(closed && [closed.id, closed.exitReason, closed.exitTag, closed.exitTime], [
      'p-btc',
      'manual',
      'operator:cli: CPI at 14:30',
      '2021-04-05T03:00:00Z',
    ]);
    const shown = cli('intents', 'show', intentOfBtc);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /trade:\s+long 0\.01 BTCUSDT/);
    assert.match(shown.out, /entry:\s+57900\.00 at 2021-04-05T01:00:00Z/);
    assert.match(
      shown.out,
      /exit:\s+57595\.45 at 2021-04-05T03:00:00Z \(manual: operator:cli: CPI at 14:30\)/,
    );
    // Down 3.05 on the move, less the entry's fee (0.58) and the exit's (0.1 % of 575.95).
    assert.match(shown.out, /P&L:\s+-4\.20 \(fees 1\.16\)/);
    assert.match(shown.out, /position closed by hand \(operator:cli\): CPI at 14:30/);
    // Again: nothing left to close.
    const again = cli('exit', 'baseline', 'BTCUSDT');
    assert.equal(again.code, 2);
    assert.match(again.err, /baseline has no open position in BTCUSDT/);
  });

  it('refuses a variant a live `sigil run` owns, naming it, and closes it once that process is gone', async () => {
    const { store } = await openStore(db, { now: '2021-04-05T00:00:00Z', mustExist: true });
    const holder = { holder: 'otherhost:4242:abc', host: 'otherhost', pid: 4242, info: '{}' };
    try {
      await store.acquireLeases(['variant:wide'], holder, wallNow(), 60_000);
      const refused = cli('exit', 'wide', 'all');
      assert.equal(refused.code, 2);
      assert.match(refused.err, /variant wide is run by otherhost, pid 4242.*dashboard or API/);
      assert.equal(json<unknown[]>('trades', '--json', '--open', '--variants', 'wide').length, 1);
      await store.releaseLeases(['variant:wide'], holder.holder, wallNow());
    } finally {
      await store.close();
    }
    const done = cli('exit', 'wide', 'all', '--reason', 'flat');
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /wide ETHUSDT: closed long 1 at 2043\.85/);
  });

  it('leaves the position open and exits 1 when the broker cannot be reached', async () => {
    const run = await sigilAsync(['--config', config, '--db', db, 'exit', 'remote', 'ETHUSDT'], dir.path, {
      SIGIL_MT_EMAIL: 'ops@example.com',
      SIGIL_MT_PASSWORD: 'not-a-real-password',
    });
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /not closed: ETHUSDT \(p-remote\): .*the position stays open/);
    assert.doesNotMatch(run.err, /not-a-real-password/);
    assert.deepEqual(
      json<{ id: string }[]>('trades', '--json', '--open', '--variants', 'remote').map((t) => t.id),
      ['p-remote'],
    );
  });
  it('closes a position from a standalone `sigil dashboard`, unless a live `sigil run` owns the variant', async () => {
    const { store } = await openStore(db, { now: '2021-04-05T00:00:00Z', mustExist: true });
    const holder = { holder: 'otherhost:4243:def', host: 'otherhost', pid: 4243, info: '{}' };
    try {
      await store.openPosition(
        longAt100(
          'p-dash',
          { variant: 'baseline', symbol: 'ETHUSDT', openedAt: T0 + HOUR },
          { entryPrice: 2050 },
        ),
      );
      await store.acquireLeases(['variant:baseline'], holder, wallNow(), 60_000);
    } finally {
      await store.close();
    }
    const token = 'standalone-token-9913';
    const { child, url } = await sigilServing(
      ['--config', config, '--db', db, 'dashboard', '--port', '0'],
      dir.path,
      { SIGIL_API_TOKEN: token },
    );
    try {
      const post = async () => {
        const response = await fetch(`${url}/api/variants/baseline/positions/ETHUSDT/exit`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}` },
          body: JSON.stringify({ reason: 'from the page' }),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const owned = await post();
      assert.equal(owned.status, 409);
      assert.match(String(owned.body.error), /baseline is run by otherhost, pid 4243/);
      const { store: again } = await openStore(db, { now: '2021-04-05T00:00:00Z', mustExist: true });
      try {
        await again.releaseLeases(['variant:baseline'], holder.holder, wallNow());
      } finally {
        await again.close();
      }
      const done = await post();
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual(
        (done.body.closed as Position[]).map((p) => [p.id, p.exitReason, p.exitPrice, p.exitTag]),
        [['p-dash', 'manual', 2043.85, 'operator:api: from the page']],
      );
    } finally {
      child.kill('SIGINT');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
