// One owner per variant, from the command line, on SQLite and PostgreSQL: two `sigil run` started
// together — one runs, the other refuses naming the owner; and hot standby — owners killed at random
// moments while a standby waits, each standby taking over, end with the trades of an uninterrupted run,
// nothing doubled and nothing left half-way.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { runReplay } from './replay-bot.ts';

const BIN = fileURLToPath(new URL('../../bin/sigil.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
const UNTIL = '2021-07-01T00:00:00Z';
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT]
scanner:
  breakout_lookback: 20
  min_volume_ratio: 0
risk:
  trail_atr_multiplier: 3
engine:
  owner_lease_s: 2
variants:
  baseline:
  wide:
    risk:
      hard_stop_multiplier: 2.5
`;

/** A `sigil run` in a child process, its output watched for the lines that tell where it is. */
class RunProcess {
  readonly child: ChildProcess;
  out = '';
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    const env = { ...process.env };
    delete env.SIGIL_DB;
    this.child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Resolves once the output holds `text`; rejects if the process exits first. */
  async printed(text: string): Promise<void> {
    for (;;) {
      if (this.out.includes(text)) return;
      const done = await Promise.race([this.exited, new Promise((r) => setTimeout(() => r(null), 20))]);
      if (done !== null && !this.out.includes(text))
        throw new Error(`exited before printing "${text}": ${this.out}\n${this.err}`);
    }
  }
}

for (const target of STORE_TARGETS) {
  describe(`one owner per variant from the command line: ${target.dialect}`, () => {
    const dir = tempDir('sigil-standby-');
    const configFile = join(dir.path, 'sigil.yaml');
    writeFileSync(configFile, CONFIG);
    const stores: { cleanup(): Promise<void> }[] = [];
    let reference = '';

    async function freshUrl(): Promise<string> {
      const created = await target.create();
      stores.push(created);
      return created.url;
    }

    async function tradesOf(url: string): Promise<string> {
      const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
      try {
        return fingerprint(tradeRows(await store.closedPositions()));
      } finally {
        await store.close();
      }
    }

    const runArgs = (url: string, ...extra: string[]) => [
      '--db',
      url,
      '--config',
      configFile,
      'run',
      '--dashboard-port',
      '0',
      '--until',
      UNTIL,
      '--speed',
      '400',
      ...extra,
    ];

    before(async () => {
      const url = await freshUrl();
      const config = loadConfigFile(configFile);
      const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
      try {
        const result = await runReplay({
          store,
          config,
          variants: config.variants,
          speed: 0,
          until: Date.parse(UNTIL),
          signal: new AbortController().signal,
          sleep: async () => undefined,
        });
        assert.equal(result.finished, true);
      } finally {
        await store.close();
      }
      reference = await tradesOf(url);
    });
    after(async () => {
      for (const store of stores) await store.cleanup();
      dir.remove();
    });

    it('runs one of two processes started together; the other refuses, naming the owner', async () => {
      const url = await freshUrl();
      const runs = [new RunProcess(runArgs(url)), new RunProcess(runArgs(url))];
      const exits = await Promise.all(runs.map((r) => r.exited));
      const refused = runs.filter((_, i) => exits[i]?.code === 2);
      const ran = runs.filter((_, i) => exits[i]?.code === 0);
      assert.equal(refused.length, 1, `one refused: ${runs.map((r) => r.err).join('\n')}`);
      assert.equal(ran.length, 1, 'one ran');
      assert.match(
        refused[0]?.err ?? '',
        /variant baseline is already run by [^,]+, pid \d+, since \d{4}-\d\d-\d\dT[^:]+:\d\d:\d\d\.\d{3}Z: stop that process first, or start this one with --standby/,
      );
      assert.equal(await tradesOf(url), reference, 'the trades of one uninterrupted run');
    });

    it('hands over to a standby each time the owner is killed, and ends with the uninterrupted trades', async () => {
      const url = await freshUrl();
      const random = seededRandom(target.dialect === 'sqlite' ? 11 : 12);
      let owner = new RunProcess(runArgs(url));
      await owner.printed('Dashboard:');
      for (let kill = 0; kill < 3; kill++) {
        const standby = new RunProcess(runArgs(url, '--standby'));
        await standby.printed('Standing by: variant baseline is run by');
        // A random moment of the owner's run: the replay takes about 7 s at 400 bars a second.
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(random() * 1500)));
        owner.child.kill('SIGKILL');
        const killed = await owner.exited;
        assert.equal(killed.signal, 'SIGKILL', `kill ${kill + 1} landed while the owner ran`);
        const tookOverBy = performance.now() + 2_000 + 1_000;
        await standby.printed('Took over baseline, wide.');
        assert.ok(performance.now() <= tookOverBy, 'taken over within one lease period');
        owner = standby;
      }
      const last = await owner.exited;
      assert.equal(last.code, 0, owner.err);
      assert.equal(await tradesOf(url), reference, 'the trades of an uninterrupted run');
      const { store } = await openStore(url, { now: '2021-04-01T00:00:00Z' });
      try {
        const stuck = await store.listIntents({ statuses: ['claimed', 'executing', 'ready_for_exec'] });
        assert.deepEqual(stuck, [], 'nothing left half-way');
        for (const variant of ['baseline', 'wide']) {
          const orders = await store.variantOrders(variant as never);
          const keys = orders.map((o) => o.request.clientOrderId);
          assert.equal(new Set(keys).size, keys.length, `no order of ${variant} sent twice`);
        }
      } finally {
        await store.close();
      }
    });
  });
}
