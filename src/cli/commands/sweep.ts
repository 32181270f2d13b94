// `sigil sweep`: a parameter sweep over any configuration key, on every core, with a walk-forward and the
// statistics that say whether the best setting is real or luck (docs/research.md).
import { InvalidArgumentError, type Command } from 'commander';
import { OBJECTIVES, type Objective } from '../../domain/objective.ts';
import { addProgressOptions, type ProgressFlags } from '../progress-option.ts';
import { addDataRangeOptions } from '../time-option.ts';

export interface SweepFlags extends ProgressFlags {
  grid: string;
  variant?: string;
  samples?: number;
  seed: number;
  objective: Objective;
  minTrades: number;
  walkForward?: string;
  /** Default: one per core. */
  workers?: number;
  blocks: number;
  from?: string;
  to?: string;
  top: number;
  json?: boolean;
  html?: string;
  heatmap?: string;
  outConfig?: string;
}

/** Settings with fewer trades are not ranked: an expectancy of five trades is noise. */
export const DEFAULT_MIN_TRADES = 30;

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description(
      'backtest every setting of a grid of config keys on all cores, rank them, walk forward, and say whether the best is real or luck (--config is required)',
    )
    .requiredOption(
      '--grid <spec>',
      "a YAML file, or YAML inline: each config key with a list, {from, to, step}, or a distribution ({uniform: [a, b]}, {log_uniform: [a, b]}, {int_uniform: [a, b]}, {choice: [...]}), e.g. '{risk.hard_stop_multiplier: [1, 1.5, 2]}'",
    )
    .option(
      '--variant <name>',
      'the variant swept (required when the config has several); keys may also name its overlay: variants.<name>.risk.…',
    )
    .option(
      '--samples <n>',
      'random search: this many settings drawn from the grid (needed for distributions)',
      wholeNumber(1),
    )
    .option('--seed <n>', 'seed of the random search and of the bootstrap', wholeNumber(0), 1)
    .option(`--objective <name>`, `what "best" means: ${OBJECTIVES.join(', ')}`, objectiveName, 'expectancy')
    .option(
      '--min-trades <n>',
      'settings (and training windows) with fewer trades are not ranked',
      wholeNumber(1),
      DEFAULT_MIN_TRADES,
    )
    .option(
      '--walk-forward <spec>',
      'train=LENGTH,test=LENGTH[,step=LENGTH] with y, mo, w, d or h, e.g. train=12mo,test=3mo',
    )
    .option('--workers <n>', 'worker threads (default: one per core)', wholeNumber(1))
    .option('--blocks <n>', 'time blocks of the overfitting statistic (even, 2–20)', evenBlocks, 16)
    .option('--top <n>', 'ranked settings shown in the terminal', wholeNumber(1), 20)
    .option('--json', 'print the whole report as JSON (every setting’s metrics)')
    .option(
      '--html <file>',
      'also write an HTML report: heatmap, in-sample vs out-of-sample scatter, walk-forward equity',
    )
    .option(
      '--heatmap <keys>',
      'the two swept keys of the HTML heatmap, comma-separated (default: the first two that vary)',
    )
    .option(
      '--out-config <file>',
      'write the config with the best setting added as variant sweep_best, ready for sigil run and sigil ab',
    );
  addProgressOptions(addDataRangeOptions(command)).action(async (flags: SweepFlags, cmd: Command) =>
    (await import('../actions/sweep.ts')).sweep(flags, cmd),
  );
}

function wholeNumber(min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    }
    return n;
  };
}

function objectiveName(text: string): Objective {
  if (!(OBJECTIVES as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`expected one of ${OBJECTIVES.join(', ')}`);
  }
  return text as Objective;
}

function evenBlocks(text: string): number {
  const n = wholeNumber(2)(text);
  if (n % 2 !== 0 || n > 20) throw new InvalidArgumentError('expected an even number from 2 to 20');
  return n;
}
