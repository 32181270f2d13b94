// The backtester keeps its state in memory; the bot keeps it in a database. Both run the same engine,
// jobs, scanners, risk rules and paper broker, so the same config over the same candles must trade the
// same, to the byte: the in-memory backtest against `sigil run`'s replay on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config.ts';
import { buildReport, type HaltRow } from '../backtest/backtest-report.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import { openStore } from '../store/open-store.ts';
import { STORE_TARGETS } from '../../test/support/store-targets.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { runReplay } from './replay-bot.ts';

const DATA = fileURLToPath(new URL('../../data/crypto/1h', import.meta.url));
// Four variants that between them go through every path a bar can take: each posture's scanner, a wide
// stop, protections that lock after losses, and a kill switch that trips on a drawdown.
const CONFIG = `
market:
  data: ${DATA}
  symbols: [BTCUSDT, DOGEUSDT, SOLUSDT, XRPUSDT]
pipeline:
  intent_expiry_hours: 4
risk:
  trail_atr_multiplier: 3
  time_stop_hours: 48
variants:
  baseline:
  aggressive:
    scanner: { posture: aggressive }
    risk: { hard_stop_multiplier: 2.5 }
  guarded:
    scanner: { posture: moderate }
    protections:
      cooldown_after_exit_hours: 2
      stoploss_guard_trades: 2
      stoploss_guard_lookback_hours: 24
      stoploss_guard_lock_hours: 6
      max_drawdown_pct: 2
      max_drawdown_trades: 3
  switched:
    scanner: { posture: unhinged }
    protections: { kill_switch_drawdown_pct: 3 }
`;
const FROM = Date.UTC(2021, 3, 5);
const UNTIL = Date.UTC(2021, 5, 5);

describe('the in-memory backtest and the bot over a durable store trade the same', () => {
  const dir = tempDir('sigil-parity-');
  const configFile = join(dir.path, 'sigil.yaml');
  let backtest: {
    fingerprint: string;
    trades: number;
    stillOpen: string[];
    variants: string[];
    halted: HaltRow[];
  };

  before(async () => {
    writeFileSync(configFile, CONFIG);
    const run = await runBacktest({ config: loadConfigFile(configFile), from: FROM, to: UNTIL });
    backtest = {
      fingerprint: fingerprint(tradeRows(run.closed)),
      trades: run.closed.length,
      stillOpen: run.stillOpen.map((p) => p.id).sort(),
      variants: [...new Set(run.closed.map((p) => p.variantId as string))].sort(),
      halted: buildReport(run).halted ?? [],
    };
  });
  after(() => dir.remove());

  it('the backtest trades, in every variant', () => {
    assert.ok(backtest.trades > 100, `${backtest.trades} trades`);
    assert.deepEqual(backtest.variants, ['aggressive', 'baseline', 'guarded', 'switched']);
  });

  it('the backtest report names the variant its kill switch halted, with when and why', () => {
    assert.deepEqual(
      backtest.halted.map((h) => [h.variant, h.state]),
      [['switched', 'halted']],
    );
    const [halt] = backtest.halted;
    assert.ok(halt?.at && Date.parse(halt.at) > FROM && Date.parse(halt.at) < UNTIL, halt?.at ?? 'no time');
    assert.match(halt?.reason ?? '', /^kill switch: equity .* below its peak .* \(limit 3 %\)/);
  });

  for (const target of STORE_TARGETS) {
    it(`sigil run's replay on ${target.dialect} has the backtest's fingerprint`, async () => {
      const db = await target.create();
      const { store } = await openStore(db.url, { now: '2021-04-01T00:00:00Z' });
      try {
        const config = loadConfigFile(configFile);
        const result = await runReplay({
          store,
          config,
          variants: config.variants,
          speed: 0,
          until: UNTIL,
          signal: new AbortController().signal,
          sleep: async () => undefined,
        });
        assert.equal(result.finished, true);
        const closed = await store.closedPositions();
        assert.equal(closed.length, backtest.trades);
        assert.equal(fingerprint(tradeRows(closed)), backtest.fingerprint);
        assert.deepEqual((await store.openPositions()).map((p) => p.id).sort(), backtest.stillOpen);
        // A replay keeps its audit trail: retention (30 days) is for live bots, whose days are real.
        const finished = await store.listIntents({ statuses: ['closed'] });
        assert.ok(finished.some((intent) => intent.updatedAt < UNTIL - 31 * 86_400_000));
        const halted = (await store.tradingStates()).filter((s) => s.state === 'halted');
        assert.deepEqual(
          halted.map((s) => s.variantId),
          ['switched'],
          'the kill switch tripped in the durable run as well',
        );
      } finally {
        await store.close();
        await db.cleanup();
      }
    });
  }
});
