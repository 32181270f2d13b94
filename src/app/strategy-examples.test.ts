// The example strategies in examples/strategies/, each with the config next to it, backtested as a user
// would: the breakout written as a user strategy makes exactly the built-in rule's trades; the RSI
// mean reversion and the 4h-trend/1h-entry strategy trade, and fail on no bar.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open-store.ts';
import { runReplay } from './replay-bot.ts';
import { loadConfigFile, parseConfig } from '../config/load-config.ts';
import { fingerprint, tradeRows } from '../backtest/metrics.ts';
import { runBacktest } from '../backtest/run-backtest.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/strategies/', import.meta.url));
const UNTIL = Date.parse('2022-04-01T00:00:00Z');

async function backtest(file: string) {
  const config = loadConfigFile(`${EXAMPLES}${file}`);
  const run = await runBacktest({ config, to: UNTIL });
  return { config, run, fingerprint: fingerprint(tradeRows(run.closed)) };
}

describe('the example strategies', () => {
  it('breakout.ts makes the trades of the built-in breakout rule, trade for trade', async () => {
    const user = await backtest('breakout.yaml');
    assert.ok(user.run.closed.length > 100, `${user.run.closed.length} trades`);
    const builtIn = parseConfig(
      `market:\n  data: ${user.config.market.data}\n  symbols: [${user.config.market.symbols.join(', ')}]\nvariants:\n  breakout:\n`,
      `${EXAMPLES}built-in.yaml`,
    );
    const run = await runBacktest({ config: builtIn, to: UNTIL });
    assert.equal(user.fingerprint, fingerprint(tradeRows(run.closed)));
  });

  it('fx-fade.yaml trades both sides under the E8 rules; a short gains when the price falls', async () => {
    const { run, config } = await backtest('fx-fade.yaml');
    const shorts = run.closed.filter((p) => p.side === 'short');
    const longs = run.closed.filter((p) => p.side === 'long');
    assert.ok(shorts.length > 10 && longs.length > 10, `${shorts.length} shorts, ${longs.length} longs`);
    const lot = 100_000;
    for (const p of run.closed) {
      const move = (p.exitPrice as number) - p.entryPrice;
      const gross = (p.side === 'short' ? -move : move) * p.qty * lot;
      // USD-quoted pairs: P&L is the move times the units, less both fills' fees.
      assert.ok(
        Math.abs(gross - p.fees - (p.pnl as number)) < 1e-6,
        `${p.id}: ${gross} − ${p.fees} vs ${p.pnl}`,
      );
      if (p.side === 'short') assert.ok(p.initialStop > p.entryPrice, 'a short’s stop is above its entry');
    }
    assert.equal(config.variants[0]?.settings.compliance.preset, 'e8');
  });

  for (const file of ['rsi-reversion.yaml', 'trend-mtf.yaml']) {
    it(`${file} runs on the bundled candles and trades`, async () => {
      const { run } = await backtest(file);
      assert.ok(run.closed.length > 5, `${run.closed.length} trades`);
    });
  }
});

describe('a strategy that asks to exit', () => {
  it('closes the position at that close as a signal exit, with its reason on the trade', async () => {
    const config = parseConfig(
      `market:\n  symbols: [BTCUSDT, ETHUSDT]\nscanner:\n  module: ${EXAMPLES}../../test/fixtures/strategies/exit-tag.ts\nrisk:\n  trail_atr_multiplier: 10\n  hard_stop_floor_pct: 20\n  hard_stop_cap_pct: 30\nvariants:\n  tagged:\n`,
      `${EXAMPLES}exit-tag.yaml`,
    );
    const run = await runBacktest({ config, to: Date.parse('2021-07-01T00:00:00Z') });
    const tagged = run.closed.filter((p) => p.exitTag === 'three-bars');
    assert.ok(
      tagged.length > 5,
      `${tagged.length} of ${run.closed.length} trades left on the strategy's reason`,
    );
    for (const p of tagged) {
      assert.equal(p.exitReason, 'signal_exit');
      assert.ok(p.barsHeld >= 4, `${p.id} held ${p.barsHeld} bars`);
    }
    assert.ok(run.closed.every((p) => p.exitTag === undefined || p.exitReason === 'signal_exit'));
  });
});

describe("a strategy's own stop and target", () => {
  it('reach the position through the risk band: kept inside it, moved to its edge outside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigil-own-stop-'));
    const config = parseConfig(
      `market:\n  symbols: [BTCUSDT, ETHUSDT]\nscanner:\n  module: ${EXAMPLES}../../test/fixtures/strategies/own-stop.ts\nvariants:\n  own:\n`,
      `${EXAMPLES}own-stop.yaml`,
    );
    const { store } = await openStore(`sqlite:${join(dir, 'own.db')}`, { now: '2021-04-01T00:00:00Z' });
    try {
      const result = await runReplay({
        store,
        config,
        variants: config.variants,
        speed: 0,
        until: Date.parse('2021-06-01T00:00:00Z'),
        signal: new AbortController().signal,
        sleep: async () => undefined,
      });
      assert.equal(result.finished, true);
      const positions = [...(await store.closedPositions()), ...(await store.openPositions())];
      let kept = 0;
      let moved = 0;
      for (const p of positions) {
        const intent = await store.getIntent(p.intentId as never);
        const proposed = intent?.scanner.stop;
        assert.ok(proposed !== undefined, 'the intent carries the strategy’s stop');
        const distance = (p.entryPrice - p.initialStop) / p.entryPrice;
        assert.ok(distance >= 0.03 - 1e-9 && distance <= 0.06 + 1e-9, `${p.id}: ${distance} inside the band`);
        if (p.symbol === 'BTCUSDT') {
          if (p.initialStop === proposed) kept++;
          assert.ok(
            Math.abs((p.takeProfit as number) - (intent?.scanner.target as number)) < 1e-9,
            'its target',
          );
        } else {
          assert.ok(
            Math.abs(distance - 0.03) < 1e-9,
            `${p.id}: a 1 % stop moved to the 3 % floor (${distance})`,
          );
          moved++;
        }
      }
      assert.ok(kept > 3 && moved > 3, `${kept} kept, ${moved} moved`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
