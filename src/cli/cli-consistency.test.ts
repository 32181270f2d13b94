// One name per concept across commands, through the real binary: `--variants` (the older `--variant`
// still taken), `--port` on run as on dashboard, `--no-progress` and `--quiet` wherever a progress bar is
// drawn, `sigil --version`, help that says what `--live` trades; commands naming a variant without
// --config know the store's variants; a halt that changes nothing alerts nobody.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { variantId } from '../domain/ids.ts';
import { openStore } from '../store/open-store.ts';
import { FakeChatServer } from '../../test/support/fake-chat.ts';
import { sigil, sigilAsync } from '../../test/support/sigil-cli.ts';
import { tempDir } from '../../test/support/temp-dir.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
const DAY = ['--from', '2021-04-05T00:00:00Z', '--to', '2021-04-07T00:00:00Z'];

describe('one name per concept across the commands', () => {
  const dir = tempDir('sigil-consistency-');
  const config = join(dir.path, 'two.yaml');
  const store = `sqlite:${join(dir.path, 'four.db')}`;

  before(async () => {
    writeFileSync(config, `market:\n  data: ${DATA}\n  symbols: [BTCUSDT]\nvariants:\n  a:\n  b:\n`);
    // A store that a four-variant config ran, each variant with intents an hour apart.
    const { store: opened } = await openStore(store, { now: '2021-04-05T00:00:00Z' });
    const names = ['baseline', 'moderate', 'aggressive', 'unhinged'];
    for (let hour = 0; hour < 3; hour++) {
      for (const [i, name] of names.entries()) {
        await opened.insertIntent(
          { variantId: variantId(name), symbol: 'BTCUSDT', tradeDate: `2021-04-0${5 + hour}` },
          `scanner:${name}`,
          Date.parse('2021-04-05T00:00:00Z') + hour * 3_600_000 + i * 60_000,
        );
      }
    }
    await opened.insertIntent(
      { variantId: variantId('moderate'), symbol: 'EURUSD', tradeDate: '2021-04-05' },
      'scanner:moderate',
      Date.parse('2021-04-05T05:00:00Z'),
    );
    await opened.close();
  });
  after(() => dir.remove());

  it('sigil --version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = sigil([flag], dir.path);
      assert.equal(run.code, 0, run.err);
      assert.equal(run.out.trim(), version);
    }
  });

  it('intents list and stats exits take --variants A,B, and the older --variant', () => {
    const listed = (...args: string[]) => {
      const run = sigil(['--db', store, 'intents', 'list', '--json', ...args], dir.path);
      assert.equal(run.code, 0, run.err);
      return (JSON.parse(run.out) as { variantId: string; symbol: string }[]).map(
        (i) => `${i.variantId} ${i.symbol}`,
      );
    };
    // Merged in the store's order (created, then id), then paged.
    assert.deepEqual(listed('--variants', 'unhinged,moderate', '--offset', '1', '--limit', '3'), [
      'unhinged BTCUSDT',
      'moderate BTCUSDT',
      'unhinged BTCUSDT',
    ]);
    assert.deepEqual(listed('--variant', 'moderate', '--symbol', 'EURUSD'), ['moderate EURUSD']);
    assert.equal(listed('--variants', 'moderate').length, 4);

    const stats = sigil(['--db', store, 'stats', 'exits', '--variants', 'moderate,unhinged'], dir.path);
    assert.equal(stats.code, 0, stats.err);
    assert.match(stats.out, /^No closed positions for moderate, unhinged in sqlite:/m);
    const typo = sigil(['--db', store, 'stats', 'exits', '--variant', 'modrate'], dir.path);
    assert.equal(typo.code, 2);
    assert.match(
      typo.err,
      /no variant "modrate" in the store at .*\(variants: aggressive, baseline, moderate, unhinged\)/,
    );
  });

  it('halt, reset and lock without --config know the variants and symbols the store holds', () => {
    const db = ['--db', store];
    const halt = sigil([...db, 'halt', 'moderate', '--reason', 'review'], dir.path);
    assert.equal(halt.code, 0, halt.err);
    assert.equal(halt.out.trim(), 'moderate: halted (kill switch: review)');
    const reset = sigil([...db, 'reset', 'moderate'], dir.path);
    assert.equal(reset.code, 0, reset.err);
    assert.equal(reset.out.trim(), 'moderate: halted → active');
    // EURUSD is no bundled candle file, but the variant has had intents for it.
    for (const [variant, symbol] of [
      ['unhinged', 'ETHUSDT'],
      ['moderate', 'EURUSD'],
    ] as const) {
      const lock = sigil([...db, 'lock', variant, symbol, '--hours', '1'], dir.path);
      assert.equal(lock.code, 0, lock.err);
      assert.match(lock.out, new RegExp(`^${variant} ${symbol}: no entries until `));
    }
    const unknownThere = sigil([...db, 'lock', 'unhinged', 'EURUSD', '--hours', '1'], dir.path);
    assert.equal(unknownThere.code, 2, 'unhinged never had EURUSD');
    const unlock = sigil([...db, 'unlock', 'unhinged', 'ETHUSDT'], dir.path);
    assert.equal(unlock.code, 0, unlock.err);
    assert.match(unlock.out, /unhinged ETHUSDT: lifted manual/);
  });

  it('--no-progress and --quiet are taken wherever a progress bar is drawn', () => {
    for (const flag of ['--no-progress', '--quiet']) {
      const info = sigil(['data', 'info', DATA, '--json', flag], dir.path);
      assert.equal(info.code, 0, `data info ${flag}: ${info.err}`);
      const backtest = sigil(['--config', config, 'backtest', ...DAY, '--json', flag], dir.path);
      assert.equal(backtest.code, 0, `backtest ${flag}: ${backtest.err}`);
      const ab = sigil(['--config', config, 'ab', ...DAY, flag], dir.path);
      assert.equal(ab.code, 0, `ab ${flag}: ${ab.err}`);
      assert.match(ab.out, /^a vs b: /m);
      const db = `sqlite:${join(dir.path, `run${flag}.db`)}`;
      const run = sigil(
        ['--config', config, '--db', db, 'run', '--no-dashboard', '--until', '2021-04-06T00:00:00Z', flag],
        dir.path,
      );
      assert.equal(run.code, 0, `run ${flag}: ${run.err}`);
    }
  });

  describe('sigil run --port', () => {
    let busy: Server;
    let port: number;
    before(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      port = (busy.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    it('is the option the busy-port message names, as on sigil dashboard (--dashboard-port still taken)', async () => {
      for (const flag of ['--port', '--dashboard-port']) {
        const db = `sqlite:${join(dir.path, `port${flag}.db`)}`;
        const run = await sigilAsync(
          ['--config', config, '--db', db, 'run', '--until', '2021-04-06T00:00:00Z', flag, String(port)],
          dir.path,
        );
        assert.equal(run.code, 2, `${flag}: ${run.err}`);
        assert.match(
          run.err,
          new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is taken.* or pass --port`),
        );
      }
      const help = sigil(['run', '--help'], dir.path);
      assert.match(help.out, /--port <n>/);
      assert.doesNotMatch(help.out, /--dashboard-port/, 'the older name is not advertised');
    });
  });

  it("run --help says --live trades each variant's configured broker, real accounts included", () => {
    const help = sigil(['run', '--help'], dir.path);
    assert.equal(help.code, 0);
    const text = help.out.replace(/\s+/g, ' ');
    assert.doesNotMatch(text, /--live paper trading/);
    assert.match(
      text,
      /--live .*Each variant trades its configured broker: paper by default, a REAL account/,
    );
  });
});

describe('a halt that changes nothing', () => {
  const dir = tempDir('sigil-halt-again-');
  const config = join(dir.path, 'alerts.yaml');
  const db = `sqlite:${join(dir.path, 'halt.db')}`;
  let fake: FakeChatServer;
  let env: Record<string, string>;

  before(async () => {
    fake = await FakeChatServer.start();
    env = { SIGIL_TEST_ALERT_URL: fake.webhookUrl() };
    writeFileSync(
      config,
      'alerts:\n  sinks:\n    - type: webhook\n      url_env: SIGIL_TEST_ALERT_URL\n      min_severity: info\n',
    );
    const { store } = await openStore(db, { now: '2021-04-05T00:00:00Z' });
    await store.close();
  });
  after(async () => {
    await fake.close();
    dir.remove();
  });

  const cli = (...args: string[]) => sigilAsync(['--config', config, '--db', db, ...args], dir.path, env);

  it('says so and sends no alert; a halt after reduce-only does', async () => {
    const first = await cli('halt', 'baseline', '--reason', 'news');
    assert.equal(first.code, 0, first.err);
    assert.equal(fake.requestsFor('webhook').length, 1, 'the first halt is told');

    const again = await cli('halt', 'baseline', '--reason', 'news again');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^baseline: already halted since \S+ \(kill switch: news\); nothing changed$/m);
    assert.equal(fake.requestsFor('webhook').length, 1, 'no second "Kill switch tripped"');

    const reset = await cli('reset', 'baseline');
    assert.equal(reset.code, 0, reset.err);
    const reduce = await cli('halt', 'baseline', '--reduce-only');
    assert.equal(reduce.code, 0, reduce.err);
    const reduceAgain = await cli('halt', 'baseline', '--reduce-only');
    assert.match(reduceAgain.out, /^baseline: already reducing since .*; nothing changed$/m);
    const count = fake.requestsFor('webhook').length;
    const halt = await cli('halt', 'baseline', '--reason', 'worse');
    assert.equal(halt.out.trim(), 'baseline: halted (kill switch: worse)');
    assert.equal(fake.requestsFor('webhook').length, count + 1, 'reducing → halted is a change, told');
  });
});
