// What `sigil scan evaluate` does; commands/scan-evaluate.ts declares the options; loaded only to run.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadCandlesBySymbol } from '../../marketdata/candle-directory.ts';
import { evaluateRanking, REFERENCE_EVALUATION } from '../../scanners/ranking/evaluate.ts';
import { FEATURE_NAMES } from '../../scanners/ranking/features.ts';
import { parseLightGbmModel } from '../../scanners/ranking/lightgbm-model.ts';
import { pretrained } from '../../scanners/ranking/model.ts';
import { renderTable } from '../table.ts';
import type { EvaluateOptions } from '../commands/scan-evaluate.ts';

export function evaluate(command: Command): void {
  // `scan` declares --json too, and commander gives it to the parent: read both levels.
  const options = command.optsWithGlobals<EvaluateOptions>();
  const model = options.model
    ? pretrained(parseLightGbmModel(readFileSync(options.model, 'utf8'), { featureNames: FEATURE_NAMES }))
    : undefined;
  const report = evaluateRanking({
    candlesBySymbol: loadCandlesBySymbol(options.data),
    topK: options.topK,
    trainWindow: options.trainWindow,
    retrainEvery: options.retrainEvery,
    thresholds: REFERENCE_EVALUATION.thresholds,
    ...(model ? { modelFactory: model } : {}),
  });
  if (options.json) return console.log(JSON.stringify(report, null, 2));
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
  console.log(
    `${report.symbols.join(', ')}: ${report.testDates} test dates ${report.firstTestDate} → ${report.lastTestDate}, ` +
      `${report.refits} refits, top ${report.topK}, window ${report.trainWindow}, refit every ${report.retrainEvery}`,
  );
  console.log(
    renderTable(
      ['measure', 'value'],
      [
        ['mean daily IC (Spearman)', report.ic.mean === null ? '—' : report.ic.mean.toFixed(4)],
        ['t-statistic', report.ic.tStat === null ? '—' : report.ic.tStat.toFixed(2)],
        ['days with IC > 0', pct(report.ic.positiveShare)],
        ['top-K picks up next day', `${pct(report.picks.hitRate)} of ${report.picks.count}`],
        ['directional hit rate', `${pct(report.directional.hitRate)} of ${report.directional.count}`],
        ['base rate: all returns up', pct(report.universe.upShare)],
      ],
    ),
  );
  const t = report.ic.tStat;
  console.log(
    t !== null && Math.abs(t) >= 2
      ? `The IC differs from zero (|t| ≥ 2): the model ranks with ${t > 0 ? 'some skill' : 'inverted skill'}.`
      : 'The IC is indistinguishable from zero (|t| < 2): on this data the model does not predict the ranking.',
  );
}
