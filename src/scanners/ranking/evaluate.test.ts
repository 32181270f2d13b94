import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variantId } from '../../domain/ids.ts';
import { loadCandlesBySymbol } from '../../marketdata/candle-directory.ts';
import { evaluateRanking, REFERENCE_EVALUATION } from './evaluate.ts';
import { rankingScan } from './ranking-scanner.ts';

const candles = loadCandlesBySymbol(new URL('../../../data/fx/1d', import.meta.url).pathname);

describe('evaluateRanking on the bundled FX daily candles', () => {
  it('runs the reference walk-forward with finite IC and hit rates within [0, 1]', () => {
    const started = performance.now();
    const report = evaluateRanking({ candlesBySymbol: candles, ...REFERENCE_EVALUATION });
    const seconds = (performance.now() - started) / 1000;

    assert.equal(report.symbols.length, 7);
    assert.ok(report.testDates > 1000, `${report.testDates} test dates`);
    assert.equal(report.refits, Math.ceil(report.testDates / REFERENCE_EVALUATION.retrainEvery));
    assert.ok(Number.isFinite(report.ic.mean) && Math.abs(report.ic.mean) < 1, `IC ${report.ic.mean}`);
    assert.ok(Number.isFinite(report.ic.tStat) && report.ic.standardError > 0);
    assert.ok(report.ic.n + report.ic.datesWithoutIc === report.testDates);
    for (const rate of [report.picks.hitRate, report.directional.hitRate, report.universe.upShare]) {
      assert.ok(rate !== null && rate >= 0 && rate <= 1, `rate ${rate}`);
    }
    assert.ok(report.picks.count > 0 && report.picks.count <= report.testDates * REFERENCE_EVALUATION.topK);
    const byLevel = Object.values(report.picks.byConfidence).reduce((n, level) => n + level.count, 0);
    assert.equal(byLevel, report.picks.count);
    // The run is meant to stay well under 20 s on 2 cores (about 10 s measured); log it for the record.
    console.log(
      `reference evaluation: IC ${report.ic.mean.toFixed(4)} (t ${report.ic.tStat.toFixed(2)}), ` +
        `hit rate ${report.picks.hitRate?.toFixed(3)} over ${report.picks.count} picks, ${seconds.toFixed(1)} s`,
    );
  });

  it('refitting every date reproduces the live scanner exactly', () => {
    const input = { candlesBySymbol: candles, ...REFERENCE_EVALUATION, from: '2022-03-01', to: '2022-03-03' };
    const report = evaluateRanking({ ...input, retrainEvery: 1 });
    assert.equal(report.testDates, 3);
    assert.equal(report.refits, 3);
    for (const day of report.dates) {
      const signals = rankingScan({ ...input, date: day.date, variantId: variantId('eval') });
      assert.deepEqual(
        day.picks.map((p) => [p.symbol, p.score, p.confidence]),
        signals.map((s) => [s.symbol, s.scanner.score, s.scanner.confidence]),
        day.date,
      );
    }
  });

  it('refuses a range without test dates and bad cadences', () => {
    assert.throws(
      () => evaluateRanking({ candlesBySymbol: candles, ...REFERENCE_EVALUATION, from: '2030-01-01' }),
      /no test date/,
    );
    assert.throws(
      () => evaluateRanking({ candlesBySymbol: candles, ...REFERENCE_EVALUATION, retrainEvery: 0 }),
      RangeError,
    );
  });
});
