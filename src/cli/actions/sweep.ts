// What `sigil sweep` does; commands/sweep.ts declares the options; loaded only to run.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { loadDotEnv } from '../../config/load-config.ts';
import type { GlobalOptions } from '../../app/app-context.ts';
import { gridSettings, parseGridSpec } from '../../research/grid-spec.ts';
import { writeOutConfig } from '../../research/out-config.ts';
import { runSweep } from '../../research/run-sweep.ts';
import { sweepBase, type SweepBase } from '../../research/setting-config.ts';
import { sweepHtml } from '../../research/sweep-html.ts';
import type { SweepReport } from '../../research/sweep-report.ts';
import { parseWalkForward } from '../../research/walk-forward.ts';
import { UsageError } from '../cli-error.ts';
import type { SweepFlags } from '../commands/sweep.ts';
import { progressBar } from '../progress-bar.ts';
import { showsProgress } from '../progress-option.ts';
import { sweepText } from '../sweep-text.ts';
import { timeRangeOptions } from '../time-option.ts';

/** Exit code of a sweep stopped by Ctrl-C (128 + SIGINT): what finished was printed. */
const EXIT_INTERRUPTED = 130;

export async function sweep(flags: SweepFlags, command: Command): Promise<void> {
  const globals = command.optsWithGlobals<GlobalOptions>();
  if (!globals.config) {
    throw new UsageError(
      'sweep needs the configuration to vary: --config FILE (e.g. config/reference-strategy.yaml)',
    );
  }
  loadDotEnv();
  // Everything that can be refused is refused here, before a worker starts.
  const range = timeRangeOptions(flags);
  const base = sweepBase(globals.config, flags.variant);
  refuseModelAnalysts(base);
  const grid = parseGridSpec(flags.grid);
  const settings = gridSettings(grid, {
    ...(flags.samples === undefined ? {} : { samples: flags.samples }),
    seed: flags.seed,
  });
  const keys = grid.axes.map((axis) => axis.key);
  const heatmap = heatmapOption(flags.heatmap, keys);
  const walkForward = flags.walkForward ? parseWalkForward(flags.walkForward) : null;

  const bar = progressBar({ enabled: showsProgress(flags) });
  const stop = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) bar.writeAbove('stopping: the settings finished so far are reported');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: SweepReport;
  try {
    let best: { label: string; objective: number } | null = null;
    bar.start(settings.length + 1, 'sweep');
    report = await runSweep({
      base,
      settings,
      ...range,
      objective: flags.objective,
      minTrades: flags.minTrades,
      walkForward,
      workers: flags.workers ?? availableParallelism(),
      seed: flags.seed,
      blocks: flags.blocks,
      signal: stop.signal,
      onProgress: (done, _total, result) => {
        if (
          result.index >= 0 &&
          result.objective !== null &&
          (best === null || result.objective > best.objective)
        ) {
          best = { label: result.label, objective: result.objective };
        }
        const shown = best as { label: string; objective: number } | null;
        bar.update(
          done,
          shown ? `best ${flags.objective} ${shown.objective.toFixed(3)}: ${shown.label}` : '',
        );
      },
    });
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  if (settings.length === 1) {
    process.stderr.write(
      'sigil: the grid has one setting: there is nothing to choose between, so the statistics only compare it with the configuration as written\n',
    );
  }
  if (flags.html) {
    writeFileSync(flags.html, sweepHtml(report, { title: `Sigil sweep — ${base.file}`, heatmap }));
  }
  console.log(flags.json ? JSON.stringify(report, null, 2) : sweepText(report, { top: flags.top }));
  if (flags.outConfig) writeChosen(base, report, flags.outConfig);
  if (report.interrupted) process.exitCode = EXIT_INTERRUPTED;
  else if (report.settings.every((s) => s.status === 'failed')) {
    process.stderr.write('sigil: every setting failed (the reasons are listed above)\n');
    process.exitCode = 1;
  }
}

/** A sweep asks the analyst once per signal per setting: an LLM or a web service would be asked thousands of times. */
function refuseModelAnalysts(base: SweepBase): void {
  const kind = base.config.variants[0]?.settings.analyst.kind;
  if (kind !== undefined && kind !== 'rules') {
    throw new UsageError(
      `variant ${base.variant} decides with analyst.kind ${kind}: a sweep runs every setting's backtest, and would ask it for every signal of every setting; sweep a variant with analyst.kind rules`,
    );
  }
}

function heatmapOption(text: string | undefined, keys: readonly string[]): [string, string] | undefined {
  if (text === undefined) return undefined;
  const chosen = text.split(',').map((k) => k.trim());
  const unknown = chosen.filter((k) => !keys.includes(k));
  if (chosen.length !== 2 || unknown.length > 0 || chosen[0] === chosen[1]) {
    throw new UsageError(
      `--heatmap takes two of the swept keys, comma-separated (${keys.join(', ')}); got "${text}"`,
    );
  }
  return chosen as [string, string];
}

function writeChosen(base: SweepBase, report: SweepReport, file: string): void {
  const best = report.settings.find((s) => s.index === report.best);
  if (report.interrupted || !best) {
    process.stderr.write(
      `sigil: --out-config: nothing written to ${file}: ${report.interrupted ? 'the sweep was interrupted' : `no setting made the minimum of ${report.minTrades} trades`}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const written = writeOutConfig(base, best.values, file);
  process.stderr.write(
    `sigil: wrote ${written.file} with variant ${written.variant} (${best.label}); compare it: sigil --config ${written.file} ab --variants ${base.variant},${written.variant}\n`,
  );
  for (const note of written.notes) process.stderr.write(`sigil: note: ${note}\n`);
}
