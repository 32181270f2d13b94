import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';

// The defaults --help shows, written out here so that --help loads neither the ranking model
// (ml-random-forest) nor the config schema (zod, yaml) to print them; program.test.ts holds them equal to
// REFERENCE_EVALUATION and BUNDLED_DATA, which the evaluation itself uses.
const REFERENCE = { topK: 2, trainWindow: 63, retrainEvery: 42 } as const;
/** `${BUNDLED_DATA}fx/1d`: the same folder from src/cli/commands/ and from dist/cli/commands/. */
const BUNDLED_FX_DAILY = fileURLToPath(new URL('../../../data/fx/1d', import.meta.url));

export interface EvaluateOptions {
  data: string;
  topK: number;
  trainWindow: number;
  retrainEvery: number;
  model?: string;
  json?: boolean;
}

/** `sigil scan evaluate`: does the ranking model predict anything? Walk-forward, out of sample. */
export function registerScanEvaluate(scan: Command): void {
  scan
    .command('evaluate')
    .description(
      'walk-forward evaluation of the ranking scanner: out-of-sample information coefficient and hit rates',
    )
    .option('--data <path>', 'folder of daily candle files', BUNDLED_FX_DAILY)
    .option('--top-k <k>', 'symbols picked per date', whole, REFERENCE.topK)
    .option('--train-window <dates>', 'dates in each training window', whole, REFERENCE.trainWindow)
    .option(
      '--retrain-every <dates>',
      'refit the model every this many test dates',
      whole,
      REFERENCE.retrainEvery,
    )
    .option(
      '--model <file>',
      'a LightGBM text model trained elsewhere, used instead of training a random forest',
    )
    .option('--json', 'print the full report, every date included')
    .action(async (_options: EvaluateOptions, command: Command) =>
      (await import('../actions/scan-evaluate.ts')).evaluate(command),
    );
}

function whole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}
